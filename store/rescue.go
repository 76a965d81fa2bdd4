package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
)

// Heartbeat records that the River client clientID is alive.
func (s *Store) Heartbeat(ctx context.Context, db DBTX, clientID string) error {
	_, err := db.Exec(ctx, `INSERT INTO worker_heartbeats (client_id) VALUES ($1)
		ON CONFLICT (client_id) DO UPDATE SET heartbeat_at = now()`, clientID)
	if err != nil {
		return fmt.Errorf("error recording heartbeat: %w", translate(err))
	}
	return nil
}

// RemoveHeartbeat forgets a client that stops gracefully, and clients
// silent for a day, with what they published.
func (s *Store) RemoveHeartbeat(ctx context.Context, db DBTX, clientID string) error {
	_, err := db.Exec(ctx, `WITH gone AS (
			DELETE FROM worker_heartbeats WHERE client_id = $1 OR heartbeat_at < now() - interval '1 day' RETURNING client_id
		)
		DELETE FROM webhook_concurrency WHERE client_id = $1 OR client_id IN (SELECT client_id FROM gone)`, clientID)
	if err != nil {
		return fmt.Errorf("error removing heartbeat: %w", translate(err))
	}
	return nil
}

// RescueStuckJobs hands back jobs of kind still marked running although
// they started more than olderThan ago and the client working them has not
// beaten for staleAfter: its process died. Which jobs is hookd's question
// (River's own rescuer cannot tell a dead client from a slow one, so it
// waits far longer and runs only on the leader); the write is River's own
// JobRescueMany, so River's columns and metadata (errors, the rescue count)
// are written exactly as River's rescuer writes them. Jobs out of attempts
// are left to River, which discards them.
func (s *Store) RescueStuckJobs(ctx context.Context, pool *pgxpool.Pool, kind string, olderThan, staleAfter time.Duration) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		horizon := time.Now().Add(-olderThan)
		rows, err := tx.Query(ctx, `SELECT id, attempt FROM river_job j
			WHERE state = 'running' AND kind = $1 AND attempted_at < $2 AND attempt < max_attempts
				AND NOT EXISTS (SELECT 1 FROM worker_heartbeats h
					WHERE h.client_id = j.attempted_by[array_upper(j.attempted_by, 1)]
						AND h.heartbeat_at > now() - make_interval(secs => $3))
			ORDER BY id LIMIT 1000 FOR UPDATE SKIP LOCKED`, kind, horizon, staleAfter.Seconds())
		if err != nil {
			return err
		}
		params := &riverdriver.JobRescueManyParams{StuckHorizon: horizon}
		now := time.Now().UTC()
		var id int64
		var attempt int
		_, err = pgx.ForEachRow(rows, []any{&id, &attempt}, func() error {
			errData, err := json.Marshal(rivertype.AttemptError{At: now, Attempt: max(attempt, 0),
				Error: "Stuck job rescued by hookd: its process stopped during the attempt"})
			if err != nil {
				return err
			}
			params.ID = append(params.ID, id)
			params.Error = append(params.Error, errData)
			params.FinalizedAt = append(params.FinalizedAt, nil)
			params.ScheduledAt = append(params.ScheduledAt, now)
			params.State = append(params.State, string(rivertype.JobStateAvailable))
			return nil
		})
		if err != nil || len(params.ID) == 0 {
			return err
		}
		if _, err := riverpgxv5.New(nil).UnwrapExecutor(tx).JobRescueMany(ctx, params); err != nil {
			return err
		}
		n = len(params.ID)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("error rescuing stuck jobs: %w", translate(err))
	}
	return n, nil
}
