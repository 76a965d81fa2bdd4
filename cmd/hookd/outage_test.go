package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/internal/apitest"
	"github.com/hookd/hookd/internal/storetest"
)

// cutProxy forwards TCP connections to Postgres until cut, which closes
// every connection and refuses new ones, as a stopped server does; restore
// listens again on the same address.
type cutProxy struct {
	t      *testing.T
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	p := &cutProxy{t: t, target: target, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *cutProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.pipe(c)
		}
	}()
}

func (p *cutProxy) pipe(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = c.Close()
		return
	}
	p.mu.Lock()
	if p.ln == nil {
		p.mu.Unlock()
		_ = c.Close()
		_ = up.Close()
		return
	}
	p.conns[c], p.conns[up] = true, true
	p.mu.Unlock()
	go func() { _, _ = io.Copy(up, c); _ = up.Close() }()
	_, _ = io.Copy(c, up)
	_ = c.Close()
}

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
	clear(p.conns)
}

func (p *cutProxy) restore() {
	ln, err := net.Listen("tcp", p.addr)
	require.NoError(p.t, err)
	p.serve(ln)
}

// syncBuffer is a log destination several goroutines write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := strings.TrimSpace(b.buf.String())
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// While the database is away hookd logs that once (and then reminders at
// growing intervals), whatever its API, workers, heartbeat, rescuer and
// River's services try, and logs once that it is back. It used to log each
// failure: about 1,500 lines in 42 s, most of them River's producer.
//
// Not parallel: its Main owns the process's queue-depth metric while it
// runs, and /metrics of a test running beside it would fail with its outage.
func TestDatabaseOutageLogsStateChanges(t *testing.T) {
	db := storetest.NewDatabase(t, 5)
	u, err := url.Parse(db.URL)
	require.NoError(t, err, "this test needs a postgres:// URL")
	require.Equal(t, "postgres", strings.TrimSuffix(u.Scheme, "ql"), "this test needs a postgres:// URL")
	proxy := newCutProxy(t, u.Host)
	u.Host = proxy.addr

	logs := &syncBuffer{}
	cfg, err := loadConfig(env("DATABASE_URL", u.String(), "HOOKD_ADDR", "127.0.0.1:0", "HOOKD_ENCRYPTION_KEY", testKey(t),
		"HOOKD_ADMIN_TOKEN", "bootstrap-admin-token-xyz-0123456789abcdef", "HOOKD_REQUEST_TIMEOUT", "2s"))
	require.NoError(t, err)
	m := &Main{Config: cfg, Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	require.NoError(t, m.Run(context.Background()))
	t.Cleanup(func() {
		_ = m.Close()
		if t.Failed() {
			t.Logf("hookd's log:\n%s", strings.Join(logs.lines(), "\n"))
		}
	})
	api := apitest.NewClient(t, "http://"+m.Addr())
	time.Sleep(time.Second) // River's services settle
	before := len(logs.lines())

	proxy.cut()
	// The API answers 503 throughout, without a line per request.
	deadline := time.Now().Add(6 * time.Second)
	for time.Now().Before(deadline) {
		res := api.Do(http.MethodGet, "/v2/admin/webhooks", "bootstrap-admin-token-xyz-0123456789abcdef", nil)
		require.Equal(t, http.StatusServiceUnavailable, res.Status, "%s", res.Body)
		time.Sleep(200 * time.Millisecond)
	}
	during := logs.lines()[before:]
	t.Logf("%d lines in 6 s of outage:\n%s", len(during), strings.Join(during, "\n"))
	var down int
	for _, l := range during {
		if strings.Contains(l, "database unavailable") {
			down++
		}
	}
	require.Equal(t, 1, down, "one line for the outage:\n%s", strings.Join(during, "\n"))
	// Besides it, only River's own state changes (its notifier turning
	// unhealthy, a leader stepping down), each once.
	require.LessOrEqual(t, len(during), 5, "%d lines in 6 s of outage:\n%s", len(during), strings.Join(during, "\n"))

	proxy.restore()
	require.Eventually(t, func() bool {
		for _, l := range logs.lines() {
			if strings.Contains(l, "database available again") {
				return true
			}
		}
		return false
	}, 15*time.Second, 100*time.Millisecond, "the end of the outage is logged")
	require.Eventually(t, func() bool {
		return api.Do(http.MethodGet, "/v2/admin/webhooks", "bootstrap-admin-token-xyz-0123456789abcdef", nil).Status == http.StatusOK
	}, 15*time.Second, 100*time.Millisecond)
}
