BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

ALTER TABLE webhooks DROP COLUMN failed_deliveries, DROP COLUMN failing_since;
DELETE FROM event_types WHERE tenant IS NULL AND name IN ('webhook.failing', 'webhook.disabled', 'webhook.recovered', 'delivery.exhausted');

COMMIT;
