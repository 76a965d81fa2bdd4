package dbhealth

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

type bundle struct {
	buf    *bytes.Buffer
	clock  *clock
	m      *Monitor
	logger *slog.Logger
}

func setup(t *testing.T) *bundle {
	t.Helper()
	buf := &bytes.Buffer{}
	m := New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	m.now = c.now
	return &bundle{buf: buf, clock: c, m: m, logger: slog.New(m.Handler())}
}

func (b *bundle) lines() []string {
	s := strings.TrimSpace(b.buf.String())
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

var errRefused = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}

const refused = "failed to connect to `user=postgres database=hookd`: 127.0.0.1:54330 (127.0.0.1): dial error: dial tcp 127.0.0.1:54330: connect: connection refused"

func TestOutageIsLoggedOncePerStateChange(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()

	// What a hookd process logged in 42 s with Postgres stopped: River's
	// producer every few ms, the scheduler and notifier now and then, the
	// heartbeat every 2 s, the rescuer every 5 s, postponed deliveries.
	for i := range 1500 {
		b.logger.ErrorContext(ctx, "producer: Error fetching jobs", slog.String("err", refused))
		if i%70 == 0 {
			b.logger.WarnContext(ctx, "recording heartbeat failed", slog.String("error", "error recording heartbeat: "+refused))
			b.logger.ErrorContext(ctx, "maintenance.JobScheduler: Error scheduling jobs", slog.String("error", "error starting transaction: "+refused))
			b.logger.ErrorContext(ctx, "notifier.Notifier: Error connecting listener", slog.String("err", "FATAL: terminating connection due to administrator command (SQLSTATE 57P01)"))
			b.logger.WarnContext(ctx, "delivery postponed: database unavailable", slog.Int64("delivery_id", 7), slog.Any("error", errRefused))
		}
		b.clock.advance(28 * time.Millisecond)
	}
	lines := b.lines()
	// Down at 0 s, reminders at 10 s and 30 s (the next is due at 70 s).
	require.Len(t, lines, 3, "%s", b.buf)
	require.Contains(t, lines[0], "database unavailable")
	require.Contains(t, lines[0], `source="producer: Error fetching jobs"`)
	require.Contains(t, lines[0], "connection refused")
	require.Contains(t, lines[1], "database still unavailable")
	require.Contains(t, lines[1], "for=10s")
	require.Contains(t, lines[2], "for=30s")

	b.m.OK(ctx, b.clock.t.Add(-time.Hour)) // begun before the outage: says nothing
	require.Len(t, b.lines(), 3)
	b.m.OK(ctx, b.clock.t)
	b.m.OK(ctx, b.clock.t)
	lines = b.lines()
	require.Len(t, lines, 4)
	require.Contains(t, lines[3], "database available again")
	require.Contains(t, lines[3], "after=42s")
	require.False(t, b.m.Down())

	// The next outage starts over, with its first line at once.
	b.logger.ErrorContext(ctx, "producer: Error fetching jobs", slog.String("err", refused))
	require.Len(t, b.lines(), 5)
	require.Contains(t, b.lines()[4], "database unavailable")
}

func TestRemindersBackOff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	var at []time.Duration
	start := b.clock.t
	for range 30 * 60 { // 30 minutes, a failure a second
		before := len(b.lines())
		b.m.Fail(ctx, "heartbeat", errRefused)
		if len(b.lines()) > before {
			at = append(at, b.clock.t.Sub(start))
		}
		b.clock.advance(time.Second)
	}
	require.Equal(t, []time.Duration{0, 10 * time.Second, 30 * time.Second, 70 * time.Second, 150 * time.Second,
		310 * time.Second, 610 * time.Second, 910 * time.Second, 1210 * time.Second, 1510 * time.Second}, at)
}

func TestOtherWarningsPass(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()

	require.False(t, b.m.Fail(ctx, "api", errors.New("syntax error at or near")), "not an outage")
	b.logger.InfoContext(ctx, "hookd serving", slog.String("addr", "127.0.0.1:8080"))
	b.logger.ErrorContext(ctx, "request failed", slog.String("error", `duplicate key value violates unique constraint "x"`))
	require.Len(t, b.lines(), 2)
	require.False(t, b.m.Down())

	// Info is never thinned; a warning repeated in a burst is, with a count.
	for range 10 {
		b.logger.InfoContext(ctx, "applied migration")
	}
	for range 500 {
		b.logger.WarnContext(ctx, "something odd", slog.String("error", "boom"))
		b.clock.advance(10 * time.Millisecond)
	}
	lines := b.lines()
	odd := 0
	for _, l := range lines {
		if strings.Contains(l, "something odd") {
			odd++
		}
	}
	require.Equal(t, 12, len(lines)-odd)
	require.Equal(t, 3, odd, "at 0, 1 and 3 s of a 5 s burst: %s", b.buf) // then 7 s
	require.Contains(t, lines[len(lines)-1], "repeated=")
}

func TestTracerEndsTheOutage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	tr := b.m.Tracer().(tracer)
	early := tr.start(ctx) // a statement begun before the outage was seen
	b.m.Fail(ctx, "heartbeat", errRefused)
	tr.end(early, nil)
	require.True(t, b.m.Down(), "a statement begun before the outage says nothing")
	b.clock.advance(time.Second)
	late := tr.start(ctx)
	tr.end(late, context.Canceled) // says nothing about the database
	tr.end(late, errRefused)
	require.True(t, b.m.Down())
	tr.end(late, &pgconn.PgError{Code: "23505"}) // the database answered
	require.False(t, b.m.Down())
	require.Len(t, b.lines(), 2)
}

func TestForSharesOneMonitor(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m, logger := For(b.logger)
	require.Same(t, b.m, m)
	require.Same(t, b.logger, logger)
	m2, _ := For(b.logger.With(slog.String("component", "x")))
	require.Same(t, b.m, m2, "a logger derived with With keeps the monitor")

	other, wrapped := For(slog.New(slog.DiscardHandler))
	require.NotSame(t, b.m, other)
	m3, _ := For(wrapped)
	require.Same(t, other, m3)
}
