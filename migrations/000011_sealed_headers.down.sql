BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';
-- Sealed header values cannot be opened here (the key is not in the
-- database): run an older hookd's reads only after re-saving the headers.
ALTER TABLE webhooks DROP COLUMN headers_enc, DROP COLUMN header_hints;
COMMIT;
