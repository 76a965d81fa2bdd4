BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- Operational events: hookd reports on the webhooks themselves, through the
-- same catalog and fan-out as any event.
INSERT INTO event_types (name, description, group_name, source) VALUES
  ('webhook.failing',    'A webhook''s consecutive failed deliveries reached half of HOOKD_DISABLE_AFTER: it will be disabled if they go on.', 'webhook',  'hookd'),
  ('webhook.disabled',   'hookd disabled a webhook: too many consecutive failed deliveries, or its endpoint answered 410 Gone.',              'webhook',  'hookd'),
  ('webhook.recovered',  'A webhook delivered successfully again after failed deliveries.',                                                   'webhook',  'hookd'),
  ('delivery.exhausted', 'A delivery failed on every attempt its webhook allows; it will not be retried unless redelivered.',                 'delivery', 'hookd');
-- A tenant's custom type of the same name would be shadowed by the built-in
-- one for good (and could no longer be deleted): it goes.
DELETE FROM event_types WHERE tenant IS NOT NULL
  AND name IN ('webhook.failing', 'webhook.disabled', 'webhook.recovered', 'delivery.exhausted');

-- failed_deliveries counts the deliveries that failed since the webhook's
-- last successful one. Unlike consecutive_failures it survives enabling the
-- webhook again: the first success afterwards is the recovery, and reports
-- it. failing_since is when the first of them was created, the start of
-- the window a recovery re-sends.
ALTER TABLE webhooks ADD COLUMN failed_deliveries integer NOT NULL DEFAULT 0,
                     ADD COLUMN failing_since timestamptz;

COMMIT;
