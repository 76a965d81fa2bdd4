BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

ALTER TABLE deliveries DROP COLUMN replay_id;
DROP TABLE replays;

COMMIT;
