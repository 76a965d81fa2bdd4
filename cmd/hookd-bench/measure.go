package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// measurement is a scenario's window: /metrics before and the processes'
// CPU and memory over it.
type measurement struct {
	before  metricsSnapshot
	sampler *sampler
}

// begin opens the window. fresh means hookd starts (or started) inside it:
// its counters count from zero, and all of its CPU belongs to the window.
func (r *runner) begin(ctx context.Context, s *system, fresh bool) (*measurement, error) {
	m := &measurement{before: metricsSnapshot{}}
	if !fresh {
		var err error
		if m.before, _, err = s.api.scrape(ctx); err != nil {
			return nil, err
		}
	}
	m.sampler = newSampler(r.processes(s), time.Second)
	m.sampler.start()
	return m, nil
}

// processes lists what the sampler measures, by group.
func (r *runner) processes(s *system) func() map[string][]int {
	db := s.dbName
	if db == "" && r.db != nil {
		db = databaseName(r.db.URL)
	}
	return func() map[string][]int {
		out := map[string][]int{groupBench: {os.Getpid()}}
		if p := s.hookd.Load(); p != nil {
			out[groupHookd] = []int{p.PID}
		} else if r.cfg.HookdPID != 0 {
			out[groupHookd] = []int{r.cfg.HookdPID}
		}
		if r.db != nil && r.db.PostmasterPID != 0 {
			out[groupPostgres] = postgresProcesses(r.db.PostmasterPID, db)
		}
		if s.rcv.cmd.Process != nil {
			out[groupReceiver] = []int{s.rcv.cmd.Process.Pid}
		}
		return out
	}
}

// counted is what the benchmark itself counted, to hold against /metrics.
type counted struct {
	// Accepted is events answered 202 through the API.
	Accepted int
	// Receiver is the receiver's count at the end.
	Receiver receiverCount
}

// settleTimeout bounds the wait for hookd's counters to catch up with the
// receiver: an attempt is counted once recorded, just after the receiver
// answered.
const settleTimeout = 5 * time.Second

// windowCost is what a window cost per delivery, for scenarios with
// targets on it; a field is -1 when it was not measured.
type windowCost struct {
	// CPUPerK is hookd's and Postgres's CPU seconds per 1,000 attempts.
	CPUPerK float64
	// SnoozesPerDelivery is River snoozes (jobs sent back to Postgres to
	// wait) per attempt received.
	SnoozesPerDelivery float64
}

// end closes the window and adds the resource and cross-check rows.
func (r *runner) end(ctx context.Context, s *system, m *measurement, res *result, c counted) windowCost {
	cost := windowCost{CPUPerK: -1, SnoozesPerDelivery: -1}
	var after metricsSnapshot
	deadline := time.Now().Add(settleTimeout)
	for {
		snap, _, err := s.api.scrape(ctx)
		if err != nil {
			res.notef("could not read /metrics at the end: %v", err)
			break
		}
		after = snap
		if (delta(m.before, after, seriesSucceeded) >= float64(c.Receiver.OK) &&
			delta(m.before, after, seriesEventsAccepted) >= float64(c.Accepted)) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	m.sampler.stop()
	u := m.sampler.usage()

	attempts := c.Receiver.Requests
	perK := func(group string) (float64, string) {
		if _, ok := u.CPU[group]; !ok {
			return 0, "not measured"
		}
		if attempts == 0 {
			return 0, "n/a (nothing delivered)"
		}
		return u.CPU[group] / float64(attempts) * 1000, ""
	}
	v, t := perK(groupHookd)
	res.Rows = append(res.Rows, row{Name: rowHookdCPU, Value: v, Unit: unitSeconds, Text: t})
	pg, t := perK(groupPostgres)
	res.Rows = append(res.Rows, row{Name: rowPostgresCPU, Value: pg, Unit: unitSeconds, Text: t})
	if _, ok := u.CPU[groupHookd]; ok && t == "" {
		cost.CPUPerK = v + pg
	}
	var (
		parts []string
		ours  float64
	)
	for _, g := range []string{groupHookd, groupPostgres, groupReceiver, groupBench} {
		if cpu, ok := u.CPU[g]; ok {
			parts = append(parts, fmt.Sprintf("%s %.1f", g, cpu))
			ours += cpu
		}
	}
	res.text("CPU seconds in the window", strings.Join(parts, ", "))
	res.text("machine CPU s: busy (of which not ours) / iowait / idle", fmt.Sprintf("%.1f (%.1f) / %.1f / %.1f",
		u.Busy, max(u.Busy-ours, 0), u.IOWait, u.Idle))
	res.text("load average at start → end", u.Load[0]+" → "+u.Load[1])
	if capacity := u.Busy + u.IOWait + u.Idle; capacity > 0 && u.Busy-ours > 1 && u.Busy-ours > 0.1*capacity {
		res.notef("other processes used %.0f%% of the machine's CPU during this scenario (%.1f of %.1f CPU-s): its numbers are disturbed",
			100*(u.Busy-ours)/capacity, u.Busy-ours, capacity)
	}

	if p := s.hookd.Load(); p != nil {
		if mem, err := readMemory(p.PID); err == nil {
			mib := float64(mem.HWM) / (1 << 20)
			res.check("hookd peak RSS (VmHWM)", mib, unitMiB, "≤ 200 MiB", mib <= 200)
		}
	} else if rss, ok := u.PeakRSS[groupHookd]; ok {
		mib := float64(rss) / (1 << 20)
		res.check("hookd peak RSS (sampled)", mib, unitMiB, "≤ 200 MiB", mib <= 200)
	}
	if rss, ok := u.PeakRSS[groupPostgres]; ok {
		res.add("Postgres memory, sampled peak (Σ RssAnon + max RssShmem)", float64(rss)/(1<<20), unitMiB)
	}
	if after == nil {
		return cost
	}
	if snoozes, ok := sumSeries(after, seriesSnoozes); ok && attempts > 0 {
		cost.SnoozesPerDelivery = (snoozes - sumOf(m.before, seriesSnoozes)) / float64(attempts)
		res.add("River snoozes per delivery (hookd_delivery_snoozes_total Δ / attempts)", cost.SnoozesPerDelivery, unitCount)
		res.text("River snoozes by reason", snoozeReasons(m.before, after))
		if _, ok := after[seriesHeldBack]; ok {
			res.add("jobs held back at emit (hookd_delivery_held_back_total Δ)", delta(m.before, after, seriesHeldBack), unitCount)
		}
	}

	accepted := delta(m.before, after, seriesEventsAccepted)
	res.Rows = append(res.Rows, crossRow("events accepted: bench / hookd_events_accepted_total Δ", c.Accepted, accepted))
	succeeded := delta(m.before, after, seriesSucceeded)
	res.Rows = append(res.Rows, crossRow(`deliveries: receiver 200s / attempts{succeeded} Δ`, c.Receiver.OK, succeeded))
	res.text("other attempts Δ (failed / retried / cancelled)", fmt.Sprintf("%.0f / %.0f / %.0f",
		delta(m.before, after, seriesFailed), delta(m.before, after, seriesRetried), delta(m.before, after, seriesCancelled)))
	res.add("hookd_deliveries_queued_total Δ", delta(m.before, after, seriesDeliveriesQueued), unitCount)
	return cost
}

// crossRow holds one of the benchmark's counts against hookd's own.
func crossRow(name string, ours int, theirs float64) row {
	pass := float64(ours) == theirs
	return row{Name: name, Value: theirs, Text: fmt.Sprintf("%d / %.0f", ours, theirs), Target: "equal", Pass: &pass}
}

// snoozeReasons lists the window's snoozes per reason label, e.g.
// "saturated 12, database 0".
func snoozeReasons(before, after metricsSnapshot) string {
	var parts []string
	for series, v := range after {
		if name, labels, ok := strings.Cut(series, "{"); ok && name == seriesSnoozes {
			reason := strings.TrimSuffix(strings.TrimPrefix(labels, `reason="`), `"}`)
			parts = append(parts, fmt.Sprintf("%s %.0f", reason, v-before[series]))
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}
