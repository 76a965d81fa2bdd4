package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"
)

// recoveryBound is how soon after Postgres returns hookd must accept events
// and report ready again.
const recoveryBound = 5 * time.Second

// probe is one API call made while the database was away.
type probe struct {
	Path    string
	ID      string // the event an emit sent
	Status  int
	Latency time.Duration
	Ended   time.Time
	Problem string // why the answer is wrong, "" when right
}

// outage is one database fault and what the API showed of it.
type outage struct {
	name         string
	from, to     time.Time // fault injected, database back
	upAt         time.Time // repair begun: answers after it may succeed
	probes       []probe
	dead         []string // processes found exited during it
	burst        *burst   // emits sent at its start, retried after it, or nil
	firstAccept  time.Duration
	firstReady   time.Duration
	resumed      time.Duration // first delivery after it ended
	workersAfter int           // River clients taking jobs after it
}

// runDBRestart: during a load, Postgres is stopped (pg_ctl stop -m
// immediate: a crash) for DBOutage and started again; then it is frozen
// (SIGSTOP: it neither answers nor refuses) for half as long and resumed;
// at the start of the freeze twenty emits with Idempotency-Keys go out at
// once, and are sent again after it. hookd must stay up, answer 503 with
// Retry-After in the error format within the request timeout, report it on
// /readyz, recover within 5 s of the database returning, deliver each of
// the twenty exactly once, and lose nothing.
func runDBRestart(ctx context.Context, l *lab) *result {
	sc := l.scale
	s, err := newStage(ctx, l, "dbrestart", plainPlanner(l.seed, 10*time.Millisecond, 50*time.Millisecond))
	if err != nil {
		return &result{Scenario: "dbrestart", Scale: sc.Name, Err: err}
	}
	defer s.close()
	r := s.res
	if err := s.setup(ctx, []string{"serve", "worker"}, []int{5, 5}); err != nil {
		r.Err = err
		return r
	}
	s.prod.start(sc.DBLoad)
	l.progress("dbrestart: load for %s, then Postgres stops for %s", sc.DBLead, sc.DBOutage)
	wait(ctx, sc.DBLead)

	stop, err := injectOutage(ctx, s, "stop", sc.DBOutage,
		func() error { return l.pg.Stop(ctx, "immediate") }, func() error { return l.pg.Start(ctx) }, nil)
	if err != nil {
		r.Err = err
		return r
	}
	wait(ctx, sc.DBTail)
	l.progress("dbrestart: Postgres freezes (SIGSTOP) for %s", sc.DBOutage/2)
	freeze, err := injectOutage(ctx, s, "freeze", sc.DBOutage/2, l.pg.Freeze, l.pg.Thaw, newBurst("freeze"))
	if err != nil {
		r.Err = err
		return r
	}
	wait(ctx, sc.DBTail)
	s.prod.stop(30 * time.Second)
	l.progress("dbrestart: load stopped; waiting for the backlog")

	// An attempt whose result could not be recorded (the database went
	// away under it) is made again: at-least-once. Only those may repeat.
	outages := []*outage{stop, freeze}
	rules := auditRules{allowDup: func(_ attemptKey, hs []hit) bool {
		for _, o := range outages {
			if !hs[0].Arrived.Before(o.from.Add(-attemptTimeout)) && hs[0].Arrived.Before(o.to) {
				return true
			}
		}
		return false
	}}
	_, led, err := s.finish(ctx, rescueBound+60*time.Second, rules)
	if err != nil {
		r.Err = err
		return r
	}
	hits := s.rcv.snapshot()
	paths := make([]string, len(s.webhooks))
	for i, w := range s.webhooks {
		paths[i] = pathFor(w.Index)
	}
	for _, o := range outages {
		o.resumed = 0
		for _, h := range hits {
			if h.Arrived.After(o.to) {
				o.resumed = h.Arrived.Sub(o.to)
				break
			}
		}
		o.report(r, led)
		if o.burst != nil {
			o.burst.report(r, o.name+": ", hits, paths)
		}
	}
	return r
}

// injectOutage breaks the database with down, probes the API every 200 ms
// for d, repairs it with up and measures the recovery. A burst, if any,
// goes out as soon as the database is down and again once it is back.
func injectOutage(ctx context.Context, s *stage, name string, d time.Duration, down, up func() error, b *burst) (*outage, error) {
	api := s.apiAddrs()[0]
	o := &outage{name: name, from: time.Now(), burst: b}
	if err := down(); err != nil {
		return nil, err
	}
	s.lab.progress("dbrestart: %s: database down (%s)", name, ms(time.Since(o.from)))
	burstDone := make(chan struct{})
	if b != nil {
		go func() { defer close(burstDone); b.fire(ctx, s, api) }()
	} else {
		close(burstDone)
	}

	// Each call on its own goroutine, so a hang cannot hide the next ones.
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	record := func(p probe) {
		mu.Lock()
		defer mu.Unlock()
		if !o.upAt.IsZero() && p.Ended.After(o.upAt) && (p.Status == http.StatusOK || p.Status == http.StatusAccepted) {
			// It waited for the database, which came back in time.
			p.Problem = ""
		}
		o.probes = append(o.probes, p)
	}
	for k := 0; time.Since(o.from) < d; k++ {
		for _, p := range s.liveProcs() {
			if !p.alive() {
				o.dead = append(o.dead, p.name)
			}
		}
		wg.Add(2)
		id := fmt.Sprintf("chaos-dbrestart-%s-probe-%04d", name, k)
		go func() { defer wg.Done(); record(probeEmit(ctx, s, api, id, true)) }()
		go func() { defer wg.Done(); record(probeReady(ctx, s, api, http.StatusServiceUnavailable)) }()
		wait(ctx, 200*time.Millisecond)
	}
	mu.Lock()
	o.upAt = time.Now()
	mu.Unlock()
	if err := up(); err != nil {
		return nil, err
	}
	o.to = time.Now()
	s.lab.progress("dbrestart: %s: database back after %s", name, ms(o.to.Sub(o.from)))

	for k := 0; (o.firstAccept == 0 || o.firstReady == 0) && time.Since(o.to) < time.Minute; k++ {
		if o.firstAccept == 0 {
			id := fmt.Sprintf("chaos-dbrestart-%s-recover-%04d", name, k)
			if p := probeEmit(ctx, s, api, id, false); p.Status == http.StatusAccepted {
				o.firstAccept = time.Since(o.to)
			}
		}
		if o.firstReady == 0 {
			if p := probeReady(ctx, s, api, http.StatusOK); p.Status == http.StatusOK {
				o.firstReady = time.Since(o.to)
			}
		}
		wait(ctx, 100*time.Millisecond)
	}
	wg.Wait()
	<-burstDone
	if b != nil {
		b.retry(ctx, s, api, 30*time.Second)
		s.lab.progress("dbrestart: %s: the %d emits of the burst sent again", name, burstSize)
	}
	// Give both processes a moment to take work again before asking.
	wait(ctx, 2*time.Second)
	var err error
	if o.workersAfter, err = riverWorkersSince(ctx, s.db, o.to); err != nil {
		return nil, err
	}
	return o, nil
}

// report adds the outage's measures and checks; led is hookd's record once
// every delivery is final.
func (o *outage) report(r *result, led *ledger) {
	var emits, readies, emit503, emit202, ready503, late, refusedStored int
	var maxLatency time.Duration
	var problems []string
	for _, p := range o.probes {
		maxLatency = max(maxLatency, p.Latency)
		if p.Ended.After(o.upAt) {
			late++
		}
		if p.Path == "/readyz" {
			readies++
			if p.Status == http.StatusServiceUnavailable {
				ready503++
			}
		} else {
			emits++
			switch p.Status {
			case http.StatusServiceUnavailable:
				emit503++
				if led.events[p.ID] {
					refusedStored++
				}
			case http.StatusAccepted:
				emit202++
			}
		}
		if p.Problem != "" && len(problems) < 5 {
			problems = append(problems, p.Path+": "+p.Problem)
		}
	}
	n := o.name + ": "
	r.measure(n+"database down", "%s", ms(o.to.Sub(o.from)))
	r.measure(n+"probes while down", "POST /v2/events %d (503: %d, 202: %d); GET /readyz %d (503: %d)", emits, emit503, emit202, readies, ready503)
	// Not a failure: a 503 does not say nothing was stored, and a retry
	// with the same id replays. Worth seeing how often it happens.
	r.measure(n+"503s yet stored", "%d of the %d emits answered 503 were stored all the same (their write outlived the answer)", refusedStored, emit503)
	r.measure(n+"max API latency", "%s while down (request timeout %s); %d calls answered only after it returned", ms(maxLatency), requestTimeout, late)
	r.measure(n+"recovery", "first 202 %s, /readyz 200 %s, deliveries %s after it returned", ms(o.firstAccept), ms(o.firstReady), ms(o.resumed))
	r.measure(n+"River clients after", "%d of 2 processes took jobs", o.workersAfter)

	r.check(n+"hookd stayed up", len(o.dead) == 0, "%s", strings.Join(o.dead, ", "))
	r.check(n+"503 + Retry-After in the error format, /readyz 503, nothing refused", len(problems) == 0 && emits > 0,
		"%s", strings.Join(problems, "; "))
	r.check(fmt.Sprintf("%sno API call hung past the request timeout (%s)", n, requestTimeout), maxLatency <= requestTimeout+time.Second,
		"slowest answer %s", ms(maxLatency))
	r.check(n+"accepting again within 5 s", o.firstAccept > 0 && o.firstAccept <= recoveryBound, "first 202 after %s", ms(o.firstAccept))
	r.check(n+"/readyz ready within 5 s", o.firstReady > 0 && o.firstReady <= recoveryBound, "after %s", ms(o.firstReady))
	r.check(n+"deliveries resumed within 5 s", o.resumed > 0 && o.resumed <= recoveryBound, "after %s", ms(o.resumed))
	r.check(n+"both processes deliver again", o.workersAfter == 2, "%d River clients took delivery jobs after it", o.workersAfter)
}

// probeEmit posts one event with id; a 202 makes it accepted. While down,
// only 503 (in format, with Retry-After) and 202 are right.
func probeEmit(ctx context.Context, s *stage, api, id string, down bool) probe {
	body := map[string]any{"id": id, "type": chaosEventType, "data": map[string]any{"probe": true}}
	res, err := s.api.do(ctx, api, http.MethodPost, "/v2/events", body)
	p := probe{Path: "/v2/events", ID: id, Latency: res.Latency, Ended: time.Now()}
	if err != nil {
		p.Problem = describeTransport(err)
		return p
	}
	p.Status = res.Status
	switch res.Status {
	case http.StatusAccepted:
		s.prod.markAccepted(id)
	case http.StatusServiceUnavailable:
		if !retryAfterOK(res.Header) {
			p.Problem = fmt.Sprintf("503 without a Retry-After (%q)", res.Header.Get("Retry-After"))
		} else if err := errorShape(res.Body, "service_unavailable", 503); err != nil {
			p.Problem = "503 " + err.Error()
		}
	default:
		if down {
			p.Problem = fmt.Sprintf("HTTP %d: %s", res.Status, truncate(string(res.Body), 160))
		}
	}
	return p
}

// probeReady gets /readyz and expects want.
func probeReady(ctx context.Context, s *stage, api string, want int) probe {
	res, err := s.api.do(ctx, api, http.MethodGet, "/readyz", nil)
	p := probe{Path: "/readyz", Latency: res.Latency, Ended: time.Now()}
	if err != nil {
		p.Problem = describeTransport(err)
		return p
	}
	p.Status = res.Status
	if res.Status != want {
		p.Problem = fmt.Sprintf("HTTP %d, want %d: %s", res.Status, want, truncate(string(res.Body), 160))
	} else if want == http.StatusServiceUnavailable {
		if err := errorShape(res.Body, "service_unavailable", 503); err != nil {
			p.Problem = "503 " + err.Error()
		}
	}
	return p
}

// describeTransport names a failed call: refused means the process is gone.
func describeTransport(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused (is hookd still up?)"
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout"):
		return fmt.Sprintf("no answer within %s (hung)", requestTimeout+5*time.Second)
	}
	return err.Error()
}
