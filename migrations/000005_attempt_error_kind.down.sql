BEGIN;
SET LOCAL lock_timeout = '10s';
ALTER TABLE delivery_attempts DROP COLUMN error_kind;
COMMIT;
