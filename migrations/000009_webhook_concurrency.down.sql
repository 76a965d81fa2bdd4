BEGIN;
SET LOCAL lock_timeout = '10s';
DROP TABLE webhook_concurrency;
COMMIT;
