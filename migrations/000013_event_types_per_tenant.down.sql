BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';
-- Back to one shared catalog: each custom name is kept once, the first
-- registered.
DROP INDEX event_types_tenant_name_idx;
DROP INDEX event_types_builtin_name_idx;
ALTER TABLE event_types DROP CONSTRAINT event_types_custom_has_tenant;
DELETE FROM event_types a USING event_types b
    WHERE a.name = b.name AND (a.tenant IS NOT NULL) AND (b.tenant IS NULL
        OR (b.tenant IS NOT NULL AND (b.created_at, b.tenant) < (a.created_at, a.tenant)));
ALTER TABLE event_types DROP COLUMN tenant;
ALTER TABLE event_types ADD PRIMARY KEY (name);
COMMIT;
