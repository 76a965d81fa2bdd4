package store

import (
	"context"
	"fmt"
	"time"
)

// AuthFailureWindow is the span failed authentications are counted over.
const AuthFailureWindow = time.Minute

// RecordAuthFailure counts one failed authentication from client and
// returns the failures counted in its current window and how long that
// window still runs. A window starts at a client's first failure and lasts
// AuthFailureWindow; the next failure after it starts a new one.
func (s *Store) RecordAuthFailure(ctx context.Context, db DBTX, client string) (int, time.Duration, error) {
	var (
		failures int
		left     time.Duration
	)
	err := db.QueryRow(ctx, `INSERT INTO auth_failures AS f (client) VALUES ($1)
		ON CONFLICT (client) DO UPDATE SET
			failures = CASE WHEN f.window_start > now() - $2::interval THEN f.failures + 1 ELSE 1 END,
			window_start = CASE WHEN f.window_start > now() - $2::interval THEN f.window_start ELSE now() END
		RETURNING failures, window_start + $2::interval - now()`, client, AuthFailureWindow).Scan(&failures, &left)
	if err != nil {
		return 0, 0, fmt.Errorf("error recording authentication failure: %w", translate(err))
	}
	return failures, left, nil
}

// DeleteStaleAuthFailures deletes up to batch counts whose window ended.
func (s *Store) DeleteStaleAuthFailures(ctx context.Context, db DBTX, batch int) (int, error) {
	tag, err := db.Exec(ctx, `DELETE FROM auth_failures WHERE client IN (
		SELECT client FROM auth_failures WHERE window_start < now() - $1::interval ORDER BY window_start LIMIT $2)`,
		AuthFailureWindow, batch)
	if err != nil {
		return 0, fmt.Errorf("error deleting stale authentication failures: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
