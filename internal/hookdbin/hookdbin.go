// Package hookdbin finds the hookd repository and builds its binary, for
// the tools and tests that run hookd as a real process (bench, chaos).
package hookdbin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// RepoRoot walks up from the working directory to hookd's go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(b, []byte("module github.com/hookd/hookd\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("hookd's go.mod not found above the working directory: run from the hookd repository")
		}
		dir = parent
	}
}

// GitVersion is what the Makefile stamps into a build: git describe.
func GitVersion(root string) string {
	out, err := exec.Command("git", "-C", root, "describe", "--tags", "--always", "--dirty").Output()
	if err != nil {
		return "dev"
	}
	return strings.TrimSpace(string(out))
}

// Build builds root's ./cmd/hookd into dir, stamped like `make build`, and
// returns the binary's path.
func Build(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "hookd")
	cmd := exec.CommandContext(ctx, "go", "build", "-ldflags", "-X main.version="+GitVersion(root), "-o", bin, "./cmd/hookd")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/hookd failed: %w\n%s", err, out)
	}
	return bin, nil
}
