package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// check is one PASS/FAIL line.
type check struct {
	Name   string
	OK     bool
	Detail string
}

// measure is one reported number.
type measure struct {
	Name  string
	Value string
}

// result is one scenario's outcome.
type result struct {
	Scenario string
	Scale    string
	Took     time.Duration
	Audit    *audit
	Measures []measure
	Checks   []check
	Logs     []string // stderr files of the hookd processes
	Err      error    // the scenario could not run to the end
}

// check records a check; detail explains a failure (and is shown either way).
func (r *result) check(name string, ok bool, format string, args ...any) {
	r.Checks = append(r.Checks, check{Name: name, OK: ok, Detail: fmt.Sprintf(format, args...)})
}

// measure records a number.
func (r *result) measure(name, format string, args ...any) {
	r.Measures = append(r.Measures, measure{Name: name, Value: fmt.Sprintf(format, args...)})
}

// passed reports whether every check passed and the scenario ran.
func (r *result) passed() bool {
	if r.Err != nil {
		return false
	}
	for _, c := range r.Checks {
		if !c.OK {
			return false
		}
	}
	return len(r.Checks) > 0
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// print writes the scenario's table.
func (r *result) print(w io.Writer) {
	title := fmt.Sprintf("== %s (%s scale, %s) ", r.Scenario, r.Scale, r.Took.Round(100*time.Millisecond))
	fmt.Fprintln(w, title+strings.Repeat("=", max(0, 78-len(title))))
	if a := r.Audit; a != nil {
		row := func(name string, v any, note string) {
			fmt.Fprintf(w, "  %-26s %10v  %s\n", name, v, note)
		}
		row("accepted (202)", a.Accepted, "events")
		row("events stored", a.Stored, fmt.Sprintf("of the accepted (+%d stored whose 202 was never seen)", a.Unacked))
		row("deliveries expected", a.Expected, fmt.Sprintf("accepted × %d webhooks", a.Webhooks))
		row("delivered", a.Delivered, fmt.Sprintf("succeeded (receiver answered 2xx for %d)", a.ReceivedOK))
		row("failed", a.Failed, "")
		row("duplicated", a.Duplicated, fmt.Sprintf("deliveries (%d allowed, %d unexpected; %d extra requests)", a.DupAllowed, a.DupUnexpected, a.DupRequests))
		row("lost", a.Lost, fmt.Sprintf("deliveries (%d events)", a.LostEvents))
		row("attempts recorded", a.Recorded, fmt.Sprintf("vs %d requests seen", a.Requests))
		row("recorded, never seen", a.RecordedNotSeen, "")
		row("seen, never recorded", a.SeenNotRecorded, "")
		row("outcome mismatches", a.OutcomeMismatch, "recorded success vs the receiver's answer")
		row("attempt overhead", ms(a.LagP50), fmt.Sprintf("p50 of hookd's time beyond the receiver's, successful attempts (p99 %s, max %s)", ms(a.LagP99), ms(a.LagMax)))
		row("late answers", a.LateAnswers, fmt.Sprintf("2xx planned too close to hookd's timeout for the machine's lag then (widest allowed %s)", ms(a.MaxTolerance)))
	}
	for _, m := range r.Measures {
		fmt.Fprintf(w, "  %-26s %10s\n", m.Name, m.Value)
	}
	if r.Err != nil {
		fmt.Fprintf(w, "  ERROR  %v\n", r.Err)
	}
	for _, c := range r.Checks {
		line := fmt.Sprintf("  %s  %s", verdict(c.OK), c.Name)
		if c.Detail != "" && !c.OK {
			line += ": " + c.Detail
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "  verdict: %s\n", verdict(r.passed()))
	if !r.passed() && len(r.Logs) > 0 {
		fmt.Fprintf(w, "  hookd stderr: %s\n", strings.Join(r.Logs, " "))
	}
	fmt.Fprintln(w)
}

// printSummary writes one line per scenario and the overall verdict.
func printSummary(w io.Writer, results []*result) bool {
	all := len(results) > 0
	fmt.Fprintf(w, "%-10s %9s %10s %8s %11s %6s  %s\n", "scenario", "accepted", "delivered", "failed", "duplicated", "lost", "verdict")
	for _, r := range results {
		a := r.Audit
		if a == nil {
			a = &audit{}
		}
		fmt.Fprintf(w, "%-10s %9d %10d %8d %11d %6d  %s\n", r.Scenario, a.Accepted, a.Delivered, a.Failed, a.Duplicated, a.Lost, verdict(r.passed()))
		all = all && r.passed()
	}
	fmt.Fprintf(w, "overall: %s\n", verdict(all))
	return all
}

func ms(d time.Duration) string {
	return d.Round(time.Millisecond).String()
}
