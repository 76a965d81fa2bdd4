package delivery_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/deliverytest"
)

// TestRescuerReturnsStrandedJobs: a job a dead process left running is
// handed back within a rescue interval of passing the job timeout, and
// delivered.
func TestRescuerReturnsStrandedJobs(t *testing.T) {
	t.Parallel()
	e := setupEngine(t)
	rcv := deliverytest.NewReceiver(t)
	e.webhook(t, rcv.URL)
	out := e.emit(t, "comment.created", `{}`)

	// As a process killed mid-attempt leaves it: running, attempted long ago
	// by a client that is gone.
	_, err := e.db.Pool.Exec(e.ctx, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '1 minute',
		attempted_by = ARRAY['dead-process']`)
	require.NoError(t, err)

	// hookd's rescuer alone (River's, on its leader, would do it too once
	// started): the job is available again within one interval.
	rescuer := delivery.NewRescuer(e.db.Pool, e.store, e.cfg)
	require.NoError(t, rescuer.Start(e.ctx))
	t.Cleanup(rescuer.Stop)
	require.Eventually(t, func() bool {
		var state string
		var rescued bool
		require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT state::text, EXISTS (SELECT 1 FROM unnest(errors) e
			WHERE e->>'error' LIKE 'Stuck job rescued by hookd%') FROM river_job`).Scan(&state, &rescued))
		return state == "available" && rescued
	}, 8*time.Second, 100*time.Millisecond)

	e.start(t)
	d := e.waitDelivery(t, out.ID, 10*time.Second)
	require.Equal(t, domain.DeliverySucceeded, d.Status)
	require.Equal(t, 1, rcv.Count())
}

// TestRescuerLeavesLiveProcessesAlone: a job running for long in a process
// that still beats (a slow one, not a dead one) is not taken from it.
func TestRescuerLeavesLiveProcessesAlone(t *testing.T) {
	t.Parallel()
	e := setupEngine(t)
	rcv := deliverytest.NewReceiver(t)
	e.webhook(t, rcv.URL)
	e.emit(t, "comment.created", `{}`)
	_, err := e.db.Pool.Exec(e.ctx, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '1 minute',
		attempted_by = ARRAY['slow-but-alive']`)
	require.NoError(t, err)
	require.NoError(t, e.store.Heartbeat(e.ctx, e.db.Pool, "slow-but-alive"))

	n, err := e.store.RescueStuckJobs(e.ctx, e.db.Pool, delivery.DeliverArgs{}.Kind(), time.Second, 10*time.Second)
	require.NoError(t, err)
	require.Zero(t, n, "its process is alive")

	_, err = e.db.Pool.Exec(e.ctx, `UPDATE worker_heartbeats SET heartbeat_at = now() - interval '11 seconds'`)
	require.NoError(t, err)
	n, err = e.store.RescueStuckJobs(e.ctx, e.db.Pool, delivery.DeliverArgs{}.Kind(), time.Second, 10*time.Second)
	require.NoError(t, err)
	require.Equal(t, 1, n, "its process stopped beating")
}

// TestRescueWritesRiverColumnsAsRiverDoes pins what the rescuer leaves in
// River's table to River's own types: if River renames a state, changes its
// error format or its rescue-count key, this fails.
func TestRescueWritesRiverColumnsAsRiverDoes(t *testing.T) {
	t.Parallel()
	e := setupEngine(t)
	rcv := deliverytest.NewReceiver(t)
	e.webhook(t, rcv.URL)
	e.emit(t, "comment.created", `{}`)
	_, err := e.db.Pool.Exec(e.ctx, `UPDATE river_job SET state = 'running', attempt = 2, attempted_at = now() - interval '1 minute',
		attempted_by = ARRAY['dead-process'], metadata = '{"river:rescue_count": 1}'`)
	require.NoError(t, err)
	n, err := e.store.RescueStuckJobs(e.ctx, e.db.Pool, delivery.DeliverArgs{}.Kind(), time.Second, 10*time.Second)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	var id int64
	require.NoError(t, e.db.Pool.QueryRow(e.ctx, `SELECT id FROM river_job`).Scan(&id))
	job, err := riverpgxv5.New(e.db.Pool).GetExecutor().JobGetByID(e.ctx, &riverdriver.JobGetByIDParams{ID: id})
	require.NoError(t, err)
	require.Equal(t, rivertype.JobStateAvailable, job.State)
	require.WithinDuration(t, time.Now(), job.ScheduledAt, 5*time.Second, "available at once")
	require.Len(t, job.Errors, 1)
	require.Equal(t, 2, job.Errors[0].Attempt)
	require.Contains(t, job.Errors[0].Error, "rescued by hookd")
	var meta map[string]any
	require.NoError(t, json.Unmarshal(job.Metadata, &meta))
	require.InDelta(t, 2, meta["river:rescue_count"], 0, "River's rescue count, incremented as River's rescuer does")
}
