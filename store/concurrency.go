package store

import (
	"context"
	"fmt"
	"time"
)

// EndpointLoad is one process's concurrency limit and load for a webhook.
type EndpointLoad struct {
	WebhookID int64
	Limit     int
	InFlight  int
	Waiting   int
}

// WebhookConcurrency is a webhook's concurrency summed over the live
// processes that send to it.
type WebhookConcurrency struct {
	// Limit is how many attempts may be in flight at once across processes.
	Limit int
	// InFlight is how many are, and Waiting how many wait for a slot.
	InFlight int
	Waiting  int
	// Processes is how many processes hold a limit for the webhook.
	Processes int
}

// PublishConcurrency replaces what clientID has published with loads, in
// one statement.
func (s *Store) PublishConcurrency(ctx context.Context, db DBTX, clientID string, loads []EndpointLoad) error {
	ids, limits, inFlight, waiting := make([]int64, len(loads)), make([]int32, len(loads)), make([]int32, len(loads)), make([]int32, len(loads))
	for i, l := range loads {
		ids[i], limits[i], inFlight[i], waiting[i] = l.WebhookID, int32(l.Limit), int32(l.InFlight), int32(l.Waiting)
	}
	_, err := db.Exec(ctx, `WITH input AS (
			SELECT * FROM unnest($2::bigint[], $3::int[], $4::int[], $5::int[]) AS u(webhook_id, lim, in_flight, waiting)
		), gone AS (
			DELETE FROM webhook_concurrency c WHERE c.client_id = $1
				AND NOT EXISTS (SELECT 1 FROM input i WHERE i.webhook_id = c.webhook_id)
		)
		INSERT INTO webhook_concurrency (client_id, webhook_id, concurrency_limit, in_flight, waiting, updated_at)
		SELECT $1, webhook_id, lim, in_flight, waiting, now() FROM input
		ON CONFLICT (webhook_id, client_id) DO UPDATE SET concurrency_limit = excluded.concurrency_limit,
			in_flight = excluded.in_flight, waiting = excluded.waiting, updated_at = now()`,
		clientID, ids, limits, inFlight, waiting)
	if err != nil {
		return fmt.Errorf("error publishing concurrency: %w", translate(err))
	}
	return nil
}

// Concurrency returns the concurrency of each webhook in ids that some live
// process (one that beat within fresh) holds a limit for.
func (s *Store) Concurrency(ctx context.Context, db DBTX, ids []int64, fresh time.Duration) (map[int64]WebhookConcurrency, error) {
	rows, err := db.Query(ctx, `SELECT c.webhook_id, sum(c.concurrency_limit), sum(c.in_flight), sum(c.waiting), count(*)
		FROM webhook_concurrency c JOIN worker_heartbeats h ON h.client_id = c.client_id
		WHERE c.webhook_id = ANY($1) AND h.heartbeat_at > now() - make_interval(secs => $2)
		GROUP BY c.webhook_id`, ids, fresh.Seconds())
	if err != nil {
		return nil, fmt.Errorf("error reading concurrency: %w", translate(err))
	}
	defer rows.Close()
	out := map[int64]WebhookConcurrency{}
	for rows.Next() {
		var (
			id int64
			c  WebhookConcurrency
		)
		if err := rows.Scan(&id, &c.Limit, &c.InFlight, &c.Waiting, &c.Processes); err != nil {
			return nil, fmt.Errorf("error reading concurrency: %w", translate(err))
		}
		out[id] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("error reading concurrency: %w", translate(err))
	}
	return out, nil
}
