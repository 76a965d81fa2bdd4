package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The suite reads hookd's tables directly: the database is the record of
// what hookd promised, the receiver's log the record of what it did.

// dbDelivery is one row of deliveries.
type dbDelivery struct {
	ID        int64
	EventID   string
	WebhookID int64
	Status    string
	Cycle     int
	Attempts  int
}

// attemptKey names one attempt: a delivery and its attempt number (every
// delivery here has one cycle: nothing is redelivered).
type attemptKey struct {
	Delivery int64
	Number   int
}

func (k attemptKey) String() string {
	return fmt.Sprintf("delivery %d attempt %d", k.Delivery, k.Number)
}

// dbAttempt is one row of delivery_attempts.
type dbAttempt struct {
	Key        attemptKey
	Cycle      int
	Success    bool
	StatusCode *int
	Error      *string
	StartedAt  time.Time
	// Duration is how long hookd took over the attempt.
	Duration time.Duration
}

// ledger is hookd's record at one moment.
type ledger struct {
	events     map[string]bool
	deliveries map[int64]*dbDelivery
	byEvent    map[string][]*dbDelivery
	attempts   map[attemptKey][]*dbAttempt
}

// loadLedger reads every event, delivery and attempt.
func loadLedger(ctx context.Context, db *pgxpool.Pool) (*ledger, error) {
	l := &ledger{events: map[string]bool{}, deliveries: map[int64]*dbDelivery{}, byEvent: map[string][]*dbDelivery{},
		attempts: map[attemptKey][]*dbAttempt{}}
	rows, err := db.Query(ctx, `SELECT id FROM events`)
	if err != nil {
		return nil, fmt.Errorf("error reading events: %w", err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		l.events[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.Query(ctx, `SELECT id, event_id, webhook_id, status, cycle, attempts FROM deliveries`)
	if err != nil {
		return nil, fmt.Errorf("error reading deliveries: %w", err)
	}
	for rows.Next() {
		d := &dbDelivery{}
		if err := rows.Scan(&d.ID, &d.EventID, &d.WebhookID, &d.Status, &d.Cycle, &d.Attempts); err != nil {
			return nil, err
		}
		l.deliveries[d.ID] = d
		l.byEvent[d.EventID] = append(l.byEvent[d.EventID], d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.Query(ctx, `SELECT delivery_id, number, cycle, success, status_code, error, started_at, duration_ms FROM delivery_attempts ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("error reading attempts: %w", err)
	}
	for rows.Next() {
		a := &dbAttempt{}
		var durationMS int
		if err := rows.Scan(&a.Key.Delivery, &a.Key.Number, &a.Cycle, &a.Success, &a.StatusCode, &a.Error, &a.StartedAt, &durationMS); err != nil {
			return nil, err
		}
		a.Duration = time.Duration(durationMS) * time.Millisecond
		l.attempts[a.Key] = append(l.attempts[a.Key], a)
	}
	return l, rows.Err()
}

// recordedKeys reads which attempts are recorded now.
func recordedKeys(ctx context.Context, db *pgxpool.Pool) (map[attemptKey]bool, error) {
	rows, err := db.Query(ctx, `SELECT delivery_id, number FROM delivery_attempts`)
	if err != nil {
		return nil, err
	}
	out := map[attemptKey]bool{}
	for rows.Next() {
		var k attemptKey
		if err := rows.Scan(&k.Delivery, &k.Number); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

// rescue is one hand-back of a stranded job.
type rescue struct {
	At time.Time
	// ByHookd: hookd's heartbeat rescuer; otherwise River's JobRescuer.
	ByHookd bool
}

// rescues returns, per delivery, when a rescuer handed its job back.
func rescues(ctx context.Context, db *pgxpool.Pool) (map[int64][]rescue, error) {
	rows, err := db.Query(ctx, `SELECT (j.args->>'delivery_id')::bigint, (e->>'at')::timestamptz,
			e->>'error' LIKE 'Stuck job rescued by hookd%'
		FROM river_job j, unnest(j.errors) AS e
		WHERE j.kind = 'hookd_deliver' AND e->>'error' LIKE 'Stuck job rescued%'`)
	if err != nil {
		return nil, err
	}
	out := map[int64][]rescue{}
	for rows.Next() {
		var d int64
		var r rescue
		if err := rows.Scan(&d, &r.At, &r.ByHookd); err != nil {
			return nil, err
		}
		out[d] = append(out[d], r)
	}
	return out, rows.Err()
}

// backlog is what is left to do: pending deliveries and live delivery jobs.
type backlog struct {
	Pending int
	Jobs    int
}

func (b backlog) empty() bool { return b.Pending == 0 && b.Jobs == 0 }

func readBacklog(ctx context.Context, db *pgxpool.Pool) (backlog, error) {
	var b backlog
	err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM deliveries WHERE status = 'pending'),
		(SELECT count(*) FROM river_job WHERE kind = 'hookd_deliver'
			AND state IN ('available', 'running', 'retryable', 'scheduled', 'pending'))`).Scan(&b.Pending, &b.Jobs)
	return b, err
}

// stuckDetail describes deliveries still pending: the delivery and its
// River job's state, for a report.
func stuckDetail(ctx context.Context, db *pgxpool.Pool, limit int) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT d.id, d.event_id, d.attempts, coalesce(d.next_attempt_at::text, '-'),
			coalesce(string_agg(j.id || ':' || j.state || ' attempt ' || j.attempt || '/' || j.max_attempts
				|| ' scheduled ' || j.scheduled_at::text, ', '), 'no job')
		FROM deliveries d LEFT JOIN river_job j ON j.kind = 'hookd_deliver' AND (j.args->>'delivery_id')::bigint = d.id
		WHERE d.status = 'pending' GROUP BY d.id ORDER BY d.id LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		var id int64
		var event, next, jobs string
		var attempts int
		if err := rows.Scan(&id, &event, &attempts, &next, &jobs); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("delivery %d (event %s): %d attempts, next %s; jobs %s", id, event, attempts, next, jobs))
	}
	return out, rows.Err()
}

// riverWorkersSince counts the River clients that started a delivery job
// after t.
func riverWorkersSince(ctx context.Context, db *pgxpool.Pool, t time.Time) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(DISTINCT attempted_by[array_length(attempted_by, 1)]) FROM river_job
		WHERE kind = 'hookd_deliver' AND attempted_at > $1`, t).Scan(&n)
	return n, err
}

// orphanJobs returns the delivery ids of jobs still running that one of
// victims started before t.
func orphanJobs(ctx context.Context, db *pgxpool.Pool, t time.Time, victims []*proc) (map[int64]bool, error) {
	rows, err := db.Query(ctx, `SELECT (args->>'delivery_id')::bigint, attempted_by[array_length(attempted_by, 1)] FROM river_job
		WHERE kind = 'hookd_deliver' AND state = 'running' AND attempted_at < $1`, t)
	if err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	for rows.Next() {
		var d int64
		var client string
		if err := rows.Scan(&d, &client); err != nil {
			return nil, err
		}
		if procOfClient(victims, client) != nil {
			out[d] = true
		}
	}
	return out, rows.Err()
}

// runningByClient counts delivery jobs running, by the River client that
// took them.
func runningByClient(ctx context.Context, db *pgxpool.Pool) (map[string]int, error) {
	rows, err := db.Query(ctx, `SELECT attempted_by[array_length(attempted_by, 1)], count(*) FROM river_job
		WHERE kind = 'hookd_deliver' AND state = 'running' GROUP BY 1`)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
