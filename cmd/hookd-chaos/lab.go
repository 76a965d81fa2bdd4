package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hookd/hookd/internal/hookdbin"
)

// lab is what one chaos run shares across scenarios: its directory, the
// Postgres cluster, the hookd binary and the secrets every process gets.
type lab struct {
	dir   string
	pg    *cluster
	bin   string
	key   string // HOOKD_ENCRYPTION_KEY, the same for every process
	admin string // HOOKD_ADMIN_TOKEN
	seed  uint64
	scale scale
	out   io.Writer
	mu    sync.Mutex // serialises progress lines
}

// Timings every hookd process runs with: a fast schedule and a short
// delivery timeout, so a run fits in minutes.
const (
	deliveryTimeout = time.Second
	retryBase       = 200 * time.Millisecond
	shutdownTimeout = 10 * time.Second
	requestTimeout  = 3 * time.Second
	// attemptTimeout bounds one attempt in hookd: the delivery timeout + 3 s.
	attemptTimeout = deliveryTimeout + 3*time.Second
	// jobTimeout is hookd's River job timeout: up to 10 s waiting in the
	// process for a send slot, then the attempt (delivery/config.go).
	jobTimeout = 10*time.Second + attemptTimeout
	// rescueBound is what the issue promises for a process killed
	// mid-attempt: its deliveries are picked up again within job timeout +
	// 30 s.
	rescueBound = jobTimeout + 30*time.Second
	// handBackBound is what README claims of hookd's own rescuer: the jobs
	// of a process silent for 10 s are handed back by a look every 5 s;
	// its last heartbeat may be 2 s before the kill. Plus 2 s of slack.
	handBackBound = 10*time.Second + 5*time.Second + 2*time.Second + 2*time.Second
)

// newLab makes the run directory, starts the cluster and builds hookd.
func newLab(ctx context.Context, sc scale, seed uint64, out io.Writer) (*lab, error) {
	// Under /tmp, traversable by the postgres user when we are root.
	dir, err := os.MkdirTemp("", "hookd-chaos-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	l := &lab{dir: dir, seed: seed, scale: sc, out: out, key: randomKey(32), admin: "chaos-admin-" + randomHex(16)}
	for _, sub := range []string{"logs", "pg"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, err
		}
	}
	l.progress("run directory %s", dir)
	start := time.Now()
	root, err := hookdbin.RepoRoot()
	if err != nil {
		return nil, err
	}
	if l.bin, err = hookdbin.Build(ctx, root, dir); err != nil {
		return l, err
	}
	l.progress("built hookd in %s", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if l.pg, err = newCluster(ctx, filepath.Join(dir, "pg")); err != nil {
		return l, err
	}
	l.progress("Postgres (%s) on 127.0.0.1:%d, log %s, ready in %s", l.pg.bin, l.pg.port, l.pg.log, time.Since(start).Round(time.Millisecond))
	return l, nil
}

// close stops the cluster; keep leaves the run directory (logs, data) in
// place.
func (l *lab) close(keep bool) {
	if l.pg != nil {
		l.pg.Destroy()
	}
	if keep {
		fmt.Fprintf(l.out, "logs and data kept in %s\n", l.dir)
		return
	}
	_ = os.RemoveAll(l.dir)
}

// progress prints one timestamped line.
func (l *lab) progress(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.out, "%s  %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}

// env is every hookd process's environment for database url.
func (l *lab) env(url string) []string {
	return []string{
		"DATABASE_URL=" + url,
		"HOOKD_ADDR=127.0.0.1:0",
		"HOOKD_ENCRYPTION_KEY=" + l.key,
		"HOOKD_ADMIN_TOKEN=" + l.admin,
		"HOOKD_ALLOW_HTTP=true",
		"HOOKD_ALLOW_PRIVATE_NETWORKS=true",
		"HOOKD_RATE_LIMIT=0",
		"HOOKD_RETRY_BASE=" + retryBase.String(),
		"HOOKD_DELIVERY_TIMEOUT=" + deliveryTimeout.String(),
		"HOOKD_SHUTDOWN_TIMEOUT=" + shutdownTimeout.String(),
		"HOOKD_REQUEST_TIMEOUT=" + requestTimeout.String(),
		// Failures are the point here: a webhook must not be disabled for them.
		"HOOKD_DISABLE_AFTER=0",
		// Enough slots per webhook that the receiver, not hookd's per-webhook
		// cap, sets the pace.
		"HOOKD_WEBHOOK_CONCURRENCY=50",
		// info, not warn: the ready line ("hookd serving ... addr=") is
		// logged at info.
		"HOOKD_LOG_LEVEL=info",
	}
}

// randomKey is n random bytes, base64: the form HOOKD_ENCRYPTION_KEY takes.
func randomKey(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
