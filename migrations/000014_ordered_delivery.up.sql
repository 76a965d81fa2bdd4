BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- Ordered delivery per (webhook, ordering key): each key's events get a
-- sequence when accepted (the key's row here is locked by the emitting
-- transaction until it commits, so sequence order is commit order), and a
-- keyed delivery is "held" — pending without a River job — until the one
-- before it for the same webhook and key has finished; finishing it
-- releases the next, in the same transaction.
CREATE TABLE ordering_keys (
    tenant     text NOT NULL,
    key        text NOT NULL,
    last_seq   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, key)
);

ALTER TABLE events ADD COLUMN ordering_key text, ADD COLUMN ordering_seq bigint;
ALTER TABLE deliveries ADD COLUMN ordering_key text, ADD COLUMN ordering_seq bigint,
    ADD COLUMN held boolean NOT NULL DEFAULT false;
-- A key's chain for one webhook, in order. held is not in it: releasing a
-- delivery stays a HOT update.
CREATE INDEX deliveries_ordering_idx ON deliveries (webhook_id, tenant, ordering_key, ordering_seq)
    WHERE ordering_key IS NOT NULL;

COMMIT;
