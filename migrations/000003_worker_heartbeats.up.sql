BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- Each process working deliveries beats here under its River client id, so
-- a job still marked running by a client that stopped beating can be handed
-- back quickly without ever taking one from a live (if slow) process.
CREATE TABLE worker_heartbeats (
    client_id    text PRIMARY KEY,
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);

COMMIT;
