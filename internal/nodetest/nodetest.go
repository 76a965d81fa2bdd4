// Package nodetest runs JavaScript receivers in Node.js for tests, so that
// hookd's requests are checked by code nobody here wrote: the npm
// standardwebhooks and svix verifiers, Express, and the seed documents'
// receivers as they are written. The npm packages are installed once per
// machine, by the test itself, into a cache directory (never by hand).
package nodetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Packages are the npm packages the receivers use, pinned so a run today
// and a run next year check against the same code.
var Packages = []string{"standardwebhooks@1.1.1", "svix@2.5.0", "express@5.3.0"}

var (
	installOnce sync.Once
	modulesDir  string
	installErr  error
)

// Modules returns the node_modules directory holding Packages, installing
// them with npm on first use. A missing node or npm fails the test: these
// checks stand for real receivers and are never skipped.
func Modules(tb testing.TB) string {
	tb.Helper()
	installOnce.Do(func() { modulesDir, installErr = install(Packages) })
	if installErr != nil {
		tb.Fatalf("nodetest: %v", installErr)
	}
	return modulesDir
}

// install puts packages under <user cache>/hookd-nodetest/<hash>, once:
// test binaries of several packages run in parallel, so a file lock
// serialises them and the tree is installed elsewhere and renamed into
// place whole.
func install(packages []string) (string, error) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", fmt.Errorf("%s is required for the receiver tests (apt-get install nodejs npm): %w", tool, err)
		}
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	sum := sha256.Sum256([]byte(strings.Join(packages, "\n")))
	root := filepath.Join(cache, "hookd-nodetest")
	dir := filepath.Join(root, hex.EncodeToString(sum[:8]))
	modules := filepath.Join(dir, "node_modules")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(root, "install.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer func() { _ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) }()
	if _, err := os.Stat(filepath.Join(dir, "installed")); err == nil {
		return modules, nil
	}
	tmp, err := os.MkdirTemp(root, "install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	args := append([]string{"install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error", "--prefix", tmp}, packages...)
	cmd := exec.Command("npm", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("npm %s: %w\n%s", strings.Join(args, " "), err, out.String())
	}
	if err := os.WriteFile(filepath.Join(tmp, "installed"), []byte(strings.Join(packages, "\n")+"\n"), 0o644); err != nil {
		return "", err
	}
	_ = os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	return modules, nil
}

// Run runs a Node.js script with Packages on its module path, handing it
// input as JSON on stdin, and decodes what it writes to stdout into
// output.
func Run(tb testing.TB, script string, input, output any) {
	tb.Helper()
	file := filepath.Join(tb.TempDir(), "script.js")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		tb.Fatalf("nodetest: %v", err)
	}
	run(tb, file, input, output)
}

// RunFile is Run for one of the package's own scripts.
func RunFile(tb testing.TB, name string, input, output any) {
	tb.Helper()
	run(tb, filepath.Join(scriptDir(tb), name), input, output)
}

func run(tb testing.TB, file string, input, output any) {
	tb.Helper()
	modules := Modules(tb)
	in, err := json.Marshal(input)
	if err != nil {
		tb.Fatalf("nodetest: %v", err)
	}
	cmd := exec.Command("node", file)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		tb.Fatalf("nodetest: %v", err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		err = errors.New("timed out")
	}
	if err != nil {
		tb.Fatalf("nodetest: node %s: %v\n%s", file, err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), output); err != nil {
		tb.Fatalf("nodetest: reading the script's output: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
}
