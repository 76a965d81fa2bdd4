BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- The event catalog: what a webhook may subscribe to and an emitter may send.
CREATE TABLE event_types (
    name        text PRIMARY KEY,
    description text NOT NULL,
    group_name  text NOT NULL,
    source      text NOT NULL DEFAULT 'custom',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhooks (
    id                         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant                     text NOT NULL DEFAULT 'default',
    kind                       text NOT NULL DEFAULT 'webhook' CHECK (kind IN ('webhook', 'subscription')),
    name                       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    url                        text NOT NULL CHECK (char_length(url) <= 2048),
    events                     text[] NOT NULL CHECK (cardinality(events) > 0),
    status                     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    -- Credentials are sealed by secretbox (AES-256-GCM, key id inside); the
    -- hints are what lists show.
    secret_enc                 bytea NOT NULL,
    secret_hint                text NOT NULL,
    previous_secret_enc        bytea,
    previous_secret_expires_at timestamptz,
    authorization_enc          bytea,
    authorization_hint         text,
    headers                    jsonb NOT NULL DEFAULT '{}',
    retry_count                integer NOT NULL DEFAULT 5 CHECK (retry_count BETWEEN 0 AND 8),
    last_triggered_at          timestamptz,
    last_error                 text,
    last_failure_at            timestamptz,
    consecutive_failures       integer NOT NULL DEFAULT 0,
    disabled_reason            text,
    disabled_at                timestamptz,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    -- Soft delete: deliveries keep their history and queued attempts find the
    -- webhook gone and cancel themselves.
    deleted_at                 timestamptz
);
CREATE INDEX webhooks_tenant_id_idx ON webhooks (tenant, id) WHERE deleted_at IS NULL;
-- Fan-out reads a tenant's active webhooks and overlaps their patterns.
CREATE INDEX webhooks_fanout_idx ON webhooks USING gin (events) WHERE status = 'active' AND deleted_at IS NULL;

CREATE TABLE events (
    id         text PRIMARY KEY,
    tenant     text NOT NULL,
    type       text NOT NULL,
    -- The exact JSON envelope every attempt sends, byte for byte.
    body       bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_created_at_idx ON events (created_at, id);
CREATE INDEX events_tenant_created_at_idx ON events (tenant, created_at, id);
CREATE INDEX events_type_created_at_idx ON events (type, created_at, id);

CREATE TABLE deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id         text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    webhook_id       bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    tenant           text NOT NULL,
    event_type       text NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
    -- A redelivery starts a new cycle; attempts counts within the cycle.
    cycle            integer NOT NULL DEFAULT 1,
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    last_status_code integer,
    last_error       text,
    last_attempt_at  timestamptz,
    completed_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
-- Every attempt updates its delivery's row; free space in each page and no
-- index on a column an attempt changes (status included) let Postgres make
-- that a HOT update, which touches no index.
) WITH (fillfactor = 80);
-- A webhook's log, newest first, its last-24-hours chart, and recovery.
CREATE INDEX deliveries_webhook_created_idx ON deliveries (webhook_id, created_at, id);
CREATE INDEX deliveries_event_id_idx ON deliveries (event_id);

CREATE TABLE delivery_attempts (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id      bigint NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    webhook_id       bigint NOT NULL,
    cycle            integer NOT NULL,
    number           integer NOT NULL,
    started_at       timestamptz NOT NULL,
    duration_ms      integer NOT NULL,
    -- Signature and Authorization values are redacted before they get here.
    request_headers  jsonb NOT NULL,
    status_code      integer,
    response_headers jsonb,
    response_body    text,
    error            text,
    success          boolean NOT NULL
);
CREATE INDEX delivery_attempts_delivery_id_idx ON delivery_attempts (delivery_id, id);
CREATE INDEX delivery_attempts_webhook_started_idx ON delivery_attempts (webhook_id, started_at);

-- First answers to Idempotency-Key requests, kept 24 h.
CREATE TABLE idempotency_keys (
    tenant     text NOT NULL,
    key        text NOT NULL,
    status     integer NOT NULL,
    response   jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, key)
);
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);

CREATE TABLE api_tokens (
    -- The public lookup id, also the token value's prefix.
    id           text PRIMARY KEY,
    name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    scopes       text[] NOT NULL,
    tenant       text,
    -- SHA-256 of the whole token value; the value itself is never stored.
    hash         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

COMMIT;
