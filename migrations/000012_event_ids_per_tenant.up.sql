BEGIN;
SET LOCAL lock_timeout = '10s';
-- Rebuilds the events key and checks every delivery against it: on a large
-- history that is a long scan, run once.
SET LOCAL statement_timeout = '1h';

-- A caller-chosen event id is unique within its tenant, not across tenants:
-- one tenant's ids must neither collide with another's nor reveal them. The
-- key leads with id, so a lookup by id alone (an unbound token) still uses
-- it; deliveries refer to their event by (id, tenant).
UPDATE deliveries d SET tenant = e.tenant FROM events e WHERE e.id = d.event_id AND d.tenant <> e.tenant;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_event_id_fkey;
ALTER TABLE event_bodies DROP CONSTRAINT event_bodies_event_id_fkey;
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ADD PRIMARY KEY (id, tenant);
ALTER TABLE deliveries ADD CONSTRAINT deliveries_event_fkey FOREIGN KEY (event_id, tenant)
    REFERENCES events (id, tenant) ON DELETE CASCADE;

-- An event's bodies in other formats belong to the same (id, tenant).
ALTER TABLE event_bodies ADD COLUMN tenant text;
UPDATE event_bodies b SET tenant = e.tenant FROM events e WHERE e.id = b.event_id;
ALTER TABLE event_bodies ALTER COLUMN tenant SET NOT NULL;
ALTER TABLE event_bodies DROP CONSTRAINT event_bodies_pkey;
ALTER TABLE event_bodies ADD PRIMARY KEY (event_id, tenant, format);
ALTER TABLE event_bodies ADD CONSTRAINT event_bodies_event_fkey FOREIGN KEY (event_id, tenant)
    REFERENCES events (id, tenant) ON DELETE CASCADE;

-- An Idempotency-Key belongs to the calling token's tenant ('*' for an
-- unbound token) and remembers the route and a fingerprint of the body it
-- was first used with: reusing it for anything else is refused (422), not
-- answered with another request's result. Keys from before have neither and
-- replay as they did until they expire.
ALTER TABLE idempotency_keys ADD COLUMN route text, ADD COLUMN fingerprint bytea;

COMMIT;
