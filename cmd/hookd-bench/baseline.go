package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/hookd/hookd/internal/hookdbin"
)

// build is one hookd binary and what its scenarios keep for later ones.
type build struct {
	rev        string
	bin        string
	steadyBase map[int]steadyBaseline
	burstRate  float64
}

// buildBaseline builds hookd as of git revision rev, from a copy of that
// revision's tree (git archive) under tmpDir.
func buildBaseline(ctx context.Context, root, tmpDir, rev string) (*build, error) {
	src := filepath.Join(tmpDir, "baseline-src")
	out := filepath.Join(tmpDir, "baseline")
	for _, d := range []string{src, out} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	archive := exec.CommandContext(ctx, "git", "-C", root, "archive", "--format=tar", rev)
	extract := exec.CommandContext(ctx, "tar", "-x", "-C", src)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return nil, err
	}
	extract.Stdin = pipe
	var stderr strings.Builder
	archive.Stderr = &stderr
	if err := extract.Start(); err != nil {
		return nil, err
	}
	if err := archive.Run(); err != nil {
		_ = extract.Wait()
		return nil, fmt.Errorf("git archive %s: %w: %s", rev, err, strings.TrimSpace(stderr.String()))
	}
	if err := extract.Wait(); err != nil {
		return nil, fmt.Errorf("extracting %s: %w", rev, err)
	}
	fmt.Fprintf(os.Stderr, "bench: building the baseline hookd (%s)\n", rev)
	bin, err := hookdbin.Build(ctx, src, out)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", rev, err)
	}
	return &build{rev: rev, bin: bin, steadyBase: map[int]steadyBaseline{}}, nil
}

// runBaseline runs scenario name with the baseline build, keeping each
// build's results for later scenarios apart.
func (r *runner) runBaseline(ctx context.Context, name string) []*result {
	current := build{bin: r.bin, steadyBase: r.steadyBase, burstRate: r.burstRate}
	r.bin, r.steadyBase, r.burstRate = r.baseline.bin, r.baseline.steadyBase, r.baseline.burstRate
	rs := r.runScenario(ctx, name)
	r.baseline.steadyBase, r.baseline.burstRate = r.steadyBase, r.burstRate
	r.bin, r.steadyBase, r.burstRate = current.bin, current.steadyBase, current.burstRate
	for _, res := range rs {
		res.Build = "baseline " + r.baseline.rev
		printResult(os.Stdout, res)
	}
	return rs
}

// printComparison puts each measured row of a baseline result beside the
// same row of this build's result of the same scenario run.
func printComparison(out io.Writer, results []*result) {
	baseline := map[string]*result{}
	for _, res := range results {
		if res.Build != "" {
			baseline[res.Title] = res
		}
	}
	fmt.Fprintln(out, "\n== side by side: baseline → this build")
	for _, res := range results {
		base, ok := baseline[res.Title]
		if res.Build != "" || !ok {
			continue
		}
		fmt.Fprintf(out, "\n  %s\n", res.Title)
		w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		for _, now := range res.Rows {
			was, ok := findRow(base, now.Name)
			if !ok {
				continue
			}
			fmt.Fprintf(w, "    %s\t%s\t→ %s\t%s\n", now.Name, formatValue(was), formatValue(now), verdict(now))
		}
		_ = w.Flush()
	}
}

// findRow is res's row called name.
func findRow(res *result, name string) (row, bool) {
	for _, w := range res.Rows {
		if w.Name == name {
			return w, true
		}
	}
	return row{}, false
}
