BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- A webhook's payload filter (domain.Filter's language), as saved; NULL
-- receives every event its patterns select. Fan-out evaluates it in hookd,
-- compiled once per (webhook, updated_at).
ALTER TABLE webhooks ADD COLUMN filter jsonb;

COMMIT;
