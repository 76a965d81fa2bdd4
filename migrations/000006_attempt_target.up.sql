BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- Each attempt keeps where it was sent, so history stays true after the
-- webhook's URL is edited. Attempts recorded before have no URL (NULL);
-- hookd has only ever sent POST.
ALTER TABLE delivery_attempts
    ADD COLUMN url    text,
    ADD COLUMN method text NOT NULL DEFAULT 'POST';

COMMIT;
