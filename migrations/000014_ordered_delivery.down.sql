BEGIN;
SET LOCAL lock_timeout = '10s';
DROP INDEX deliveries_ordering_idx;
ALTER TABLE deliveries DROP COLUMN held, DROP COLUMN ordering_seq, DROP COLUMN ordering_key;
ALTER TABLE events DROP COLUMN ordering_seq, DROP COLUMN ordering_key;
DROP TABLE ordering_keys;
COMMIT;
