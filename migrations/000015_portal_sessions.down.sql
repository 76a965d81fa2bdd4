BEGIN;
SET LOCAL lock_timeout = '10s';
DROP TABLE portal_sessions;
COMMIT;
