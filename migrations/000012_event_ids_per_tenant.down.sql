BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '1h';
-- Fails if two tenants now hold the same event id: keep one, then retry.
ALTER TABLE idempotency_keys DROP COLUMN route, DROP COLUMN fingerprint;
ALTER TABLE event_bodies DROP CONSTRAINT event_bodies_event_fkey;
ALTER TABLE event_bodies DROP CONSTRAINT event_bodies_pkey;
ALTER TABLE event_bodies DROP COLUMN tenant;
ALTER TABLE event_bodies ADD PRIMARY KEY (event_id, format);
ALTER TABLE deliveries DROP CONSTRAINT deliveries_event_fkey;
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ADD PRIMARY KEY (id);
ALTER TABLE deliveries ADD CONSTRAINT deliveries_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE;
ALTER TABLE event_bodies ADD CONSTRAINT event_bodies_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE;
COMMIT;
