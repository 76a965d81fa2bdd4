package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/storetest"
	"github.com/hookd/hookd/store"
)

// TestHotLookupsArePlannedForTheirIDs: the worker's read of its deliveries
// and the recorder's update of them run thousands of times a second on the
// same connections. Postgres would switch a prepared statement to a generic
// plan on its sixth run and keep it for the connection's life; on a young
// database that plan was made for tables of a few rows and scanned them
// whole ever after. Each run must be planned for its own ids instead.
func TestHotLookupsArePlannedForTheirIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.NewDatabase(t, 2)
	st := storetest.Store(t)
	w, err := st.CreateWebhook(ctx, db.Pool, newWebhookParams("acme"))
	require.NoError(t, err)

	// One connection, so the statements and their plans are its own.
	conn, err := db.Pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	const runs = 8
	for i := range runs {
		d := pendingDelivery(t, st, conn, w)
		targets, err := st.LoadAttemptTargets(ctx, conn, []int64{d.ID})
		require.NoError(t, err)
		require.Len(t, targets, 1)
		code := 200
		err = st.RecordAttempts(ctx, conn, []store.AttemptResult{{
			Attempt: domain.Attempt{DeliveryID: d.ID, WebhookID: w.ID, Cycle: d.Cycle, Number: 1,
				StartedAt: time.Now(), RequestHeaders: map[string]string{}, StatusCode: &code, Success: true},
			Status: domain.DeliverySucceeded,
		}}, nil, nil)
		require.NoError(t, err, "run %d", i)
	}

	plans := func(like string) (generic, custom int64) {
		err := conn.QueryRow(ctx, `SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0)
			FROM pg_prepared_statements WHERE statement LIKE $1`, like).Scan(&generic, &custom)
		require.NoError(t, err)
		return generic, custom
	}
	// The update is a prepared statement of the recorder's batch: planned
	// anew each time.
	generic, custom := plans("%UPDATE deliveries d SET status = u.status%")
	require.Zero(t, generic, "the recorder's update used a generic plan")
	require.GreaterOrEqual(t, custom, int64(runs))
	// The read is not kept as a prepared statement at all, so it has no
	// plan to keep.
	var prepared int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE $1`,
		"%FROM deliveries d JOIN events e%").Scan(&prepared))
	require.Zero(t, prepared, "the worker's read is a prepared statement")

	// Outside the recorder's batch, the connection plans as it always did.
	var mode string
	require.NoError(t, conn.QueryRow(ctx, `SHOW plan_cache_mode`).Scan(&mode))
	require.Equal(t, "auto", mode)
}

// TestRiverJobCarriesNoGINIndexes: River's GIN indexes on a job's args and
// metadata serve only its UI's search, and each of a delivery job's three
// writes would add to both.
func TestRiverJobCarriesNoGINIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.NewDatabase(t, 2)
	var names []string
	rows, err := db.Pool.Query(ctx, `SELECT indexname FROM pg_indexes WHERE tablename = 'river_job' AND indexdef LIKE '%USING gin%'`)
	require.NoError(t, err)
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		names = append(names, n)
	}
	require.NoError(t, rows.Err())
	require.Empty(t, names)
	// The fetch and completion River relies on keep theirs.
	var fetching bool
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_indexes
		WHERE indexname = 'river_job_prioritized_fetching_index')`).Scan(&fetching))
	require.True(t, fetching)
}
