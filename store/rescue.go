package store

import (
	"context"
	"fmt"
	"time"
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
// silent for a day.
func (s *Store) RemoveHeartbeat(ctx context.Context, db DBTX, clientID string) error {
	_, err := db.Exec(ctx, `DELETE FROM worker_heartbeats WHERE client_id = $1 OR heartbeat_at < now() - interval '1 day'`, clientID)
	if err != nil {
		return fmt.Errorf("error removing heartbeat: %w", translate(err))
	}
	return nil
}

// RescueStuckJobs hands back jobs of kind still marked running although
// they started more than olderThan ago and the client working them has not
// beaten for staleAfter: its process died. It does what River's own
// rescuer does (an error recorded, the rescue counted, the job made
// available at once), but only for clients known to be gone, which River
// cannot tell, so it may run every few seconds where River's runs every
// 30 s. Jobs out of attempts are left to River, which discards them.
func (s *Store) RescueStuckJobs(ctx context.Context, db DBTX, kind string, olderThan, staleAfter time.Duration) (int, error) {
	tag, err := db.Exec(ctx, `UPDATE river_job j SET
			state = 'available',
			scheduled_at = now(),
			errors = array_append(errors, jsonb_build_object('at', now(), 'attempt', attempt,
				'error', 'Stuck job rescued by hookd: its process stopped during the attempt', 'trace', '')),
			metadata = metadata || jsonb_build_object('river:rescue_count', coalesce(CASE
				WHEN jsonb_typeof(metadata -> 'river:rescue_count') = 'number'
				THEN (metadata ->> 'river:rescue_count')::int END, 0) + 1)
		WHERE state = 'running' AND kind = $1 AND attempted_at < now() - make_interval(secs => $2)
			AND attempt < max_attempts
			AND NOT EXISTS (SELECT 1 FROM worker_heartbeats h
				WHERE h.client_id = j.attempted_by[array_upper(j.attempted_by, 1)]
					AND h.heartbeat_at > now() - make_interval(secs => $3))`,
		kind, olderThan.Seconds(), staleAfter.Seconds())
	if err != nil {
		return 0, fmt.Errorf("error rescuing stuck jobs: %w", translate(err))
	}
	return int(tag.RowsAffected()), nil
}
