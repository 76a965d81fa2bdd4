package dbhealth

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// For returns the monitor behind logger (one whose handler came from
// Monitor.Handler) and logger itself, or, for any other logger, a new
// monitor and logger writing to it. A process hands one such logger to all
// of its parts, so they share one monitor and an outage is logged once.
func For(logger *slog.Logger) (*Monitor, *slog.Logger) {
	if h, ok := logger.Handler().(*handler); ok {
		return h.m, logger
	}
	m := New(logger.Handler())
	return m, slog.New(m.Handler())
}

// Tracer returns a pgx tracer (for pgx.ConnConfig.Tracer) that tells the
// monitor whenever a statement, batch or connection reached the database:
// how the monitor learns that an outage has ended even in a process that
// only serves the API. While the database is up it costs an atomic load.
func (m *Monitor) Tracer() pgx.QueryTracer { return tracer{m} }

type tracer struct{ m *Monitor }

type startKey struct{}

// start notes when a call began, but only during an outage: a call begun
// before one was seen cannot tell that it is over.
func (t tracer) start(ctx context.Context) context.Context {
	if !t.m.down.Load() {
		return ctx
	}
	return context.WithValue(ctx, startKey{}, t.m.now())
}

func (t tracer) end(ctx context.Context, err error) {
	if !t.m.down.Load() || errors.Is(err, context.Canceled) || Unavailable(err) {
		return
	}
	if started, ok := ctx.Value(startKey{}).(time.Time); ok {
		t.m.OK(ctx, started)
	}
}

func (t tracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return t.start(ctx)
}

func (t tracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	t.end(ctx, data.Err)
}

func (t tracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return t.start(ctx)
}

func (t tracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (t tracer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchEndData) {
	t.end(ctx, data.Err)
}

func (t tracer) TraceConnectStart(ctx context.Context, _ pgx.TraceConnectStartData) context.Context {
	return t.start(ctx)
}

func (t tracer) TraceConnectEnd(ctx context.Context, data pgx.TraceConnectEndData) {
	t.end(ctx, data.Err)
}

var (
	_ pgx.BatchTracer   = tracer{}
	_ pgx.ConnectTracer = tracer{}
)
