package main

import (
	"bufio"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat:
// 100 on every Linux configuration Go runs on (`getconf CLK_TCK`).
const clockTicks = 100

// procStat is what the benchmark reads from /proc/<pid>/stat.
type procStat struct {
	PPID int
	// CPU is utime+stime, in clock ticks.
	CPU uint64
}

func readProcStat(pid int) (procStat, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, err
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return procStat{}, errors.New("malformed stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return procStat{}, errors.New("malformed stat")
	}
	// f[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
	ppid, _ := strconv.Atoi(f[1])
	utime, _ := strconv.ParseUint(f[11], 10, 64)
	stime, _ := strconv.ParseUint(f[12], 10, 64)
	return procStat{PPID: ppid, CPU: utime + stime}, nil
}

// memory is a process's resident set now and at its peak, and the
// resident set's anonymous and shared-memory parts, in bytes, from
// /proc/<pid>/status (VmRSS, VmHWM, RssAnon, RssShmem).
type memory struct {
	RSS, HWM, Anon, Shmem uint64
}

func readMemory(pid int) (memory, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return memory{}, err
	}
	defer f.Close()
	var m memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		var dst *uint64
		switch name {
		case "VmRSS":
			dst = &m.RSS
		case "VmHWM":
			dst = &m.HWM
		case "RssAnon":
			dst = &m.Anon
		case "RssShmem":
			dst = &m.Shmem
		default:
			continue
		}
		kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		*dst = kb << 10
	}
	return m, sc.Err()
}

// cpuTimes is the machine's CPU time so far, in clock ticks summed over
// CPUs, from /proc/stat's first line.
type cpuTimes struct {
	Busy, Idle, IOWait uint64
}

func readCPUTimes() cpuTimes {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return cpuTimes{}
	}
	v := make([]uint64, 8)
	for i := range v {
		v[i], _ = strconv.ParseUint(f[i+1], 10, 64)
	}
	// user nice system idle iowait irq softirq steal
	return cpuTimes{Busy: v[0] + v[1] + v[2] + v[5] + v[6] + v[7], Idle: v[3], IOWait: v[4]}
}

// children lists the processes whose parent is ppid.
func children(ppid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readProcStat(pid); err == nil && st.PPID == ppid {
			out = append(out, pid)
		}
	}
	return out
}

// postgresProcesses lists a cluster's processes that work for database db:
// the postmaster, its auxiliary processes (WAL writer, checkpointer, ...),
// and the client backends and autovacuum workers of db. Backends of other
// databases on a shared server (another developer's tests) are left out.
func postgresProcesses(postmaster int, db string) []int {
	out := []int{postmaster}
	for _, pid := range children(postmaster) {
		title := procTitle(pid)
		perDatabase := strings.Contains(title, "(") || strings.Contains(title, "[local]") || strings.Contains(title, "autovacuum worker")
		if perDatabase && db != "" && !containsWord(title, db) {
			continue
		}
		out = append(out, pid)
	}
	return out
}

func containsWord(s, word string) bool {
	for _, f := range strings.Fields(s) {
		if f == word {
			return true
		}
	}
	return false
}

// Process groups the sampler reports.
const (
	groupHookd    = "hookd"
	groupPostgres = "postgres"
	groupReceiver = "receiver"
	groupBench    = "bench"
)

// sampler measures CPU seconds per process group over a scenario, and the
// largest memory seen per group: the resident set, except for Postgres,
// whose processes map the same shared buffers: there it is their private
// (anonymous) memory plus the largest share of the shared segment any one
// of them has touched. (Reading each process's PSS from smaps_rollup would
// be exact, but costs tens of milliseconds per process: CPU taken from what
// is measured.) It reads /proc every interval so a
// process that exits mid-scenario (a Postgres backend) still counts up to
// its last sample, and a process that appears (a restarted hookd) counts
// from zero.
type sampler struct {
	pids     func() map[string][]int
	interval time.Duration

	mu      sync.Mutex
	started bool
	first   map[int]uint64 // CPU ticks at the first sample
	last    map[int]uint64
	group   map[int]string
	peakRSS map[string]uint64

	// machine is the whole machine's CPU time at start and at stop.
	machine [2]cpuTimes
	load    [2]string

	stopc chan struct{}
	done  chan struct{}
}

// newSampler measures the processes pids returns, asked again at every
// sample.
func newSampler(pids func() map[string][]int, interval time.Duration) *sampler {
	return &sampler{pids: pids, interval: interval, first: map[int]uint64{}, last: map[int]uint64{},
		group: map[int]string{}, peakRSS: map[string]uint64{}}
}

// start takes the baseline sample and samples until stop.
func (s *sampler) start() {
	s.machine[0], s.load[0] = readCPUTimes(), loadAvg()
	s.sample()
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	s.stopc, s.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.done)
		t := time.NewTicker(s.interval)
		defer t.Stop()
		for {
			select {
			case <-s.stopc:
				return
			case <-t.C:
				s.sample()
			}
		}
	}()
}

// stop takes the last sample.
func (s *sampler) stop() {
	if s.stopc == nil {
		return
	}
	close(s.stopc)
	<-s.done
	s.stopc = nil
	s.sample()
	s.machine[1], s.load[1] = readCPUTimes(), loadAvg()
}

func (s *sampler) sample() {
	current := s.pids()
	s.mu.Lock()
	defer s.mu.Unlock()
	for g, pids := range current {
		var rss, shmem uint64
		for _, pid := range pids {
			st, err := readProcStat(pid)
			if err != nil {
				continue
			}
			if _, known := s.first[pid]; !known {
				// A process seen after the baseline started during the
				// scenario: all of its CPU counts.
				s.first[pid] = 0
				if !s.started {
					s.first[pid] = st.CPU
				}
				s.group[pid] = g
			}
			s.last[pid] = st.CPU
			m, err := readMemory(pid)
			switch {
			case err != nil:
			case g == groupPostgres:
				rss += m.Anon
				shmem = max(shmem, m.Shmem)
			default:
				rss += m.RSS
			}
		}
		s.peakRSS[g] = max(s.peakRSS[g], rss+shmem)
	}
}

// usage is what a sampler measured.
type usage struct {
	// CPU is CPU seconds per group.
	CPU map[string]float64
	// PeakRSS is the largest sampled memory per group, summed over the
	// group's processes, in bytes (for Postgres see sampler).
	PeakRSS map[string]uint64
	// Busy, IOWait and Idle are the whole machine's CPU seconds (all
	// CPUs) in the window: what the groups do not account for of Busy was
	// spent by other processes (the lead's tests, say).
	Busy, IOWait, Idle float64
	// Load is the load average at the start and at the end.
	Load [2]string
}

func (s *sampler) usage() usage {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := usage{CPU: map[string]float64{}, PeakRSS: map[string]uint64{}}
	for pid, g := range s.group {
		u.CPU[g] += float64(s.last[pid]-s.first[pid]) / clockTicks
	}
	for g, v := range s.peakRSS {
		u.PeakRSS[g] = v
	}
	u.Busy = float64(s.machine[1].Busy-s.machine[0].Busy) / clockTicks
	u.IOWait = float64(s.machine[1].IOWait-s.machine[0].IOWait) / clockTicks
	u.Idle = float64(s.machine[1].Idle-s.machine[0].Idle) / clockTicks
	u.Load = s.load
	return u
}
