package store

// cancelQueuedOnDisable ends the queued deliveries of a webhook disabled in
// the current transaction (its disabled_at is the transaction's now()) and
// records how many on the webhook. Their River jobs find them finished and
// do nothing; an attempt in flight still records its outcome. $1 is the
// webhook id.
const cancelQueuedOnDisable = `WITH cancelled AS (
		UPDATE deliveries d SET status = 'cancelled', next_attempt_at = NULL, completed_at = now(), updated_at = now(),
			last_error = coalesce('Cancelled: hookd disabled the webhook. ' || w.disabled_reason, 'Cancelled: the webhook was disabled.')
		FROM webhooks w
		WHERE w.id = $1 AND w.status = 'inactive' AND w.disabled_at = now() AND w.deleted_at IS NULL
			AND d.webhook_id = w.id AND d.status = 'pending'
		RETURNING d.id)
	UPDATE webhooks SET disabled_cancelled = (SELECT count(*) FROM cancelled)
	WHERE id = $1 AND status = 'inactive' AND disabled_at = now()`

// cancelQueuedOnDelete ends the queued deliveries of a deleted webhook. $1
// is the webhook id.
const cancelQueuedOnDelete = `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, completed_at = now(),
		updated_at = now(), last_error = 'Cancelled: the webhook was deleted.'
	WHERE webhook_id = $1 AND status = 'pending'`
