package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// binaryVersion asks a hookd binary for its version.
func binaryVersion(bin string) string {
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(out)), "hookd"))
}

// devdbStart runs scripts/devdb.sh start, which starts (or finds) the
// private cluster under .hookd/ and prints its URL.
func devdbStart(ctx context.Context, root string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(root, "scripts", "devdb.sh"), "start")
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("scripts/devdb.sh start: %w", err)
	}
	url := strings.TrimSpace(string(out))
	if url == "" {
		return "", errors.New("scripts/devdb.sh start printed no URL")
	}
	return url, nil
}

// hookdEnv is the environment a benchmarked hookd runs with: the
// benchmark's defaults and the scenario's, then every HOOKD_* the user set
// (tuning to try), then what the benchmark must control.
func hookdEnv(defaults, fixed []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOOKD_") && !strings.HasPrefix(kv, "DATABASE_URL=") {
			env = append(env, kv)
		}
	}
	env = append(env, defaults...)
	env = append(env, userHookdEnv()...)
	return append(env, fixed...)
}

// userHookdEnv is the HOOKD_* variables set by the user, except those the
// benchmark always sets itself.
func userHookdEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "HOOKD_ADDR", "HOOKD_ADMIN_TOKEN", "HOOKD_ENCRYPTION_KEY", "HOOKD_ENCRYPTION_KEY_OLD":
			continue
		}
		if strings.HasPrefix(name, "HOOKD_") {
			out = append(out, kv)
		}
	}
	return out
}

// hookdProcess is a running `hookd serve` or `hookd worker`.
type hookdProcess struct {
	cmd  *exec.Cmd
	PID  int
	Addr string
	// Started is when the process was started.
	Started time.Time
	done    chan struct{}
	exitErr error
	log     *logTail
}

// startHookd runs `hookd serve` and waits for its "hookd serving ...
// addr=" line.
func startHookd(ctx context.Context, bin string, env []string) (*hookdProcess, error) {
	return startHookdCommand(ctx, bin, env, "serve")
}

// startHookdCommand runs `hookd serve` or `hookd worker` and waits until it
// says it runs; a worker has no Addr.
func startHookdCommand(ctx context.Context, bin string, env []string, command string) (*hookdProcess, error) {
	readyLine := "hookd serving"
	if command == "worker" {
		readyLine = "hookd worker running"
	}
	cmd := exec.Command(bin, command)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	p := &hookdProcess{cmd: cmd, done: make(chan struct{}), log: &logTail{}}
	p.Started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("error starting hookd: %w", err)
	}
	p.PID = cmd.Process.Pid
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if strings.Contains(line, readyLine) {
				select {
				case ready <- line:
				default:
				}
				continue
			}
			p.log.add(line)
		}
	}()
	go func() { p.exitErr = cmd.Wait(); close(p.done) }()
	select {
	case line := <-ready:
		if command == "worker" {
			return p, nil
		}
		if _, a, ok := strings.Cut(line, "addr="); ok {
			p.Addr = strings.Fields(a)[0]
		}
		if p.Addr == "" {
			_ = p.stop(time.Second)
			return nil, fmt.Errorf("no addr= in hookd's line %q", line)
		}
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("hookd exited before serving (%w): %s", p.exitErr, strings.Join(p.log.lines(), "\n"))
	case <-time.After(60 * time.Second):
		_ = p.stop(time.Second)
		return nil, fmt.Errorf("hookd did not log %q within 60s: %s", readyLine, strings.Join(p.log.lines(), "\n"))
	case <-ctx.Done():
		_ = p.stop(time.Second)
		return nil, ctx.Err()
	}
}

// Done is closed when the process has exited.
func (p *hookdProcess) Done() <-chan struct{} { return p.done }

// stop sends SIGTERM, waits up to grace, then kills; it returns the exit
// error of a graceful stop (nil for status 0).
func (p *hookdProcess) stop(grace time.Duration) error {
	select {
	case <-p.done:
		return p.exitErr
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.exitErr
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("hookd did not exit within %s of SIGTERM; killed", grace)
	}
}

// logTail keeps what hookd logged: counts by level, and the first line of
// each distinct message above info (or not from slog at all: a panic).
type logTail struct {
	mu      sync.Mutex
	info    int
	warn    int
	errs    int
	other   int
	samples []string
	msgs    map[string]int
}

const maxLogSamples = 12

func (l *logTail) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case strings.Contains(line, "level=INFO") || strings.Contains(line, "level=DEBUG"):
		l.info++
		return
	case strings.Contains(line, "level=WARN"):
		l.warn++
	case strings.Contains(line, "level=ERROR"):
		l.errs++
	default:
		l.other++
	}
	if l.msgs == nil {
		l.msgs = map[string]int{}
	}
	key := logMessage(line)
	l.msgs[key]++
	if l.msgs[key] == 1 && len(l.samples) < maxLogSamples {
		l.samples = append(l.samples, line)
	}
}

// logMessage is a line's msg="..." (or the line), to group repeats.
func logMessage(line string) string {
	_, m, ok := strings.Cut(line, "msg=")
	if !ok {
		return line
	}
	if strings.HasPrefix(m, `"`) {
		if end := strings.Index(m[1:], `"`); end >= 0 {
			return m[1 : end+1]
		}
	}
	if f := strings.Fields(m); len(f) > 0 {
		return f[0]
	}
	return line
}

func (l *logTail) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.samples...)
}

// logSummary is what hookd logged during a scenario.
type logSummary struct {
	Info     int            `json:"info"`
	Warn     int            `json:"warn"`
	Error    int            `json:"error"`
	Other    int            `json:"other"`
	Messages map[string]int `json:"messages,omitempty"`
	Samples  []string       `json:"samples,omitempty"`
}

func (l *logTail) summary() logSummary {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := logSummary{Info: l.info, Warn: l.warn, Error: l.errs, Other: l.other, Samples: append([]string(nil), l.samples...)}
	if len(l.msgs) > 0 {
		s.Messages = make(map[string]int, len(l.msgs))
		for k, v := range l.msgs {
			s.Messages[k] = v
		}
	}
	return s
}
