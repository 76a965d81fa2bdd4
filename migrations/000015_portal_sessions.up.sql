BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- Portal sessions: short-lived bearer credentials bound to one tenant, handed
-- to a tenant's admin in a link. Stored like API tokens: the value's id finds
-- the row, the SHA-256 of the whole value proves it.
CREATE TABLE portal_sessions (
    id           text PRIMARY KEY,
    tenant       text NOT NULL,
    scopes       text[] NOT NULL,
    hash         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
-- Revoking a tenant's sessions, and purging long-expired ones.
CREATE INDEX portal_sessions_tenant_idx ON portal_sessions (tenant) WHERE revoked_at IS NULL;
CREATE INDEX portal_sessions_expires_at_idx ON portal_sessions (expires_at);

COMMIT;
