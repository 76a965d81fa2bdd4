BEGIN;
SET LOCAL lock_timeout = '10s';
-- The attempt log is rewritten below; on a large log that is one long scan.
SET LOCAL statement_timeout = '1h';

-- Custom header values are credentials (Authorization, Cookie, X-Api-Key):
-- they are sealed like the signing secret, and lists show only a masked
-- hint per header name. The key is not in the database, so hookd seals the
-- plaintext values left in `headers` itself once this has run (on
-- `hookd serve`/`worker` with auto-migration, `hookd migrate up` and
-- `hookd keys rotate`, when HOOKD_ENCRYPTION_KEY is set), and reads them
-- from there until then.
ALTER TABLE webhooks
    ADD COLUMN headers_enc bytea,
    ADD COLUMN header_hints jsonb NOT NULL DEFAULT '{}';

-- Attempts recorded so far hold custom header values in the clear: keep the
-- values hookd itself sets and redact every other.
UPDATE delivery_attempts a SET request_headers = (
        SELECT jsonb_object_agg(k, CASE WHEN k IN ('Content-Type', 'User-Agent') OR k LIKE 'Hookd-%' THEN v
            ELSE '"[redacted]"'::jsonb END)
        FROM jsonb_each(a.request_headers) AS e(k, v))
    WHERE EXISTS (SELECT 1 FROM jsonb_each_text(a.request_headers) AS e(k, v)
        WHERE NOT (k IN ('Content-Type', 'User-Agent') OR k LIKE 'Hookd-%') AND v <> '[redacted]');

COMMIT;
