package dbhealth

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Handler returns a slog handler writing to the monitor's output that
// takes warnings and errors caused by an outage (an "err" or "error" attribute
// Unavailable recognises) as the monitor's failures instead of logging each,
// and thins out any other warning repeated in a burst. Give it to River and
// to hookd's components: River's producer alone logs a failed fetch every
// few milliseconds while the database is away.
func (m *Monitor) Handler() slog.Handler {
	return &handler{m: m, next: m.out, repeats: &repeats{seen: map[string]*repeat{}}}
}

type handler struct {
	m       *Monitor
	next    slog.Handler
	repeats *repeats
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &handler{m: h.m, next: h.next.WithAttrs(attrs), repeats: h.repeats}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{m: h.m, next: h.next.WithGroup(name), repeats: h.repeats}
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn {
		return h.next.Handle(ctx, r)
	}
	if text, ok := outageError(r); ok {
		h.m.fail(ctx, r.Message, text)
		return nil
	}
	n, ok := h.repeats.admit(r.Message, h.m.now())
	if !ok {
		return nil
	}
	if n > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int("repeated", n))
	}
	return h.next.Handle(ctx, r)
}

// outageError finds the record's error attribute and reports its text if
// it is an outage.
func outageError(r slog.Record) (string, bool) {
	var text string
	var found bool
	r.Attrs(func(a slog.Attr) bool {
		if a.Key != "err" && a.Key != "error" {
			return true
		}
		v := a.Value.Resolve()
		switch {
		case v.Kind() == slog.KindString:
			found = unavailableText(v.String())
			text = v.String()
		case v.Kind() == slog.KindAny:
			if err, ok := v.Any().(error); ok {
				found = !errors.Is(err, context.Canceled) && Unavailable(err)
				text = err.Error()
			}
		}
		return !found
	})
	return text, found
}

// A warning repeated within a burst is logged at growing intervals, from
// repeatFirst up to repeatMax, with the number left out since; a message
// quiet for twice its interval starts over.
const (
	repeatFirst = time.Second
	repeatMax   = 5 * time.Minute
	maxTracked  = 1024
)

type repeats struct {
	mu   sync.Mutex
	seen map[string]*repeat
}

type repeat struct {
	next, last time.Time
	interval   time.Duration
	suppressed int
}

// admit reports whether a record with message msg is logged now, and how
// many were left out before it.
func (rs *repeats) admit(msg string, now time.Time) (int, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	st := rs.seen[msg]
	if st == nil || now.Sub(st.last) > 2*st.interval {
		if len(rs.seen) >= maxTracked {
			clear(rs.seen)
		}
		rs.seen[msg] = &repeat{next: now.Add(repeatFirst), last: now, interval: repeatFirst}
		return 0, true
	}
	st.last = now
	if now.Before(st.next) {
		st.suppressed++
		return 0, false
	}
	n := st.suppressed
	st.suppressed = 0
	st.interval = min(2*st.interval, repeatMax)
	st.next = now.Add(st.interval)
	return n, true
}
