BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- A webhook's own retry schedule (seconds to wait after each failed attempt;
-- NULL: the default, base × 5^(k−1)), whose length is always retry_count.
-- The default reaches 8 retries; a schedule of its own up to 20.
ALTER TABLE webhooks DROP CONSTRAINT webhooks_retry_count_check;
ALTER TABLE webhooks ADD COLUMN retry_schedule integer[],
    ADD CONSTRAINT webhooks_retry_count_check CHECK (
        (retry_schedule IS NULL AND retry_count BETWEEN 0 AND 8)
        OR (cardinality(retry_schedule) = retry_count AND retry_count BETWEEN 1 AND 20));

-- Deliveries per second across every process; NULL: unlimited.
ALTER TABLE webhooks ADD COLUMN rate_limit integer CHECK (rate_limit > 0);

-- The rate limit's state, one narrow row per limited webhook so that taking
-- a slot (one UPDATE per send) never touches the wide webhooks row: tat is
-- when the next slot is free (the "theoretical arrival time" of GCRA).
CREATE TABLE webhook_rate_slots (
    webhook_id bigint PRIMARY KEY REFERENCES webhooks (id) ON DELETE CASCADE,
    tat        timestamptz NOT NULL,
    -- granted is the slot the last statement handed out, NULL when it
    -- refused one: what RETURNING reads.
    granted    timestamptz,
    -- since tells the slots of this row from those of one deleted before
    -- (a new rate, a webhook enabled again): those are void.
    since      timestamptz NOT NULL DEFAULT now()
);
COMMIT;
