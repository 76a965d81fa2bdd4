BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- Each worker process publishes, every few seconds, the concurrency limit
-- it holds for each endpoint it sends to (it follows how the endpoint
-- answers) and its attempts in flight, so the API can show them. Rows of
-- processes whose heartbeat is stale are ignored and purged.
CREATE TABLE webhook_concurrency (
    client_id         text NOT NULL,
    webhook_id        bigint NOT NULL,
    concurrency_limit integer NOT NULL,
    in_flight         integer NOT NULL,
    waiting           integer NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (webhook_id, client_id)
);

COMMIT;
