BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- Every delivery inserts an attempt and every event a row; these indexes
-- were written each time and read by nothing (the dashboard's chart counts
-- deliveries; the event list filters type within the time index).
DROP INDEX IF EXISTS delivery_attempts_webhook_started_idx;
DROP INDEX IF EXISTS events_type_created_at_idx;

COMMIT;
