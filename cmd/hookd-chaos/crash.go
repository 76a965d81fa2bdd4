package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// runCrash: kill -9 of every hookd process in the middle of a load, then a
// restart. Every accepted event's deliveries must reach a final state;
// duplicates are allowed only for attempts in flight at the kill (the
// receiver saw them, hookd had not recorded them); deliveries whose job was
// running at the kill must be picked up again within job timeout + 30 s.
// While no process lives River has no leader: the first phase measures how
// long the leader's work (scheduler, rescuer, retention) waits for a new one.
//
// A second kill follows: one process only, the one that is not River's
// leader, once a live process holds the leadership — the survivors'
// heartbeat rescuers, not a restart, must hand its jobs back.
func runCrash(ctx context.Context, l *lab) *result {
	sc := l.scale
	s, err := newStage(ctx, l, "crash", plainPlanner(l.seed, 50*time.Millisecond, 200*time.Millisecond))
	if err != nil {
		return &result{Scenario: "crash", Scale: sc.Name, Err: err}
	}
	defer s.close()
	r := s.res
	retryCounts := make([]int, sc.CrashWebhooks)
	for i := range retryCounts {
		retryCounts[i] = 5
	}
	if err := s.setup(ctx, []string{"serve", "worker"}, retryCounts); err != nil {
		r.Err = err
		return r
	}

	all, err := crashPhase(ctx, s, "kill -9 all", sc.CrashEvents, func(context.Context) ([]*proc, error) {
		return s.liveProcs(), nil
	})
	if err != nil {
		r.Err = err
		return r
	}
	if _, _, quiet := s.waitQuiet(ctx, rescueBound+60*time.Second); !quiet {
		r.check("phase one drained before phase two", false, "")
		return r
	}
	one, err := crashPhase(ctx, s, "kill -9 one", 2*sc.CrashEvents, func(ctx context.Context) ([]*proc, error) {
		return nonLeader(ctx, s)
	})
	if err != nil {
		r.Err = err
		return r
	}
	phases := []*killPhase{all, one}
	s.prod.stop(0)

	rules := auditRules{allowDup: func(k attemptKey, hs []hit) bool {
		for _, ph := range phases {
			if ph.inflight[k] && len(hs) == 2 && hs[0].Arrived.Before(ph.cutoff) && !hs[1].Arrived.Before(ph.snapshotAt) {
				return true
			}
		}
		return false
	}}
	a, _, err := s.finish(ctx, rescueBound+60*time.Second, rules)
	if err != nil {
		r.Err = err
		return r
	}
	inflight := 0
	for _, ph := range phases {
		ph.report(s)
		inflight += len(ph.inflight)
	}
	r.check("duplicates only for attempts in flight at a kill", a.DupUnexpected == 0 && a.DupAllowed <= inflight,
		"%d duplicated deliveries, %d attempts in flight at the kills", a.Duplicated, inflight)
	return r
}

// killPhase is one kill: what was in the air and what came of it.
type killPhase struct {
	name    string
	victims []*proc
	killAt  time.Time
	// cutoff: a request that arrived before it may have come from a victim.
	cutoff time.Time
	// snapshotAt: when the recorded attempts were read; every survivor's
	// attempt begun before the kill was recorded by then.
	snapshotAt time.Time
	// inflight: attempts the receiver saw before cutoff that hookd had not
	// recorded at snapshotAt. Only these may be sent twice.
	inflight map[attemptKey]bool
	// orphans: deliveries whose job a victim was running.
	orphans map[int64]bool
	// rescued: when and by whom each orphaned job was handed back.
	rescued    map[int64]rescue
	queued     backlog
	seenAtKill int
	// backendsGone: how long after the kill the victims' last statements
	// ended in Postgres.
	backendsGone time.Duration
	// finishedDead: jobs running at the kill that the victims' last
	// statements finished.
	finishedDead int
	// leader: how long River's leader-only work waited (every process
	// killed), nil when a process survived.
	leader *leaderWatch
}

// crashPhase loads events up to total (most at once, the rest paced so the
// load goes on through the kill) and, once CrashKillAt of the new
// deliveries arrived, kills the processes plan names. It restarts them a
// second later (after the survivors have recorded what they had begun, if
// any run on) and waits for the load to be accepted.
func crashPhase(ctx context.Context, s *stage, name string, total int, plan func(context.Context) ([]*proc, error)) (*killPhase, error) {
	l := s.lab
	sc := l.scale
	victims, err := plan(ctx)
	if err != nil {
		return nil, err
	}
	from := int(s.prod.next.Load())
	n := total - from
	// Most at once, the rest trickling on through the kill and restart.
	s.prod.start(load{Events: from + n*3/4, Batch: 50, Workers: 3})
	s.prod.start(load{Events: total, Batch: 5, Workers: 1, Pause: 150 * time.Millisecond})
	base := s.rcv.count()
	target := base + int(float64(n*sc.CrashWebhooks)*sc.CrashKillAt)
	l.progress("crash: %s: %d events to %d webhooks; kill once %d requests arrived", name, n, sc.CrashWebhooks, target)
	if !waitFor(ctx, 2*time.Minute, 10*time.Millisecond, func() bool { return s.rcv.count() >= target }) {
		return nil, fmt.Errorf("%s: the receiver saw only %d requests of %d in 2 minutes", name, s.rcv.count(), target)
	}
	ph := &killPhase{name: name, victims: victims, killAt: time.Now()}
	for _, p := range victims {
		p.kill()
	}
	for _, p := range victims {
		if _, exited := p.wait(10 * time.Second); !exited {
			return nil, fmt.Errorf("%s did not die after SIGKILL", p.name)
		}
		s.retire(p)
	}
	ph.cutoff = time.Now().Add(100 * time.Millisecond)
	names := make([]string, len(victims))
	for i, p := range victims {
		names[i] = p.name
	}
	l.progress("crash: %s: killed %s (%d requests seen, %d events accepted)", name, strings.Join(names, ", "), s.rcv.count(), s.prod.acceptedCount())
	// What the victims had sent Postgres still runs: read nothing before it
	// ends. How many of their jobs it finished is worth knowing.
	runningAtKill, err := orphanJobs(ctx, s.db, ph.killAt, victims)
	if err != nil {
		return nil, err
	}
	if ph.backendsGone, err = waitDeadBackends(ctx, s, 30*time.Second); err != nil {
		return nil, err
	}

	survivors := len(s.liveProcs()) > 0
	if survivors {
		// Let the survivors record what they had begun.
		wait(ctx, attemptTimeout+time.Second)
	}
	if ph.queued, err = readBacklog(ctx, s.db); err != nil {
		return nil, err
	}
	if ph.orphans, err = orphanJobs(ctx, s.db, ph.killAt, victims); err != nil {
		return nil, err
	}
	for d := range runningAtKill {
		if !ph.orphans[d] {
			ph.finishedDead++
		}
	}
	recorded, err := recordedKeys(ctx, s.db)
	if err != nil {
		return nil, err
	}
	ph.snapshotAt = time.Now()
	ph.inflight = map[attemptKey]bool{}
	for _, h := range s.rcv.snapshot() {
		k := attemptKey{h.DeliveryID, h.Attempt}
		if h.Arrived.Before(ph.killAt) {
			ph.seenAtKill++
		}
		if h.Arrived.Before(ph.cutoff) && !recorded[k] {
			ph.inflight[k] = true
		}
	}
	if !survivors {
		if ph.leader, err = watchLeader(ctx, s, ph.killAt); err != nil {
			return nil, err
		}
		wait(ctx, time.Second)
	}
	for _, p := range victims {
		if _, err := s.start(ctx, p.kind); err != nil {
			return nil, err
		}
	}
	l.progress("crash: %s: restarted; waiting for the rescue", name)
	// River keeps finished jobs a short while only: read the rescues now.
	ph.rescued = map[int64]rescue{}
	waitFor(ctx, rescueBound+30*time.Second, 250*time.Millisecond, func() bool {
		resc, err := rescues(ctx, s.db)
		if err != nil {
			return false
		}
		for d := range ph.orphans {
			for _, rs := range resc[d] {
				if _, ok := ph.rescued[d]; !ok && rs.At.After(ph.killAt) {
					ph.rescued[d] = rs
				}
			}
		}
		return len(ph.rescued) == len(ph.orphans)
	})
	if !s.prod.wait(2 * time.Minute) {
		return nil, fmt.Errorf("%s: only %d events accepted of %d after the restart", name, s.prod.acceptedCount(), total)
	}
	return ph, nil
}

// report adds the phase's measures and checks, once everything is final.
func (ph *killPhase) report(s *stage) {
	r := s.res
	hits := s.rcv.snapshot()
	resent := map[attemptKey]time.Time{}
	next := map[int64]time.Time{}
	for _, h := range hits {
		if h.Arrived.Before(ph.snapshotAt) {
			continue
		}
		k := attemptKey{h.DeliveryID, h.Attempt}
		if _, ok := resent[k]; !ok && ph.inflight[k] {
			resent[k] = h.Arrived
		}
		if _, ok := next[h.DeliveryID]; !ok && ph.orphans[h.DeliveryID] {
			next[h.DeliveryID] = h.Arrived
		}
	}
	var maxRescue, maxResend, maxNext time.Duration
	rescued, byHookd := len(ph.rescued), 0
	for _, rs := range ph.rescued {
		maxRescue = max(maxRescue, rs.At.Sub(ph.killAt))
		if rs.ByHookd {
			byHookd++
		}
	}
	for _, t := range resent {
		maxResend = max(maxResend, t.Sub(ph.killAt))
	}
	for _, t := range next {
		maxNext = max(maxNext, t.Sub(ph.killAt))
	}
	p := ph.name + ": "
	r.measure(p+"at the kill", "%d requests seen; %d deliveries pending, %d jobs live", ph.seenAtKill, ph.queued.Pending, ph.queued.Jobs)
	r.measure(p+"after the kill", "the victims' last statements ended %s later, finishing %d of their running jobs",
		ms(ph.backendsGone), ph.finishedDead)
	r.measure(p+"orphaned jobs", "%d running in the killed processes; %d rescued (%d by hookd's heartbeat rescuer, %d by River's)",
		len(ph.orphans), rescued, byHookd, rescued-byHookd)
	r.measure(p+"in flight", "%d attempts the receiver saw, not recorded; %d re-sent", len(ph.inflight), len(resent))
	r.measure(p+"max rescue", "%s after the kill (the job was handed back)", ms(maxRescue))
	r.measure(p+"max re-send", "%s after the kill (in-flight attempt sent again)", ms(maxResend))
	r.measure(p+"max pickup", "%s after the kill (next request of an orphaned job)", ms(maxNext))
	r.check(p+"every attempt in flight at the kill was made again", len(resent) == len(ph.inflight), "%d of %d re-sent", len(resent), len(ph.inflight))
	r.check(p+"every orphaned job was rescued", rescued == len(ph.orphans), "%d of %d", rescued, len(ph.orphans))
	r.check(fmt.Sprintf("%severy orphaned job handed back within %s of the kill (hookd's heartbeat rescuer)", p, handBackBound),
		maxRescue <= handBackBound, "the last after %s", ms(maxRescue))
	r.check(fmt.Sprintf("%spicked up again within job timeout + 30 s (%s)", p, rescueBound),
		maxRescue <= rescueBound && maxResend <= rescueBound && maxNext <= rescueBound,
		"after the kill: rescue %s, re-send %s, next request %s", ms(maxRescue), ms(maxResend), ms(maxNext))
	if ph.leader != nil {
		ph.leader.report(r, p)
	}
}

// nonLeader waits for River's leader to be a live process and returns the
// other processes. Right after a kill -9 of every process the leader row
// still names a killed one for up to River's TTL, while hookd's own
// rescuer has long handed the jobs back: the wait is for River, not hookd.
func nonLeader(ctx context.Context, s *stage) ([]*proc, error) {
	start := time.Now()
	leader, _, err := liveLeader(ctx, s, leaderBound+30*time.Second)
	if err != nil {
		return nil, err
	}
	var victims []*proc
	for _, p := range s.liveProcs() {
		if p != leader {
			victims = append(victims, p)
		}
	}
	if len(victims) == 0 {
		return nil, fmt.Errorf("no process besides the River leader %s", leader.name)
	}
	s.lab.progress("crash: kill -9 one: the River leader is %s (waited %s); %s dies", leader.name, ms(time.Since(start)), victims[0].name)
	return victims, nil
}

// procOfClient finds the process whose River client has id: hookd names
// its client hookd_<host>_<pid>_<random> (delivery.NewClientID).
func procOfClient(procs []*proc, id string) *proc {
	parts := strings.Split(id, "_")
	if len(parts) < 4 || parts[0] != "hookd" {
		return nil
	}
	pid, err := strconv.Atoi(parts[len(parts)-2])
	if err != nil {
		return nil
	}
	for _, p := range procs {
		if p.pid == pid {
			return p
		}
	}
	return nil
}
