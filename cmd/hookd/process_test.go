package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/internal/apitest"
	"github.com/hookd/hookd/internal/deliverytest"
	"github.com/hookd/hookd/internal/storetest"
)

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
)

// hookdBinary builds the real hookd binary once per test run.
func hookdBinary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hookd-bin-")
		if err != nil {
			binaryErr = err
			return
		}
		binaryPath = filepath.Join(dir, "hookd")
		out, err := exec.Command("go", "build", "-o", binaryPath, ".").CombinedOutput()
		if err != nil {
			binaryErr = err
			binaryPath = string(out)
		}
	})
	require.NoError(t, binaryErr, binaryPath)
	return binaryPath
}

// process is a hookd running as a child process.
type process struct {
	cmd  *exec.Cmd
	addr string
	done chan error
}

// startHookd runs `hookd <args>` with env and waits until it serves (or,
// for a worker, until it logs that it runs).
func startHookd(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(hookdBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	p := &process{cmd: cmd, done: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if strings.Contains(line, "hookd serving") || strings.Contains(line, "hookd worker running") {
				select {
				case ready <- line:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		t.Logf("hookd exited: %v", <-p.done)
	})
	select {
	case line := <-ready:
		if i := strings.Index(line, "addr="); i >= 0 {
			p.addr = strings.Fields(line[i+len("addr="):])[0]
		}
	case err := <-p.done:
		t.Fatalf("hookd exited before it was ready: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("hookd did not become ready")
	}
	return p
}

// TestSIGTERMFinishesInFlightAttempts: SIGTERM stops fetching, lets the
// attempt in flight finish and be recorded, and exits 0.
func TestSIGTERMFinishesInFlightAttempts(t *testing.T) {
	t.Parallel()
	db := storetest.NewDatabase(t, 4)
	rcv := deliverytest.NewReceiver(t)
	inFlight := make(chan struct{}, 1)
	rcv.Respond(func(w http.ResponseWriter, _ *http.Request, _ int) {
		inFlight <- struct{}{}
		time.Sleep(1500 * time.Millisecond)
		w.WriteHeader(http.StatusOK)
	})
	const admin = "sigterm-test-admin-token-0123456789abcdef"
	p := startHookd(t, []string{"DATABASE_URL=" + db.URL, "HOOKD_ADDR=127.0.0.1:0", "HOOKD_ENCRYPTION_KEY=" + testKey(t),
		"HOOKD_ADMIN_TOKEN=" + admin, "HOOKD_ALLOW_HTTP=true", "HOOKD_ALLOW_PRIVATE_NETWORKS=true"}, "serve")
	api := apitest.NewClient(t, "http://"+p.addr)
	res := api.Do(http.MethodPost, "/v2/admin/webhooks", admin, map[string]any{"name": "slow", "url": rcv.URL, "events": []string{"*"}})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	res = api.Do(http.MethodPost, "/v2/events", admin, map[string]any{"type": "comment.created", "data": map[string]any{}})
	require.Equal(t, http.StatusAccepted, res.Status)

	select {
	case <-inFlight:
	case <-time.After(10 * time.Second):
		t.Fatal("the attempt never started")
	}
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-p.done:
		require.NoError(t, err, "exit status 0")
		p.done <- nil // for the cleanup
	case <-time.After(20 * time.Second):
		t.Fatal("hookd did not exit after SIGTERM")
	}

	var status string
	var attempts int
	require.NoError(t, db.Pool.QueryRow(context.Background(), `SELECT status, attempts FROM deliveries`).Scan(&status, &attempts))
	require.Equal(t, "succeeded", status, "the in-flight attempt finished and was recorded")
	require.Equal(t, 1, attempts)
	require.Equal(t, 1, rcv.Count())
}

// TestServeAndWorkerProcessesShareWork: `hookd serve` and `hookd worker` on
// one database deliver every attempt exactly once between them.
func TestServeAndWorkerProcessesShareWork(t *testing.T) {
	t.Parallel()
	db := storetest.NewDatabase(t, 4)
	rcv := deliverytest.NewReceiver(t)
	rcv.Respond(func(w http.ResponseWriter, _ *http.Request, _ int) {
		time.Sleep(5 * time.Millisecond) // long enough for both processes to take jobs
		w.WriteHeader(http.StatusOK)
	})
	const admin = "two-process-admin-token-0123456789abcdef"
	env := []string{"DATABASE_URL=" + db.URL, "HOOKD_ADDR=127.0.0.1:0", "HOOKD_ENCRYPTION_KEY=" + testKey(t),
		"HOOKD_ADMIN_TOKEN=" + admin, "HOOKD_ALLOW_HTTP=true", "HOOKD_ALLOW_PRIVATE_NETWORKS=true", "HOOKD_WORKERS=10"}
	api := startHookd(t, env, "serve")
	startHookd(t, env, "worker")
	client := apitest.NewClient(t, "http://"+api.addr)
	for range 3 {
		res := client.Do(http.MethodPost, "/v2/admin/webhooks", admin, map[string]any{"name": "w", "url": rcv.URL, "events": []string{"*"}})
		require.Equal(t, http.StatusCreated, res.Status)
	}
	events := make([]map[string]any, 100)
	for i := range events {
		events[i] = map[string]any{"type": "comment.created", "data": map[string]any{"i": i}}
	}
	res := client.Do(http.MethodPost, "/v2/events/batch", admin, map[string]any{"events": events})
	require.Equal(t, http.StatusAccepted, res.Status)

	got := rcv.WaitFor(t, 300, 30*time.Second)
	time.Sleep(300 * time.Millisecond)
	require.Equal(t, 300, rcv.Count())
	seen := map[string]bool{}
	for _, r := range got {
		key := r.Header.Get("Hookd-Delivery-Id") + "/" + r.Header.Get("Hookd-Attempt")
		require.False(t, seen[key], "attempt %s sent twice", key)
		seen[key] = true
	}
	var clients int
	require.NoError(t, db.Pool.QueryRow(context.Background(), `SELECT count(DISTINCT attempted_by[1]) FROM river_job`).Scan(&clients))
	require.Equal(t, 2, clients, "both processes delivered")
}
