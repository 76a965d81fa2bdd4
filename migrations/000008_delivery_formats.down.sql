BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';
ALTER TABLE delivery_attempts DROP COLUMN format;
DROP TABLE event_bodies;
ALTER TABLE webhooks DROP COLUMN format;
COMMIT;
