// Package dbhealth turns a database outage into a few log lines: one when
// the database goes away, reminders at growing intervals while it stays
// away, and one when it is back. Without it every worker, timer and River
// service logged each failed query: about 1,500 lines in 42 seconds.
package dbhealth

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Reminders while the database stays away: the first after
// firstReminder, each later one twice as long after the one before, at
// most maxReminder apart.
const (
	firstReminder = 10 * time.Second
	maxReminder   = 5 * time.Minute
)

// Monitor tracks whether the database is reachable, as seen by everything
// in one process that uses it, and logs each change once.
type Monitor struct {
	out slog.Handler
	now func() time.Time

	down atomic.Bool // read without the lock on every success

	mu       sync.Mutex
	since    time.Time
	failures int
	lastErr  string
	interval time.Duration
	remindAt time.Time
}

// New returns a monitor logging to out.
func New(out slog.Handler) *Monitor {
	return &Monitor{out: out, now: time.Now}
}

// Fail records a failed database call of source (a component or the
// message it would have logged). It returns false, recording nothing, when
// err is not an outage, so the caller reports it as usual.
func (m *Monitor) Fail(ctx context.Context, source string, err error) bool {
	if !Unavailable(err) {
		return false
	}
	m.fail(ctx, source, err.Error())
	return true
}

func (m *Monitor) fail(ctx context.Context, source, errText string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.failures++
	m.lastErr = errText
	if !m.down.Load() {
		m.down.Store(true)
		m.since, m.interval = now, firstReminder
		m.remindAt = now.Add(m.interval)
		m.log(ctx, slog.LevelWarn, "database unavailable; hookd postpones its work until it is back",
			slog.String("source", source), slog.String("error", errText))
		return
	}
	if now.Before(m.remindAt) {
		return
	}
	m.interval = min(2*m.interval, maxReminder)
	m.remindAt = now.Add(m.interval)
	m.log(ctx, slog.LevelWarn, "database still unavailable",
		slog.Duration("for", now.Sub(m.since).Round(time.Second)), slog.Int("failures", m.failures),
		slog.String("error", errText))
}

// OK records that a database call begun at started succeeded; the first
// begun after an outage was seen logs its end. (A call begun before may
// have finished on a connection that was about to be cut.)
func (m *Monitor) OK(ctx context.Context, started time.Time) {
	if !m.down.Load() {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.down.Load() || started.Before(m.since) {
		return
	}
	m.down.Store(false)
	m.log(ctx, slog.LevelInfo, "database available again",
		slog.Duration("after", m.now().Sub(m.since).Round(time.Second)), slog.Int("failures", m.failures))
	m.failures, m.lastErr = 0, ""
}

// Down reports whether the last database call this monitor heard of failed
// with an outage.
func (m *Monitor) Down() bool { return m.down.Load() }

func (m *Monitor) log(ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr) {
	if !m.out.Enabled(ctx, level) {
		return
	}
	r := slog.NewRecord(m.now(), level, msg, 0)
	r.AddAttrs(attrs...)
	_ = m.out.Handle(ctx, r)
}
