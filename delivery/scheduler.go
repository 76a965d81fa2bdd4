package delivery

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/hookd/hookd/internal/metrics"
	"github.com/hookd/hookd/store"
)

// scheduler decides, in this process, when a fetched delivery job may send:
// within the process's workers, within its endpoint's concurrency limit
// (which follows the endpoint, see concurrencyLimit) and within its
// tenant's fair share. A job that cannot send yet waits here, in memory,
// costing no database round trip; only when its endpoint already has as
// many jobs waiting as it could send at once (or the process holds its
// maximum of waiting jobs) is it handed back to Postgres, snoozed until
// the endpoint is expected to have room. See delivery/scheduler.md.
type scheduler struct {
	workers    int // sends in flight at most, process-wide
	ceiling    int // an endpoint's limit at most
	tenantCap  int // a tenant's sends in flight at most; 0: fair share
	maxWaiting int // jobs held waiting at most, process-wide
	maxWait    time.Duration
	now        func() time.Time

	mu        sync.Mutex
	sending   int
	waiting   int
	active    int // tenants with a job sending or waiting
	endpoints map[int64]*endpoint
	tenants   map[string]*tenantLoad
	ready     []*endpoint // endpoints with waiters, served round-robin
	next      int         // round-robin position in ready
	sweptAt   time.Time
	onLimit   func(webhookID int64, limit int) // observes limit changes (metrics)
	onForget  func(webhookID int64)
}

// endpoint is one webhook's load and limit in this process.
type endpoint struct {
	id       int64
	tenant   *tenantLoad
	limit    concurrencyLimit
	sending  int
	waiters  []*waiter
	inReady  bool
	lastUsed time.Time
	// latency is a moving average of attempt durations, and nextFree a
	// virtual clock of when a slot is expected to free: jobs snoozed for
	// a saturated endpoint are spread out at its pace instead of all
	// coming back at once.
	latency  time.Duration
	nextFree time.Time
	// busySince is when sending last went from none to some: an attempt
	// in flight that long says the endpoint is at least that slow before
	// any attempt has finished to say how slow it is.
	busySince time.Time
}

type tenantLoad struct {
	name    string
	sending int
	waiting int
}

type waiter struct {
	ready   chan struct{}
	granted bool
}

// Bounds on waiting and snoozing.
const (
	// maxSnooze caps how far ahead a saturated endpoint's job is snoozed:
	// an endpoint that recovers gets its backlog back within this.
	maxSnooze = time.Minute
	// maxSnoozeStalled is the cap for an endpoint down to one attempt in
	// flight that answers slowly or not at all: it takes a job every few
	// seconds at best, and its backlog would otherwise come back to Postgres
	// every minute for nothing.
	maxSnoozeStalled = 5 * time.Minute
	// minSnooze is the shortest snooze, so a job never spins.
	minSnooze = 100 * time.Millisecond
	// forgetAfter drops the state of an endpoint idle this long.
	forgetAfter = 10 * time.Minute
)

// errMustSnooze is acquire's answer when a job can neither send nor wait:
// the caller snoozes it for the duration given.
var errMustSnooze = errors.New("endpoint saturated")

func newScheduler(workers, ceiling, tenantCap int, maxWait time.Duration) *scheduler {
	return &scheduler{
		workers: workers, ceiling: ceiling, tenantCap: tenantCap, maxWaiting: workers, maxWait: maxWait, now: time.Now,
		endpoints: map[int64]*endpoint{}, tenants: map[string]*tenantLoad{},
		onLimit: func(int64, int) {}, onForget: func(int64) {},
	}
}

// ticket is a send slot; release it with the attempt's outcome.
type ticket struct {
	s *scheduler
	e *endpoint
}

// acquire waits for a send slot for webhookID of tenant. It returns
// errMustSnooze with how long to snooze when the job should go back to
// Postgres instead, and ctx's error if ctx ends while waiting.
func (s *scheduler) acquire(ctx context.Context, webhookID int64, tenant string) (*ticket, time.Duration, error) {
	s.mu.Lock()
	now := s.now()
	s.sweep(now)
	e := s.endpoint(webhookID, tenant, now)
	if len(e.waiters) == 0 && s.canStart(e) {
		s.start(e)
		s.mu.Unlock()
		return &ticket{s: s, e: e}, 0, nil
	}
	if len(e.waiters) >= max(e.limit.allowed(), 1) || s.waiting >= s.maxWaiting {
		d := e.snoozeFor(now, s.ceiling)
		s.mu.Unlock()
		return nil, d, errMustSnooze
	}
	w := &waiter{ready: make(chan struct{}, 1)}
	e.waiters = append(e.waiters, w)
	s.addWaiting(e, 1)
	if !e.inReady {
		e.inReady = true
		s.ready = append(s.ready, e)
	}
	s.mu.Unlock()

	timer := time.NewTimer(s.maxWait)
	defer timer.Stop()
	var err error
	select {
	case <-w.ready:
		return &ticket{s: s, e: e}, 0, nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C:
		err = errMustSnooze
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if w.granted { // granted as the wait ended: give the slot back
		s.finish(e)
		s.dispatch()
		return nil, minSnooze, err
	}
	for i, x := range e.waiters {
		if x == w {
			e.waiters = append(e.waiters[:i], e.waiters[i+1:]...)
			break
		}
	}
	s.addWaiting(e, -1)
	return nil, e.snoozeFor(s.now(), s.ceiling), err
}

// release frees the slot and teaches the endpoint's limit the outcome of
// the attempt made with it (nil when none was: a cancelled delivery).
func (t *ticket) release(o *attemptOutcome) {
	s := t.s
	s.mu.Lock()
	defer s.mu.Unlock()
	e := t.e
	if o != nil {
		before := e.limit.allowed()
		e.limit.observe(*o, s.ceiling, s.now())
		if after := e.limit.allowed(); after != before {
			s.onLimit(e.id, after)
		}
		if e.latency == 0 {
			e.latency = o.Duration
		} else {
			e.latency += (o.Duration - e.latency) / 8
		}
	}
	s.finish(e)
	s.dispatch()
}

func (s *scheduler) endpoint(id int64, tenant string, now time.Time) *endpoint {
	e := s.endpoints[id]
	if e == nil {
		t := s.tenants[tenant]
		if t == nil {
			t = &tenantLoad{name: tenant}
			s.tenants[tenant] = t
		}
		e = &endpoint{id: id, tenant: t, limit: newConcurrencyLimit()}
		s.endpoints[id] = e
		s.onLimit(id, e.limit.allowed())
	}
	e.lastUsed = now
	return e
}

// canStart reports whether e may send one more now.
func (s *scheduler) canStart(e *endpoint) bool {
	return s.sending < s.workers && e.sending < e.limit.allowed() && e.tenant.sending < s.tenantShare(e.tenant)
}

// tenantShare is how many sends tenant t may have in flight: the configured
// cap, or else a max-min fair share of the workers — each active tenant is
// guaranteed workers/active, and what others do not need (their demand is
// what they have sending and waiting) is t's too. A tenant alone may use
// every worker.
func (s *scheduler) tenantShare(t *tenantLoad) int {
	if s.tenantCap > 0 {
		return s.tenantCap
	}
	active := max(s.active, 1)
	if t.sending+t.waiting == 0 {
		active++ // t is about to become active
	}
	fair := max(1, s.workers/active)
	reserved := 0
	for _, o := range s.tenants {
		if o != t {
			reserved += min(fair, o.sending+o.waiting)
		}
	}
	return max(fair, s.workers-reserved)
}

func (s *scheduler) start(e *endpoint) {
	if e.tenant.sending+e.tenant.waiting == 0 {
		s.active++
	}
	s.sending++
	if e.sending == 0 {
		e.busySince = s.now()
	}
	e.sending++
	e.tenant.sending++
}

func (s *scheduler) finish(e *endpoint) {
	s.sending--
	e.sending--
	e.tenant.sending--
	if e.tenant.sending+e.tenant.waiting == 0 {
		s.active--
	}
}

func (s *scheduler) addWaiting(e *endpoint, n int) {
	if n > 0 && e.tenant.sending+e.tenant.waiting == 0 {
		s.active++
	}
	s.waiting += n
	e.tenant.waiting += n
	if n < 0 && e.tenant.sending+e.tenant.waiting == 0 {
		s.active--
	}
}

// dispatch hands free slots to waiting jobs, endpoint by endpoint in turn.
func (s *scheduler) dispatch() {
	for s.sending < s.workers && len(s.ready) > 0 {
		granted := false
		for range len(s.ready) {
			if s.next >= len(s.ready) {
				s.next = 0
			}
			e := s.ready[s.next]
			if len(e.waiters) == 0 {
				s.dropReady(s.next)
				continue
			}
			if !s.canStart(e) {
				s.next++
				continue
			}
			w := e.waiters[0]
			e.waiters = e.waiters[1:]
			s.addWaiting(e, -1)
			s.start(e)
			w.granted = true
			w.ready <- struct{}{}
			granted = true
			if len(e.waiters) == 0 {
				s.dropReady(s.next)
			} else {
				s.next++
			}
			if s.sending >= s.workers {
				return
			}
		}
		if !granted {
			return
		}
	}
}

func (s *scheduler) dropReady(i int) {
	s.ready[i].inReady = false
	s.ready = append(s.ready[:i], s.ready[i+1:]...)
}

// snoozeFor is how long a job for a saturated e goes back to Postgres: a
// slot's worth of e's pace after the jobs snoozed before it, so that they
// return spread out at the rate e can take them, within maxSnooze (then
// spread over its second half).
//
// An endpoint in its first ramp (never cut, not yet slow) will have doubled
// its limit many times by the time its jobs come back, so they are spread at
// the ceiling's pace — but no sooner than its attempt in flight has been
// silent, since until it answers it may be hanging.
func (e *endpoint) snoozeFor(now time.Time, ceiling int) time.Duration {
	pace := e.pace(now)
	slots := max(e.limit.allowed(), 1)
	firstRamp := e.limit.neverCut() && pace < slowAnswer
	if firstRamp {
		slots = max(slots, ceiling)
	}
	per := max(pace/time.Duration(slots), time.Millisecond)
	if e.nextFree.Before(now) {
		e.nextFree = now
	}
	e.nextFree = e.nextFree.Add(per)
	limit := maxSnooze
	if e.stalled(now) {
		limit = maxSnoozeStalled
	}
	d := max(e.nextFree.Sub(now), minSnooze)
	if firstRamp {
		d = max(d, pace)
	}
	if d > limit {
		e.nextFree = now.Add(limit)
		d = limit/2 + rand.N(limit/2)
	}
	return d
}

// holdBack is how long a job about to be queued for webhookID should wait
// before River may fetch it: 0, unless its endpoint is stalled here (down to
// one attempt in flight, answering slowly or not at all) and already has as
// many jobs waiting as it may send. Such a job fetched now would only be
// snoozed — a fetch and a write for nothing, thousands a second when a
// tenant's hanging endpoints keep receiving — so it is queued for the slot
// a snooze would have given it.
func (s *scheduler) holdBack(webhookID int64) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.endpoints[webhookID]
	now := s.now()
	if !ok || !e.stalled(now) || len(e.waiters) < max(e.limit.allowed(), 1) {
		return 0
	}
	return e.snoozeFor(now, s.ceiling)
}

// stalled reports an endpoint down to the floor and answering slowly.
func (e *endpoint) stalled(now time.Time) bool {
	return e.limit.allowed() <= minLimit && e.pace(now) >= slowAnswer
}

// pace is how long an attempt of the endpoint takes, as far as is known:
// its average, or, while its attempts in flight have taken longer (a new
// endpoint that hangs has no finished attempt yet), that long. Without it,
// a new hanging endpoint's backlog would be snoozed for the shortest time
// again and again until its first attempt timed out.
func (e *endpoint) pace(now time.Time) time.Duration {
	if e.sending > 0 {
		return max(e.latency, now.Sub(e.busySince))
	}
	return e.latency
}

// sweep forgets endpoints idle for a while, at most once a minute.
func (s *scheduler) sweep(now time.Time) {
	if now.Sub(s.sweptAt) < time.Minute {
		return
	}
	s.sweptAt = now
	used := map[*tenantLoad]bool{}
	for id, e := range s.endpoints {
		if e.sending == 0 && len(e.waiters) == 0 && now.Sub(e.lastUsed) > forgetAfter {
			delete(s.endpoints, id)
			s.onForget(id)
			continue
		}
		used[e.tenant] = true
	}
	for name, t := range s.tenants {
		if !used[t] {
			delete(s.tenants, name)
		}
	}
}

// loads lists every endpoint this process knows, for publishing.
func (s *scheduler) loads() []store.EndpointLoad {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]store.EndpointLoad, 0, len(s.endpoints))
	for _, e := range s.endpoints {
		out = append(out, store.EndpointLoad{WebhookID: e.id, Limit: e.limit.allowed(), InFlight: e.sending, Waiting: len(e.waiters)})
	}
	return out
}

// newObservedScheduler is newScheduler reporting each endpoint's limit in
// /metrics.
func newObservedScheduler(workers, ceiling, tenantCap int, wait time.Duration) *scheduler {
	s := newScheduler(workers, ceiling, tenantCap, wait)
	s.onLimit = func(id int64, limit int) {
		metrics.WebhookConcurrency.WithLabelValues(strconv.FormatInt(id, 10)).Set(float64(limit))
	}
	s.onForget = func(id int64) { metrics.WebhookConcurrency.DeleteLabelValues(strconv.FormatInt(id, 10)) }
	return s
}
