BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- A replay queues, in the background, a webhook's missing deliveries of the
-- events of a window: oldest first, in batches, each batch moving the cursor
-- (cursor_at, cursor_id) in the transaction that queues it, so a restart
-- resumes where it stopped and never queues an event twice.
CREATE TABLE replays (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id  bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    tenant      text NOT NULL,
    since       timestamptz NOT NULL,
    until       timestamptz NOT NULL,
    event_types text[] NOT NULL,
    -- The webhook's filter when the replay started.
    filter      jsonb,
    status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'cancelled')),
    events      integer NOT NULL,
    queued      integer NOT NULL DEFAULT 0,
    cursor_at   timestamptz,
    cursor_id   text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX replays_webhook_idx ON replays (webhook_id, id);

-- The replay that created a delivery, if one did. Attempts never change it,
-- so the index keeps their updates HOT.
ALTER TABLE deliveries ADD COLUMN replay_id bigint;
CREATE INDEX deliveries_replay_idx ON deliveries (replay_id) WHERE replay_id IS NOT NULL;

COMMIT;
