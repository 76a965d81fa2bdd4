package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is one hookd process: `hookd serve` or `hookd worker`.
type proc struct {
	name   string // serve-1, worker-2, ...
	kind   string // serve or worker
	cmd    *exec.Cmd
	pid    int
	addr   string // the API's address (serve only)
	stderr string // path of its captured stderr

	done chan struct{} // closed when it has exited

	mu       sync.Mutex
	exitErr  error
	exitedAt time.Time
	// signalled is set before we stop it on purpose (SIGTERM, SIGKILL); an
	// exit without it is a crash.
	signalled bool
}

// readyMarker is what hookd logs (at info) once it serves or works.
var readyMarker = []string{"hookd serving", "hookd worker running"}

// startProc starts `hookd <kind>` with env and waits until it is ready.
func startProc(ctx context.Context, bin, kind, name, logDir string, env []string) (*proc, error) {
	p := &proc{name: name, kind: kind, stderr: filepath.Join(logDir, name+".stderr"), done: make(chan struct{})}
	f, err := os.Create(p.stderr)
	if err != nil {
		return nil, err
	}
	ready := make(chan string, 1)
	p.cmd = exec.Command(bin, kind)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout = f
	p.cmd.Stderr = &lineWatcher{w: f, match: readyMarker, found: ready}
	// Die with us: a chaos run interrupted half-way must not leave hookd
	// processes behind.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("error starting hookd %s: %w", kind, err)
	}
	p.pid = p.cmd.Process.Pid
	go func() {
		err := p.cmd.Wait()
		f.Close()
		p.mu.Lock()
		p.exitErr, p.exitedAt = err, time.Now()
		p.mu.Unlock()
		close(p.done)
	}()
	select {
	case line := <-ready:
		if i := strings.Index(line, "addr="); i >= 0 {
			p.addr = strings.Fields(line[i+len("addr="):])[0]
		}
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("hookd %s exited before it was ready: %w (stderr: %s)\n%s", kind, p.exitErr, p.stderr, tailFile(p.stderr, 15))
	case <-time.After(60 * time.Second):
		p.kill()
		return nil, fmt.Errorf("hookd %s was not ready after 60s (stderr: %s)", kind, p.stderr)
	case <-ctx.Done():
		p.kill()
		return nil, ctx.Err()
	}
}

// lineWatcher copies to w and reports the first line holding one of match.
type lineWatcher struct {
	w     *os.File
	match []string
	found chan string

	partial []byte // the current line so far
	seen    bool
}

func (l *lineWatcher) Write(b []byte) (int, error) {
	n, err := l.w.Write(b)
	if l.seen {
		return n, err
	}
	l.partial = append(l.partial, b...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			return n, err
		}
		line := l.partial[:i]
		for _, m := range l.match {
			if bytes.Contains(line, []byte(m)) {
				l.seen = true
				l.found <- string(line)
				l.partial = nil
				return n, err
			}
		}
		l.partial = l.partial[i+1:]
	}
}

// alive reports whether the process has not exited.
func (p *proc) alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL: no grace, no cleanup.
func (p *proc) kill() {
	p.mu.Lock()
	p.signalled = true
	p.mu.Unlock()
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
}

// terminate sends SIGTERM: a graceful stop.
func (p *proc) terminate() {
	p.mu.Lock()
	p.signalled = true
	p.mu.Unlock()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
}

// exit is how a process ended: err is nil for status 0.
type exit struct {
	err error
	at  time.Time
}

// wait waits up to d for the process to exit; ok is false if it still runs.
func (p *proc) wait(d time.Duration) (e exit, ok bool) {
	select {
	case <-p.done:
	case <-time.After(d):
		return exit{}, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return exit{err: p.exitErr, at: p.exitedAt}, true
}

// crashed reports whether it exited without being told to, and how.
func (p *proc) crashed() (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.alive() && !p.signalled, p.exitErr
}

// panicLines returns the lines of its stderr that report a panic.
func (p *proc) panicLines() []string {
	b, err := os.ReadFile(p.stderr)
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "panic:") || strings.Contains(line, "fatal error:") ||
			strings.Contains(line, `msg="panic`) || strings.Contains(line, "panic serving request") {
			out = append(out, line)
		}
	}
	return out
}
