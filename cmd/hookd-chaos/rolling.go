package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// runRolling: SIGTERM one process during load while another keeps running,
// start its replacement, then the next one, and so on. Every terminated
// process must exit 0 within the shutdown timeout, nothing may be lost, and
// nothing sent twice: a graceful stop finishes its attempts or hands them
// back.
func runRolling(ctx context.Context, l *lab) *result {
	sc := l.scale
	s, err := newStage(ctx, l, "rolling", plainPlanner(l.seed, 50*time.Millisecond, 300*time.Millisecond))
	if err != nil {
		return &result{Scenario: "rolling", Scale: sc.Name, Err: err}
	}
	defer s.close()
	r := s.res
	if err := s.setup(ctx, []string{"serve", "worker"}, []int{5, 5, 5}); err != nil {
		r.Err = err
		return r
	}
	slots := s.liveProcs()
	s.prod.start(sc.RollingLoad)
	l.progress("rolling: %d restarts, %s apart, under load", sc.RollingSteps, sc.RollingGap)
	wait(ctx, sc.RollingGap)

	var bad []string
	var maxDrain time.Duration
	inFlight := 0
	for step := 0; step < sc.RollingSteps; step++ {
		i := step % len(slots)
		old := slots[i]
		running, err := runningByClient(ctx, s.db)
		if err != nil {
			r.Err = err
			return r
		}
		for id, n := range running {
			if procOfClient([]*proc{old}, id) == old {
				inFlight += n
			}
		}
		termAt := time.Now()
		// Still listed for the producer until it exits: calls to it then
		// must finish, or be refused and go elsewhere.
		old.terminate()
		// The replacement starts while the old one drains; the other slot
		// runs throughout.
		next, err := s.start(ctx, old.kind)
		if err != nil {
			r.Err = err
			return r
		}
		slots[i] = next
		e, exited := old.wait(shutdownTimeout + 10*time.Second)
		s.retire(old)
		switch {
		case !exited:
			bad = append(bad, fmt.Sprintf("%s still running %s after SIGTERM", old.name, shutdownTimeout+10*time.Second))
			old.kill()
		case e.err != nil:
			bad = append(bad, fmt.Sprintf("%s: %v (stderr %s: %s)", old.name, e.err, old.stderr, tailFile(old.stderr, 3)))
		default:
			maxDrain = max(maxDrain, e.at.Sub(termAt))
			if e.at.Sub(termAt) > shutdownTimeout {
				bad = append(bad, fmt.Sprintf("%s took %s to stop", old.name, ms(e.at.Sub(termAt))))
			}
		}
		wait(ctx, sc.RollingGap)
	}
	s.prod.stop(30 * time.Second)
	l.progress("rolling: load stopped; waiting for the backlog")
	if _, _, err := s.finish(ctx, rescueBound+60*time.Second, auditRules{}); err != nil {
		r.Err = err
		return r
	}
	r.measure("restarts", "%d (SIGTERM, replacement started at once)", sc.RollingSteps)
	r.measure("jobs running at SIGTERM", "%d in the terminated processes, in all", inFlight)
	r.measure("max time to exit", "%s (shutdown timeout %s)", ms(maxDrain), shutdownTimeout)
	r.check(fmt.Sprintf("every SIGTERM ended in exit status 0 within %s", shutdownTimeout), len(bad) == 0, "%s", strings.Join(bad, "; "))
	return r
}
