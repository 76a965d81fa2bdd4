package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// The suite shares its cores with whatever else runs. Its timing checks
// allow for the lag they measure (see lateTolerance); each scenario also
// reports how starved the machine was, so a failure can be told from a
// busy machine.

// cpuStall reads the kernel's CPU pressure (PSI): the total time some
// task waited for a CPU. ok is false where the kernel does not expose it.
func cpuStall() (time.Duration, bool) {
	b, err := os.ReadFile("/proc/pressure/cpu")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "some ") {
			continue
		}
		for _, f := range strings.Fields(line) {
			if v, found := strings.CutPrefix(f, "total="); found {
				us, err := strconv.ParseInt(v, 10, 64)
				return time.Duration(us) * time.Microsecond, err == nil
			}
		}
	}
	return 0, false
}

// loadAverage is /proc/loadavg's first three fields.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// machineWatch measures the machine over one scenario.
type machineWatch struct {
	start      time.Time
	stall      time.Duration
	stallKnown bool
}

func watchMachine() machineWatch {
	st, ok := cpuStall()
	return machineWatch{start: time.Now(), stall: st, stallKnown: ok}
}

// report adds the machine's load over the scenario.
func (m machineWatch) report(r *result) {
	pressure := "CPU pressure unknown"
	if st, ok := cpuStall(); ok && m.stallKnown {
		pressure = fmt.Sprintf("some task waited for a CPU %.0f%% of the time", 100*float64(st-m.stall)/float64(time.Since(m.start)))
	}
	r.measure("machine", "%s; load average %s at the end", pressure, loadAverage())
}
