package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
)

// Some of River's work is done by the elected leader alone: its scheduler
// makes retryable and scheduled jobs whose time has come available (every
// 5 s; retries and snoozes due more than 5 s ahead wait for it), its
// rescuer hands back jobs running past RescueStuckJobsAfter (every 30 s),
// and its periodic enqueuer inserts retention's job (on election, then
// every HOOKD_RETENTION_INTERVAL). A kill -9 of every process leaves the
// leader row naming a dead client until it expires; the restarted
// processes try to take it every 5 s. These are River's own timings
// (internal/leadership/elector.go, internal/maintenance).
const (
	// riverLeaderTTL: the leader re-elects itself every 5 s for 5 + 10 s,
	// so its row outlives it by 10 to 15 s.
	riverLeaderTTL = 15 * time.Second
	// riverElectEvery: a follower tries every 5 s plus up to 1 s of jitter.
	riverElectEvery = 6 * time.Second
	// riverMaintenanceStart: a new leader starts its six maintenance
	// services (cleaner, rescuer, scheduler, periodic enqueuer, queue
	// cleaner, reindexer) one after the other in no fixed order, each
	// sleeping up to 1 s first; each runs once as soon as it is started.
	riverMaintenanceStart = 6 * time.Second
	// leaderBound is when, after a kill -9 of every process (restarted at
	// once), the new leader's scheduler, rescuer and periodic enqueuer have
	// all run: River's timings plus 2 s for polling and a busy machine.
	leaderBound = riverLeaderTTL + riverElectEvery + riverMaintenanceStart + 2*time.Second
)

// Probe jobs sit in a queue no hookd process works, so only River's
// leader-only services ever touch them.
const (
	probeQueue        = "chaos_probe"
	probeScheduleKind = "chaos_probe_schedule"
	probeRescueKind   = "chaos_probe_rescue"
)

// leader is River's leader row.
type leader struct {
	ID        string
	ElectedAt time.Time
	ExpiresAt time.Time
}

// riverLeader reads River's leader row; ok is false when there is none.
func riverLeader(ctx context.Context, db *pgxpool.Pool) (leader, bool, error) {
	var ld leader
	err := db.QueryRow(ctx, `SELECT leader_id, elected_at, expires_at FROM river_leader LIMIT 1`).Scan(&ld.ID, &ld.ElectedAt, &ld.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return leader{}, false, nil
	}
	return ld, err == nil, err
}

// liveLeader waits up to d for River's leader to be one of the live
// processes and returns it. Right after a kill the row may still name a
// killed process: it stays until it expires.
func liveLeader(ctx context.Context, s *stage, d time.Duration) (*proc, leader, error) {
	var (
		last  leader
		found *proc
	)
	waitFor(ctx, d, 100*time.Millisecond, func() bool {
		ld, ok, err := riverLeader(ctx, s.db)
		if err != nil || !ok {
			return false
		}
		last = ld
		if p := procOfClient(s.liveProcs(), ld.ID); p != nil && p.alive() && ld.ExpiresAt.After(time.Now()) {
			found = p
			return true
		}
		return false
	})
	if found == nil {
		if last.ID == "" {
			return nil, last, fmt.Errorf("no River leader after %s", d)
		}
		return nil, last, fmt.Errorf("after %s the River leader %q (expires %s) is still none of the live processes",
			d, last.ID, last.ExpiresAt.Format("15:04:05.000"))
	}
	return found, last, nil
}

// leaderWatch measures, after a kill -9 of every process, when each piece
// of the leader's work resumed.
type leaderWatch struct {
	killAt time.Time
	// old is the row the killed leader left; oldOK whether there was one.
	old   leader
	oldOK bool
	// scheduleDue is when the scheduler probe became due.
	scheduleDue time.Time
	probeIDs    []int64
	done        chan struct{}

	mu sync.Mutex
	// Each zero until seen.
	leader      leader
	leaderProc  *proc
	scheduled   time.Time // the scheduler probe was seen available
	rescued     time.Time // River's rescuer discarded the rescue probe
	retention   time.Time // the first retention job inserted after the kill
	maxPollTook time.Duration
}

// watchLeader starts measuring: it must run while every process is dead.
// It inserts two probes through River's driver — a job scheduled 1 s from
// now and a job left running by a dead client since before the kill,
// both of kinds no hookd worker knows — and polls until the new leader,
// its scheduler, its rescuer and its retention job have all been seen,
// or leaderBound + 10 s pass.
func watchLeader(ctx context.Context, s *stage, killAt time.Time) (*leaderWatch, error) {
	w := &leaderWatch{killAt: killAt, done: make(chan struct{})}
	var err error
	if w.old, w.oldOK, err = riverLeader(ctx, s.db); err != nil {
		return nil, err
	}
	exec := riverpgxv5.New(s.db).GetExecutor()
	w.scheduleDue = time.Now().Add(time.Second)
	longAgo := killAt.Add(-time.Minute)
	for _, p := range []*riverdriver.JobInsertFullParams{
		{Kind: probeScheduleKind, Queue: probeQueue, State: rivertype.JobStateScheduled, ScheduledAt: &w.scheduleDue,
			EncodedArgs: []byte(`{}`), Metadata: []byte(`{}`), MaxAttempts: 1, Priority: 1},
		{Kind: probeRescueKind, Queue: probeQueue, State: rivertype.JobStateRunning, Attempt: 1, AttemptedAt: &longAgo,
			AttemptedBy: []string{"chaos_killed_client"}, ScheduledAt: &longAgo,
			EncodedArgs: []byte(`{}`), Metadata: []byte(`{}`), MaxAttempts: 1, Priority: 1},
	} {
		row, err := exec.JobInsertFull(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("error inserting a River probe job: %w", err)
		}
		w.probeIDs = append(w.probeIDs, row.ID)
	}
	go w.poll(ctx, s)
	return w, nil
}

func (w *leaderWatch) poll(ctx context.Context, s *stage) {
	defer close(w.done)
	waitFor(ctx, leaderBound+10*time.Second, 100*time.Millisecond, func() bool {
		start := time.Now()
		defer func() {
			w.mu.Lock()
			w.maxPollTook = max(w.maxPollTook, time.Since(start))
			w.mu.Unlock()
		}()
		return w.pollOnce(ctx, s)
	})
	// The schedule probe, once available, would stay forever.
	cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_, _ = s.db.Exec(cleanup, `DELETE FROM river_job WHERE id = ANY($1)`, w.probeIDs)
}

// pollOnce looks once and reports whether everything has been seen.
func (w *leaderWatch) pollOnce(ctx context.Context, s *stage) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.leaderProc == nil {
		if ld, ok, err := riverLeader(ctx, s.db); err == nil && ok {
			if p := procOfClient(s.liveProcs(), ld.ID); p != nil {
				w.leader, w.leaderProc = ld, p
			}
		}
	}
	if w.scheduled.IsZero() {
		var state string
		if err := s.db.QueryRow(ctx, `SELECT state FROM river_job WHERE id = $1`, w.probeIDs[0]).Scan(&state); err == nil && state == string(rivertype.JobStateAvailable) {
			w.scheduled = time.Now()
		}
	}
	if w.rescued.IsZero() {
		var state string
		var finalized *time.Time
		if err := s.db.QueryRow(ctx, `SELECT state, finalized_at FROM river_job WHERE id = $1`, w.probeIDs[1]).Scan(&state, &finalized); err == nil &&
			state != string(rivertype.JobStateRunning) {
			w.rescued = time.Now()
			if finalized != nil {
				w.rescued = *finalized
			}
		}
	}
	if w.retention.IsZero() {
		var at *time.Time
		if err := s.db.QueryRow(ctx, `SELECT min(created_at) FROM river_job WHERE kind = 'hookd_retention' AND created_at > $1`, w.killAt).Scan(&at); err == nil && at != nil {
			w.retention = *at
		}
	}
	return w.leaderProc != nil && !w.scheduled.IsZero() && !w.rescued.IsZero() && !w.retention.IsZero()
}

// report adds the measures and the check; it waits for the polling to end.
func (w *leaderWatch) report(r *result, prefix string) {
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	after := func(t time.Time) string {
		if t.IsZero() {
			return fmt.Sprintf("not within %s", ms(leaderBound+10*time.Second))
		}
		return ms(t.Sub(w.killAt)) + " after the kill"
	}
	if w.oldOK {
		r.measure(prefix+"killed leader's row", "expired %s after the kill (River's leader TTL %s)", ms(w.old.ExpiresAt.Sub(w.killAt)), riverLeaderTTL)
	}
	name := "none"
	if w.leaderProc != nil {
		name = w.leaderProc.name
	}
	r.measure(prefix+"new River leader", "%s: elected %s", name, after(w.leader.ElectedAt))
	r.measure(prefix+"River's scheduler", "first run %s: a job due %s after the kill waited %s", after(w.scheduled),
		ms(w.scheduleDue.Sub(w.killAt)), waited(w.scheduled, w.scheduleDue))
	r.measure(prefix+"River's rescuer", "first run %s", after(w.rescued))
	r.measure(prefix+"retention job", "enqueued %s", after(w.retention))
	var late []string
	for _, x := range []struct {
		name string
		at   time.Time
	}{{"leader", w.leader.ElectedAt}, {"scheduler", w.scheduled}, {"rescuer", w.rescued}, {"retention", w.retention}} {
		if x.at.IsZero() || x.at.Sub(w.killAt) > leaderBound {
			late = append(late, x.name+" "+after(x.at))
		}
	}
	r.check(fmt.Sprintf("%sa new River leader and its scheduler, rescuer and retention within %s of the kill", prefix, leaderBound),
		len(late) == 0, "%v (slowest poll of the database %s)", late, ms(w.maxPollTook))
}

func waited(at, due time.Time) string {
	if at.IsZero() {
		return "-"
	}
	return ms(at.Sub(due))
}
