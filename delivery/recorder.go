package delivery

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookd/hookd/store"
)

// Batching of the worker's reads and writes: a few flushers so one slow
// statement does not hold the rest, and a cap on one batch.
const (
	workerFlushers = 4
	maxWorkerBatch = 256
)

// newRecorder writes attempt results in batches. A worker waits until the
// batch holding its result has committed, so a job is never completed in
// River before its attempt is on disk.
func newRecorder(pool *pgxpool.Pool, st *store.Store, queue store.QueueFunc, emit store.EmitFunc) *coalescer[store.AttemptResult, struct{}] {
	return newCoalescer(workerFlushers, maxWorkerBatch, func(ctx context.Context, results []store.AttemptResult) []result[struct{}] {
		err := st.RecordAttempts(ctx, pool, results, queue, emit)
		return each(len(results), err, func(int) struct{} { return struct{}{} })
	})
}

// newLoader reads attempt targets in batches, one query for every job that
// starts at the same moment.
func newLoader(pool *pgxpool.Pool, st *store.Store) *coalescer[int64, *store.AttemptTarget] {
	return newCoalescer(workerFlushers, maxWorkerBatch, func(ctx context.Context, ids []int64) []result[*store.AttemptTarget] {
		targets, err := st.LoadAttemptTargets(ctx, pool, ids)
		out := each(len(ids), err, func(i int) *store.AttemptTarget { return targets[ids[i]] })
		for i := range out {
			if err == nil && out[i].val == nil {
				out[i].err = store.ErrTargetGone
			}
		}
		return out
	})
}
