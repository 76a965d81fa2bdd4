BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';
ALTER TABLE delivery_attempts DROP COLUMN url, DROP COLUMN method;
COMMIT;
