BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- Custom event types belong to a tenant: one tenant's names can neither
-- crowd out nor squat another's, and each tenant has a cap. The built-in
-- catalog (every seed product's events) has no tenant and is shared.
ALTER TABLE event_types ADD COLUMN tenant text;
ALTER TABLE event_types DROP CONSTRAINT event_types_pkey;

-- Custom types registered so far were every tenant's: each known tenant
-- keeps them. Tenants are read from webhooks, tokens and events (the last
-- by skipping through its tenant index rather than scanning it).
INSERT INTO event_types (name, description, group_name, source, created_at, tenant)
SELECT et.name, et.description, et.group_name, et.source, et.created_at, t.tenant
FROM event_types et
CROSS JOIN (
    SELECT tenant FROM webhooks
    UNION SELECT tenant FROM api_tokens WHERE tenant IS NOT NULL
    UNION SELECT 'default'
    UNION (
        WITH RECURSIVE seen AS (
            (SELECT tenant FROM events ORDER BY tenant LIMIT 1)
            UNION ALL
            SELECT (SELECT e.tenant FROM events e WHERE e.tenant > seen.tenant ORDER BY e.tenant LIMIT 1)
            FROM seen WHERE seen.tenant IS NOT NULL)
        SELECT tenant FROM seen WHERE tenant IS NOT NULL)
) t
WHERE et.source = 'custom' AND et.tenant IS NULL;
DELETE FROM event_types WHERE source = 'custom' AND tenant IS NULL;

ALTER TABLE event_types ADD CONSTRAINT event_types_custom_has_tenant CHECK ((tenant IS NULL) = (source <> 'custom'));
CREATE UNIQUE INDEX event_types_builtin_name_idx ON event_types (name) WHERE tenant IS NULL;
CREATE UNIQUE INDEX event_types_tenant_name_idx ON event_types (tenant, name) WHERE tenant IS NOT NULL;

COMMIT;
