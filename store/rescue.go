package store

import (
	"context"
	"fmt"
	"time"
)

// RescueStuckJobs hands back jobs of kind still marked running although
// they started more than olderThan ago: the process working them died. It
// does what River's own rescuer does (an error recorded, the rescue
// counted, the job made available at once) but can run from every process
// as often as hookd likes, where River's runs on its leader every 30 s.
// Jobs out of attempts are left to River's rescuer, which discards them.
func (s *Store) RescueStuckJobs(ctx context.Context, db DBTX, kind string, olderThan time.Duration) (int, error) {
	tag, err := db.Exec(ctx, `UPDATE river_job SET
			state = 'available',
			scheduled_at = now(),
			errors = array_append(errors, jsonb_build_object('at', now(), 'attempt', attempt,
				'error', 'Stuck job rescued by hookd: its process stopped during the attempt', 'trace', '')),
			metadata = metadata || jsonb_build_object('river:rescue_count', coalesce(CASE
				WHEN jsonb_typeof(metadata -> 'river:rescue_count') = 'number'
				THEN (metadata ->> 'river:rescue_count')::int END, 0) + 1)
		WHERE state = 'running' AND kind = $1 AND attempted_at < now() - make_interval(secs => $2)
			AND attempt < max_attempts`, kind, olderThan.Seconds())
	if err != nil {
		return 0, fmt.Errorf("error rescuing stuck jobs: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
