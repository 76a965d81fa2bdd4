package delivery_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/internal/deliverytest"
)

// TestRetentionJob: with a short window the periodic job removes old
// events, their deliveries and attempts, and keeps recent ones.
func TestRetentionJob(t *testing.T) {
	t.Parallel()
	e := setupEngine(t, func(c *delivery.Config) {
		c.Retention = time.Hour
		c.RetentionInterval = 300 * time.Millisecond
	}).start(t)
	rcv := deliverytest.NewReceiver(t)
	e.webhook(t, rcv.URL)
	oldID := e.emit(t, "comment.created", `{}`).ID
	newID := e.emit(t, "comment.created", `{}`).ID
	rcv.WaitFor(t, 2, 5*time.Second)
	e.waitDelivery(t, oldID, 5*time.Second)
	_, err := e.db.Pool.Exec(e.ctx, `UPDATE events SET created_at = now() - interval '2 hours' WHERE id = $1`, oldID)
	require.NoError(t, err)
	_, err = e.db.Pool.Exec(e.ctx, `INSERT INTO idempotency_keys (tenant, key, status, response, created_at)
		VALUES ('default', 'stale', 202, '{}', now() - interval '25 hours')`)
	require.NoError(t, err)
	_, err = e.db.Pool.Exec(e.ctx, `INSERT INTO auth_failures (client, window_start, failures) VALUES
		('192.0.2.1', now() - interval '2 minutes', 7), ('192.0.2.2', now(), 3)`)
	require.NoError(t, err)

	require.Eventually(t, func() bool {
		var events, keys int
		var failures []string
		require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT (SELECT count(*) FROM events WHERE id = $1), (SELECT count(*) FROM idempotency_keys),
			(SELECT array_agg(client) FROM auth_failures)`, oldID).Scan(&events, &keys, &failures))
		return events == 0 && keys == 0 && len(failures) == 1 && failures[0] == "192.0.2.2"
	}, 10*time.Second, 100*time.Millisecond)
	var deliveries, attempts, kept int
	require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT (SELECT count(*) FROM deliveries), (SELECT count(*) FROM delivery_attempts),
		(SELECT count(*) FROM events WHERE id = $1)`, newID).Scan(&deliveries, &attempts, &kept))
	require.Equal(t, 1, deliveries)
	require.Equal(t, 1, attempts)
	require.Equal(t, 1, kept)
}
