BEGIN;
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '60s';

-- Disabling a webhook (by hand, after too many failures, or on 410 Gone)
-- cancels its queued deliveries at once; the webhook keeps how many, so the
-- dashboard can say so and offer to send them again.
ALTER TABLE webhooks ADD COLUMN disabled_cancelled integer NOT NULL DEFAULT 0;

COMMIT;
