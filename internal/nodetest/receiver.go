package nodetest

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

//go:embed *.js
var scripts embed.FS

// scriptDir writes the package's scripts into a directory of the test's.
func scriptDir(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	entries, err := scripts.ReadDir(".")
	if err != nil {
		tb.Fatalf("nodetest: %v", err)
	}
	for _, e := range entries {
		b, _ := scripts.ReadFile(e.Name())
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			tb.Fatalf("nodetest: %v", err)
		}
	}
	return dir
}

// Receiver is receiver.js running in Node: one endpoint per (format,
// name), each verifying what arrives as that format's receivers do.
type Receiver struct {
	base string
}

// Endpoint configures one receiving endpoint.
type Endpoint struct {
	// Secrets are the secrets the receiver verifies with; every one must
	// verify (each is checked on its own).
	Secrets []string `json:"secrets"`
	// Authorization is the Authorization value a firstup receiver expects.
	Authorization string `json:"authorization,omitempty"`
	// Fail answers 500 to this many verified requests first.
	Fail int `json:"fail,omitempty"`
	// Tolerance is the timestamp tolerance in seconds. Default 300.
	Tolerance *int `json:"tolerance,omitempty"`
}

// Request is one request a receiver got.
type Request struct {
	Endpoint string            `json:"endpoint"`
	Format   string            `json:"format"`
	Headers  map[string]string `json:"headers"`
	Body     []byte            `json:"body"`
	// Checks is each verification's outcome, e.g. "svix[0]" or
	// "stringified[1]" (the index is the secret's).
	Checks map[string]bool   `json:"checks"`
	Errors map[string]string `json:"errors"`
	// OK is true when every check passed.
	OK bool `json:"ok"`
}

// StartReceiver runs the receivers until the test ends.
func StartReceiver(tb testing.TB) *Receiver {
	tb.Helper()
	modules := Modules(tb)
	cmd := exec.Command("node", filepath.Join(scriptDir(tb), "receiver.js"))
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatalf("nodetest: %v", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatalf("nodetest: %v", err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Fatalf("nodetest: %v", err)
	}
	tb.Cleanup(func() {
		_ = stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	ready := make(chan error, 1)
	var port int
	go func() {
		line, err := bufio.NewReader(stdout).ReadBytes('\n')
		if err == nil {
			var hello struct{ Port int }
			err = json.Unmarshal(line, &hello)
			port = hello.Port
		}
		ready <- err
	}()
	select {
	case err := <-ready:
		if err != nil {
			tb.Fatalf("nodetest: receiver did not start: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		tb.Fatalf("nodetest: receiver did not start in 30s\n%s", stderr.String())
	}
	return &Receiver{base: fmt.Sprintf("http://127.0.0.1:%d", port)}
}

// Endpoint configures the endpoint name of format and returns its URL.
func (r *Receiver) Endpoint(tb testing.TB, format, name string, cfg Endpoint) string {
	tb.Helper()
	if cfg.Secrets == nil {
		cfg.Secrets = []string{}
	}
	body, _ := json.Marshal(map[string]Endpoint{name: cfg})
	resp, err := http.Post(r.base+"/_config", "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatalf("nodetest: configuring %s: %v", name, err)
	}
	resp.Body.Close()
	return r.base + "/" + format + "/" + name
}

// Requests returns every request the endpoint name got, oldest first.
func (r *Receiver) Requests(tb testing.TB, name string) []Request {
	tb.Helper()
	resp, err := http.Get(r.base + "/_log")
	if err != nil {
		tb.Fatalf("nodetest: reading the log: %v", err)
	}
	defer resp.Body.Close()
	var all []Request
	if err := json.NewDecoder(resp.Body).Decode(&all); err != nil {
		tb.Fatalf("nodetest: reading the log: %v", err)
	}
	var out []Request
	for _, req := range all {
		if req.Endpoint == name {
			out = append(out, req)
		}
	}
	return out
}

// WaitFor waits until endpoint name got at least n requests.
func (r *Receiver) WaitFor(tb testing.TB, name string, n int, timeout time.Duration) []Request {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := r.Requests(tb, name)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatalf("nodetest: endpoint %s got %d requests, want %d within %s", name, len(got), n, timeout)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// Vector is a request to check as format's receivers do.
type Vector struct {
	Format        string            `json:"format"`
	Headers       map[string]string `json:"headers"`
	Body          []byte            `json:"body"`
	Secrets       []string          `json:"secrets"`
	Authorization string            `json:"authorization,omitempty"`
	Tolerance     *int              `json:"tolerance,omitempty"`
}

// Checks is the outcome of each check of a vector.
type Checks struct {
	Checks map[string]bool   `json:"checks"`
	Errors map[string]string `json:"errors"`
}

// OK reports whether there were checks and all passed.
func (c Checks) OK() bool {
	for _, ok := range c.Checks {
		if !ok {
			return false
		}
	}
	return len(c.Checks) > 0
}

// Verify checks vectors with the same receiver code as StartReceiver.
func Verify(tb testing.TB, vectors []Vector) []Checks {
	tb.Helper()
	var out []Checks
	RunFile(tb, "verify.js", vectors, &out)
	if len(out) != len(vectors) {
		tb.Fatalf("nodetest: %d results for %d vectors", len(out), len(vectors))
	}
	return out
}
