BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- What a webhook's requests look like (body and signature): hookd's own, or
-- what receivers of one platform verify. Existing webhooks keep hookd's.
ALTER TABLE webhooks ADD COLUMN format text NOT NULL DEFAULT 'hookd'
    CHECK (format IN ('hookd', 'standard', 'selfcommunity', 'fluent', 'firstup', 'tribe'));

-- An event's body in each format other than hookd's (which is events.body),
-- built once when the event fans out to a webhook of that format (or, for a
-- format a webhook switched to later, at its first attempt), so every
-- attempt and redelivery sends the same bytes whatever the number of
-- webhooks.
CREATE TABLE event_bodies (
    event_id text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    format   text NOT NULL,
    body     bytea NOT NULL,
    PRIMARY KEY (event_id, format)
);

-- Which of the event's bodies an attempt carried. A constant default adds
-- the column without rewriting the table.
ALTER TABLE delivery_attempts ADD COLUMN format text NOT NULL DEFAULT 'hookd';

COMMIT;
