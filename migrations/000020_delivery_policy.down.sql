BEGIN;
SET LOCAL lock_timeout = '10s';
DROP TABLE webhook_rate_slots;
ALTER TABLE webhooks DROP COLUMN rate_limit;
ALTER TABLE webhooks DROP CONSTRAINT webhooks_retry_count_check;
UPDATE webhooks SET retry_count = least(retry_count, 8);
ALTER TABLE webhooks DROP COLUMN retry_schedule,
    ADD CONSTRAINT webhooks_retry_count_check CHECK (retry_count BETWEEN 0 AND 8);
COMMIT;
