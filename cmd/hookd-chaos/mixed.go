package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// window is a span in which a fault may excuse repeated requests: attempts
// in flight when a process was killed or the database went away.
type window struct {
	from, to time.Time
}

// runMixed is the soak: misbehaving receivers and, every 15–40 s, one fault
// drawn at random (kill -9 of one process or of all, a SIGTERM restart, a
// 10 s database outage, a 5 s database freeze) for MixedDuration, under a
// steady load. At the end
// nothing may be lost, every delivery must end as the schedule says, and a
// request may repeat only if it was in flight at a kill or an outage.
func runMixed(ctx context.Context, l *lab) *result {
	sc := l.scale
	pl := chaosPlanner(l.seed + 1)
	s, err := newStage(ctx, l, "mixed", pl)
	if err != nil {
		return &result{Scenario: "mixed", Scale: sc.Name, Err: err}
	}
	defer s.close()
	r := s.res
	if err := s.setup(ctx, []string{"serve", "serve", "worker"}, []int{3, 3, 2, 2}); err != nil {
		r.Err = err
		return r
	}
	slots := s.liveProcs()
	s.prod.start(sc.MixedLoad)
	rng := rand.New(rand.NewPCG(l.seed, 0x5eed))
	var (
		mu      sync.Mutex
		windows []window
		faults  = map[string]int{}
		bad     []string
	)
	excuse := func(from, to time.Time) {
		mu.Lock()
		windows = append(windows, window{from.Add(-attemptTimeout), to})
		mu.Unlock()
	}
	restart := func(i int) error {
		p, err := s.start(ctx, slots[i].kind)
		if err == nil {
			slots[i] = p
		}
		return err
	}
	l.progress("mixed: %s of random faults under load", sc.MixedDuration)
	end := time.Now().Add(sc.MixedDuration)
	for time.Now().Before(end) && ctx.Err() == nil {
		wait(ctx, time.Duration(15+rng.IntN(26))*time.Second)
		if time.Now().After(end) {
			break
		}
		switch rng.IntN(5) {
		case 0: // kill -9 one process
			i := rng.IntN(len(slots))
			at := time.Now()
			slots[i].kill()
			slots[i].wait(10 * time.Second)
			s.retire(slots[i])
			wait(ctx, time.Second)
			if err := restart(i); err != nil {
				r.Err = err
				return r
			}
			excuse(at, time.Now())
			faults["kill -9 one"]++
		case 1: // kill -9 all
			at := time.Now()
			for _, p := range slots {
				p.kill()
			}
			for _, p := range slots {
				p.wait(10 * time.Second)
				s.retire(p)
			}
			wait(ctx, time.Second)
			for i := range slots {
				if err := restart(i); err != nil {
					r.Err = err
					return r
				}
			}
			excuse(at, time.Now())
			faults["kill -9 all"]++
		case 2: // SIGTERM one, replacement at once
			i := rng.IntN(len(slots))
			old := slots[i]
			old.terminate()
			s.retire(old)
			if err := restart(i); err != nil {
				r.Err = err
				return r
			}
			if e, exited := old.wait(shutdownTimeout + 10*time.Second); !exited || e.err != nil {
				bad = append(bad, fmt.Sprintf("%s after SIGTERM: exited=%v err=%v", old.name, exited, e.err))
			}
			faults["SIGTERM one"]++
		case 3: // database frozen (SIGSTOP) for 5 s
			at := time.Now()
			if err := l.pg.Freeze(); err != nil {
				r.Err = err
				return r
			}
			wait(ctx, 5*time.Second)
			if err := l.pg.Thaw(); err != nil {
				r.Err = err
				return r
			}
			excuse(at, time.Now())
			faults["database frozen"]++
		default: // database outage
			at := time.Now()
			if err := l.pg.Stop(ctx, "immediate"); err != nil {
				r.Err = err
				return r
			}
			wait(ctx, 10*time.Second)
			if err := l.pg.Start(ctx); err != nil {
				r.Err = err
				return r
			}
			excuse(at, time.Now())
			faults["database outage"]++
		}
		l.progress("mixed: faults so far %v; %d events accepted, %d requests seen", faults, s.prod.acceptedCount(), s.rcv.count())
	}
	s.prod.stop(60 * time.Second)
	l.progress("mixed: load stopped; waiting for the backlog")

	allowDup := func(_ attemptKey, hs []hit) bool {
		mu.Lock()
		defer mu.Unlock()
		for _, h := range hs[:len(hs)-1] {
			in := false
			for _, w := range windows {
				if !h.Arrived.Before(w.from) && h.Arrived.Before(w.to) {
					in = true
				}
			}
			if !in {
				return false
			}
		}
		return true
	}
	outcome := scheduleOutcome(s, pl)
	a, _, err := s.finish(ctx, 3*time.Minute, auditRules{expectFailures: true, allowDup: allowDup, outcome: outcome})
	if err != nil {
		r.Err = err
		return r
	}
	r.measure("faults injected", "%v", faults)
	r.check("every delivery ended as the schedule of answers says", a.ScheduleMiss == 0, "%d differ %s", a.ScheduleMiss, a.examplesOf("schedule"))
	r.check("every SIGTERM ended in exit status 0", len(bad) == 0, "%v", bad)
	return r
}
