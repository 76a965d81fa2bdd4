BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

DELETE FROM event_types WHERE source <> 'custom';

COMMIT;
