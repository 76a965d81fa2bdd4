package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// runCrash: kill -9 of every hookd process in the middle of a load, then a
// restart. Every accepted event's deliveries must reach a final state;
// duplicates are allowed only for attempts in flight at the kill (the
// receiver saw them, hookd had not recorded them); deliveries whose job was
// running at the kill must be picked up again within job timeout + 30 s.
//
// At full scale a second kill follows: one process only, while the River
// leader keeps running, timed against the leader's rescuer so that the jobs
// become rescuable just after one of its runs — the slowest case.
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

	all, err := crashPhase(ctx, s, "kill -9 all", sc.CrashEvents, func(context.Context) ([]*proc, time.Time, error) {
		return s.liveProcs(), time.Time{}, nil
	})
	if err != nil {
		r.Err = err
		return r
	}
	phases := []*killPhase{all}
	if sc.CrashSingleKill {
		// The leader's rescuer first ran when it rescued phase one's jobs;
		// it runs again every 30 s from then.
		if _, _, quiet := s.waitQuiet(ctx, rescueBound+60*time.Second); !quiet {
			r.check("phase one drained before phase two", false, "")
			return r
		}
		tick := all.firstRescue()
		one, err := crashPhase(ctx, s, "kill -9 one", 2*sc.CrashEvents, func(ctx context.Context) ([]*proc, time.Time, error) {
			return nonLeaderAfterTick(ctx, s, tick)
		})
		if err != nil {
			r.Err = err
			return r
		}
		phases = append(phases, one)
	}
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
	// rescued: when River's rescuer handed each orphaned job back.
	rescued    map[int64]time.Time
	queued     backlog
	seenAtKill int
}

// firstRescue is when River's rescuer first handed back one of the phase's
// orphaned jobs: a run of the leader's rescuer.
func (ph *killPhase) firstRescue() time.Time {
	var first time.Time
	for _, t := range ph.rescued {
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	return first
}

// crashPhase loads events up to total (most at once, the rest paced so the
// load goes on through the kill) and kills the processes plan names: at the
// time it names, or, for a zero time, once CrashKillAt of the new
// deliveries arrived. It restarts them a second later (after the survivors
// have recorded what they had begun, if any run on) and waits for the load
// to be accepted.
func crashPhase(ctx context.Context, s *stage, name string, total int, plan func(context.Context) ([]*proc, time.Time, error)) (*killPhase, error) {
	l := s.lab
	sc := l.scale
	victims, at, err := plan(ctx)
	if err != nil {
		return nil, err
	}
	if !at.IsZero() {
		// Load for a few seconds before the kill.
		wait(ctx, time.Until(at.Add(-4*time.Second)))
	}
	from := int(s.prod.next.Load())
	n := total - from
	// Most at once, the rest trickling on through the kill and restart.
	s.prod.start(load{Events: from + n*3/4, Batch: 50, Workers: 3})
	s.prod.start(load{Events: total, Batch: 5, Workers: 1, Pause: 150 * time.Millisecond})
	if at.IsZero() {
		base := s.rcv.count()
		target := base + int(float64(n*sc.CrashWebhooks)*sc.CrashKillAt)
		l.progress("crash: %s: %d events to %d webhooks; kill once %d requests arrived", name, n, sc.CrashWebhooks, target)
		if !waitFor(ctx, 2*time.Minute, 10*time.Millisecond, func() bool { return s.rcv.count() >= target }) {
			return nil, fmt.Errorf("%s: the receiver saw only %d requests of %d in 2 minutes", name, s.rcv.count(), target)
		}
	} else {
		l.progress("crash: %s: %d events to %d webhooks; kill at %s", name, n, sc.CrashWebhooks, at.Format("15:04:05.000"))
		wait(ctx, time.Until(at))
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

	survivors := len(s.liveProcs()) > 0
	if survivors {
		// Let the survivors record what they had begun.
		wait(ctx, jobTimeout+time.Second)
	}
	if ph.queued, err = readBacklog(ctx, s.db); err != nil {
		return nil, err
	}
	if ph.orphans, err = orphanJobs(ctx, s.db, ph.killAt); err != nil {
		return nil, err
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
		wait(ctx, time.Second)
	}
	for _, p := range victims {
		if _, err := s.start(ctx, p.kind); err != nil {
			return nil, err
		}
	}
	l.progress("crash: %s: restarted; waiting for the rescue", name)
	// River keeps finished jobs a short while only: read the rescues now.
	ph.rescued = map[int64]time.Time{}
	waitFor(ctx, rescueBound+30*time.Second, 250*time.Millisecond, func() bool {
		resc, err := rescues(ctx, s.db)
		if err != nil {
			return false
		}
		for d := range ph.orphans {
			for _, t := range resc[d] {
				if _, ok := ph.rescued[d]; !ok && t.After(ph.killAt) {
					ph.rescued[d] = t
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
	rescued := len(ph.rescued)
	for _, t := range ph.rescued {
		maxRescue = max(maxRescue, t.Sub(ph.killAt))
	}
	for _, t := range resent {
		maxResend = max(maxResend, t.Sub(ph.killAt))
	}
	for _, t := range next {
		maxNext = max(maxNext, t.Sub(ph.killAt))
	}
	p := ph.name + ": "
	r.measure(p+"at the kill", "%d requests seen; %d deliveries pending, %d jobs live", ph.seenAtKill, ph.queued.Pending, ph.queued.Jobs)
	r.measure(p+"orphaned jobs", "%d running in the killed processes; %d rescued", len(ph.orphans), rescued)
	r.measure(p+"in flight", "%d attempts the receiver saw, not recorded; %d re-sent", len(ph.inflight), len(resent))
	r.measure(p+"max rescue", "%s after the kill (River handed the job back)", ms(maxRescue))
	r.measure(p+"max re-send", "%s after the kill (in-flight attempt sent again)", ms(maxResend))
	r.measure(p+"max pickup", "%s after the kill (next request of an orphaned job)", ms(maxNext))
	r.check(p+"every attempt in flight at the kill was made again", len(resent) == len(ph.inflight), "%d of %d re-sent", len(resent), len(ph.inflight))
	r.check(p+"every orphaned job was rescued", rescued == len(ph.orphans), "%d of %d", rescued, len(ph.orphans))
	r.check(fmt.Sprintf("%spicked up again within job timeout + 30 s (%s)", p, rescueBound),
		maxRescue <= rescueBound && maxResend <= rescueBound && maxNext <= rescueBound,
		"after the kill: rescue %s, re-send %s, next request %s", ms(maxRescue), ms(maxResend), ms(maxNext))
}

// nonLeaderAfterTick returns the processes that are not River's leader and
// the first kill time, at least 3 s away, at which their jobs become
// rescuable (job timeout + 2 s after they started) just after a run of the
// leader's rescuer, which runs every 30 s from tick.
func nonLeaderAfterTick(ctx context.Context, s *stage, tick time.Time) ([]*proc, time.Time, error) {
	if tick.IsZero() {
		return nil, time.Time{}, fmt.Errorf("no rescuer run observed in phase one")
	}
	leaderID, err := riverLeader(ctx, s.db)
	if err != nil {
		return nil, time.Time{}, err
	}
	leader := procOfClient(s.liveProcs(), leaderID)
	if leader == nil {
		return nil, time.Time{}, fmt.Errorf("the River leader %q is none of the live processes", leaderID)
	}
	var victims []*proc
	for _, p := range s.liveProcs() {
		if p != leader {
			victims = append(victims, p)
		}
	}
	const rescueAfter = jobTimeout + 2*time.Second
	at := tick.Add(-rescueAfter + 500*time.Millisecond)
	for at.Before(time.Now().Add(3 * time.Second)) {
		at = at.Add(30 * time.Second)
	}
	s.lab.progress("crash: kill -9 one: the leader is %s; %s dies so that its jobs become rescuable 0.5 s after a rescuer run (one ran at %s)",
		leader.name, victims[0].name, tick.Format("15:04:05.000"))
	return victims, at, nil
}

// procOfClient finds the process whose River client has id: River's
// default client id ends with the client's start time (UTC).
func procOfClient(procs []*proc, id string) *proc {
	const layout = "2006_01_02T15_04_05_000000"
	if len(id) < len(layout) {
		return nil
	}
	stamp := id[len(id)-len(layout):]
	i := strings.LastIndex(stamp, "_")
	t, err := time.ParseInLocation("2006_01_02T15_04_05.000000", stamp[:i]+"."+stamp[i+1:], time.UTC)
	if err != nil {
		return nil
	}
	for _, p := range procs {
		if !t.Before(p.startedAt.Add(-time.Millisecond)) && !t.After(p.readyAt) {
			return p
		}
	}
	return nil
}
