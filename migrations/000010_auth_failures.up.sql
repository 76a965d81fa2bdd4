BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- Failed authentications per client address, counted here rather than in
-- one process's memory so that every hookd process refuses a client that is
-- guessing tokens, however a load balancer spreads its requests.
CREATE TABLE auth_failures (
    client       text PRIMARY KEY,
    window_start timestamptz NOT NULL DEFAULT now(),
    failures     integer NOT NULL DEFAULT 1
);
CREATE INDEX auth_failures_window_start_idx ON auth_failures (window_start);

COMMIT;
