BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- A machine-readable kind beside an attempt's readable error, so programs
-- (the dashboard) act on a failure without matching its text. Older rows
-- keep NULL: their kind is unknown.
ALTER TABLE delivery_attempts ADD COLUMN error_kind text;

COMMIT;
