BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';
CREATE INDEX delivery_attempts_webhook_started_idx ON delivery_attempts (webhook_id, started_at);
CREATE INDEX events_type_created_at_idx ON events (type, created_at, id);
COMMIT;
