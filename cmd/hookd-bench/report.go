package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Units a row's value is in; they decide how it prints.
const (
	unitCount   = ""
	unitPerSec  = "/s"
	unitMS      = "ms"
	unitSeconds = "s"
	unitMiB     = "MiB"
	unitRatio   = "x"
	unitPercent = "%"
)

// row is one line of a scenario's table.
type row struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit,omitempty"`
	// Text replaces the formatted value when set (e.g. "n/a").
	Text string `json:"text,omitempty"`
	// Target is the goal in words; Pass says whether it was met.
	Target string `json:"target,omitempty"`
	Pass   *bool  `json:"pass,omitempty"`
}

// result is one scenario run's table.
type result struct {
	Scenario string `json:"scenario"`
	// Label is the short name the summary uses, e.g. "steady 500/s".
	Label    string      `json:"label"`
	Title    string      `json:"title"`
	Rows     []row       `json:"rows"`
	Notes    []string    `json:"notes,omitempty"`
	HookdLog *logSummary `json:"hookd_log,omitempty"`
	// Queue is the backlog scenario's queue depth over time.
	Queue []queueSample `json:"queue,omitempty"`
	// Error is why the scenario stopped early, if it did.
	Error string `json:"error,omitempty"`
	// Skipped is why the scenario did not run, if it did not.
	Skipped string `json:"skipped,omitempty"`
	// Build is "baseline <rev>" for a -baseline run, "" for this build.
	Build string `json:"build,omitempty"`
}

func (r *result) add(name string, v float64, unit string) {
	r.Rows = append(r.Rows, row{Name: name, Value: v, Unit: unit})
}

func (r *result) text(name, text string) {
	r.Rows = append(r.Rows, row{Name: name, Text: text})
}

// check adds a row with a target.
func (r *result) check(name string, v float64, unit, target string, pass bool) {
	r.Rows = append(r.Rows, row{Name: name, Value: v, Unit: unit, Target: target, Pass: &pass})
}

func (r *result) notef(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// msPair prints two durations as "a / b".
func msPair(a, b time.Duration) string {
	return formatValue(row{Value: ms(a), Unit: unitMS}) + " / " + formatValue(row{Value: ms(b), Unit: unitMS})
}

func formatValue(w row) string {
	if w.Text != "" {
		return w.Text
	}
	v := w.Value
	switch w.Unit {
	case unitPerSec:
		return fmt.Sprintf("%.0f/s", v)
	case unitMS:
		if v >= 100 {
			return fmt.Sprintf("%.0f ms", v)
		}
		return fmt.Sprintf("%.1f ms", v)
	case unitSeconds:
		return fmt.Sprintf("%.2f s", v)
	case unitMiB:
		return fmt.Sprintf("%.1f MiB", v)
	case unitRatio:
		return fmt.Sprintf("%.2f×", v)
	case unitPercent:
		return fmt.Sprintf("%.0f %%", v)
	}
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return fmt.Sprintf("%.3f", v)
}

func verdict(w row) string {
	switch {
	case w.Pass == nil && w.Target != "":
		return "n/a"
	case w.Pass == nil:
		return ""
	case *w.Pass:
		return "PASS"
	}
	return "MISS"
}

// printResult writes a scenario's table.
func printResult(out io.Writer, r *result) {
	if r.Build != "" {
		fmt.Fprintf(out, "\n== [%s] %s ==\n", r.Build, r.Title)
	} else {
		fmt.Fprintf(out, "\n== %s ==\n", r.Title)
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  metric\tvalue\ttarget\tresult")
	for _, w := range r.Rows {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", w.Name, formatValue(w), w.Target, verdict(w))
	}
	_ = tw.Flush()
	if r.Error != "" {
		fmt.Fprintf(out, "  ERROR: %s\n", r.Error)
	}
	if r.Skipped != "" {
		fmt.Fprintf(out, "  skipped: %s\n", r.Skipped)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(out, "  note: %s\n", n)
	}
	if l := r.HookdLog; l != nil && l.Warn+l.Error+l.Other > 0 {
		fmt.Fprintf(out, "  hookd logged %d warnings, %d errors, %d other lines (and %d at info); first of each message:\n", l.Warn, l.Error, l.Other, l.Info)
		for _, s := range l.Samples {
			fmt.Fprintf(out, "    | %s\n", truncate(s, 300))
		}
	}
}

// printSummary lists every target and whether it was met.
func printSummary(out io.Writer, results []*result) {
	fmt.Fprintln(out, "\n== targets ==")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	missed := 0
	for _, r := range results {
		if r.Build != "" {
			continue // the targets are this build's; the comparison shows the baseline's
		}
		if r.Skipped != "" {
			fmt.Fprintf(tw, "  %s\t(skipped)\t\t\t\n", r.Label)
		}
		if r.Error != "" {
			fmt.Fprintf(tw, "  %s\t(did not finish: see above)\t\t\tMISS\n", r.Label)
			missed++
		}
		for _, w := range r.Rows {
			if w.Target == "" {
				continue
			}
			if w.Pass != nil && !*w.Pass {
				missed++
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.Label, w.Name, formatValue(w), w.Target, verdict(w))
		}
	}
	_ = tw.Flush()
	fmt.Fprintf(out, "  %d missed\n", missed)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// machine describes where the benchmark ran.
type machine struct {
	Started      time.Time `json:"started"`
	CPUs         int       `json:"cpus"`
	CPUModel     string    `json:"cpu_model"`
	MemTotal     string    `json:"mem_total"`
	Postgres     string    `json:"postgres"`
	PostgresFrom string    `json:"postgres_from"`
	Go           string    `json:"go"`
	Hookd        string    `json:"hookd"`
	HookdFrom    string    `json:"hookd_from"`
	HookdEnv     []string  `json:"hookd_env"`
	UserEnv      []string  `json:"user_env,omitempty"`
	LoadStart    string    `json:"loadavg_start"`
	LoadEnd      string    `json:"loadavg_end,omitempty"`
	Elapsed      string    `json:"elapsed,omitempty"`
	Quick        bool      `json:"quick"`
}

func describeMachine() machine {
	m := machine{Started: time.Now(), CPUs: runtime.NumCPU(), Go: runtime.Version(), LoadStart: loadAvg()}
	m.CPUModel = procField("/proc/cpuinfo", "model name")
	if kb, err := strconv.ParseFloat(strings.TrimSuffix(procField("/proc/meminfo", "MemTotal"), " kB"), 64); err == nil {
		m.MemTotal = fmt.Sprintf("%.1f GiB", kb/(1<<20))
	}
	return m
}

// procField is the first "name: value" line's value of a /proc file.
func procField(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// loadAvg is /proc/loadavg's three averages.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func printMachine(out io.Writer, m machine) {
	quick := ""
	if m.Quick {
		quick = " (-quick: scaled down, targets indicative only)"
	}
	fmt.Fprintf(out, "hookd load benchmark, %s%s\n", m.Started.UTC().Format(time.RFC3339), quick)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  machine\t%d CPUs, %s, %s RAM\n", m.CPUs, m.CPUModel, m.MemTotal)
	fmt.Fprintf(tw, "  postgres\t%s (%s)\n", m.Postgres, m.PostgresFrom)
	fmt.Fprintf(tw, "  go\t%s\n", m.Go)
	fmt.Fprintf(tw, "  hookd\t%s (%s)\n", m.Hookd, m.HookdFrom)
	if len(m.HookdEnv) > 0 {
		fmt.Fprintf(tw, "  hookd env\t%s\n", strings.Join(m.HookdEnv, " "))
	}
	if len(m.UserEnv) > 0 {
		fmt.Fprintf(tw, "  user HOOKD_*\t%s\n", strings.Join(m.UserEnv, " "))
	}
	fmt.Fprintf(tw, "  load average\t%s at start\n", m.LoadStart)
	_ = tw.Flush()
}

// report is the JSON file's content.
type report struct {
	Machine machine   `json:"machine"`
	Results []*result `json:"results"`
}

func writeJSON(path string, r report) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
