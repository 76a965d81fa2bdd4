package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// stage is one scenario's world: a fresh database, a receiver, the hookd
// processes, the webhooks and a producer.
type stage struct {
	lab  *lab
	name string
	url  string
	db   *pgxpool.Pool
	rcv  *receiver
	api  *apiClient
	res  *result

	mu       sync.Mutex
	procs    []*proc // every process ever started
	live     []*proc // those meant to run now
	counts   map[string]int
	webhooks []webhook
	prod     *producer
}

// newStage creates the scenario's database and receiver.
func newStage(ctx context.Context, l *lab, name string, p planner) (*stage, error) {
	s := &stage{lab: l, name: name, counts: map[string]int{}, res: &result{Scenario: name, Scale: l.scale.Name},
		api: newAPIClient(l.admin, requestTimeout+5*time.Second)}
	var err error
	if s.url, err = l.pg.CreateDatabase(ctx, "chaos_"+name); err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(s.url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 4
	cfg.ConnConfig.ConnectTimeout = 3 * time.Second
	cfg.ConnConfig.RuntimeParams["application_name"] = suiteAppName
	if s.db, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, err
	}
	if s.rcv, err = newReceiver(p); err != nil {
		return nil, err
	}
	return s, nil
}

// close kills what still runs.
func (s *stage) close() {
	s.mu.Lock()
	procs := append([]*proc(nil), s.procs...)
	s.mu.Unlock()
	for _, p := range procs {
		if p.alive() {
			p.kill()
			p.wait(10 * time.Second)
		}
	}
	if s.prod != nil {
		s.prod.stop(0)
	}
	if s.rcv != nil {
		s.rcv.close()
	}
	if s.db != nil {
		s.db.Close()
	}
}

// start starts a hookd process of kind (serve or worker).
func (s *stage) start(ctx context.Context, kind string) (*proc, error) {
	s.mu.Lock()
	s.counts[kind]++
	name := fmt.Sprintf("%s-%s-%d", s.name, kind, s.counts[kind])
	s.mu.Unlock()
	p, err := startProc(ctx, s.lab.bin, kind, name, s.lab.dir+"/logs", s.lab.env(s.url))
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.procs = append(s.procs, p)
	s.live = append(s.live, p)
	s.res.Logs = append(s.res.Logs, p.stderr)
	s.mu.Unlock()
	return p, nil
}

// retire marks p as no longer meant to run (it is being stopped).
func (s *stage) retire(p *proc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, q := range s.live {
		if q == p {
			s.live = append(s.live[:i], s.live[i+1:]...)
			return
		}
	}
}

// liveProcs returns the processes meant to run now.
func (s *stage) liveProcs() []*proc {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*proc(nil), s.live...)
}

// apiAddrs returns the API addresses of the serve processes meant to run.
func (s *stage) apiAddrs() []string {
	var out []string
	for _, p := range s.liveProcs() {
		if p.kind == "serve" && p.alive() {
			out = append(out, p.addr)
		}
	}
	return out
}

// setup starts the processes and creates one webhook per retry count.
func (s *stage) setup(ctx context.Context, kinds []string, retryCounts []int) error {
	// The first serve migrates; the rest start after it.
	for _, k := range kinds {
		if _, err := s.start(ctx, k); err != nil {
			return err
		}
	}
	addrs := s.apiAddrs()
	if len(addrs) == 0 {
		return fmt.Errorf("no hookd serve process")
	}
	for i, rc := range retryCounts {
		w, err := s.api.createWebhook(ctx, addrs[0], s.rcv.url, i, rc)
		if err != nil {
			return err
		}
		s.webhooks = append(s.webhooks, w)
	}
	s.prod = newProducer("chaos-"+s.name, s.api, s.apiAddrs, len(retryCounts))
	return nil
}

// retryCountOf returns the retry_count of webhook id.
func (s *stage) retryCountOf(id int64) int {
	for _, w := range s.webhooks {
		if w.ID == id {
			return w.RetryCount
		}
	}
	return -1
}

// waitFor polls until cond holds or d passes.
func waitFor(ctx context.Context, d, every time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) || !wait(ctx, every) {
			return false
		}
	}
}

// waitQuiet waits until no delivery is pending and no delivery job is
// live, up to timeout; it returns when it became quiet and the last
// backlog seen.
func (s *stage) waitQuiet(ctx context.Context, timeout time.Duration) (time.Time, backlog, bool) {
	var last backlog
	deadline := time.Now().Add(timeout)
	for {
		b, err := readBacklog(ctx, s.db)
		if err == nil {
			last = b
			if b.empty() {
				return time.Now(), b, true
			}
		}
		if time.Now().After(deadline) || !wait(ctx, 250*time.Millisecond) {
			return time.Time{}, last, false
		}
	}
}

// finish waits for quiet, audits and adds the checks every scenario makes.
// It returns the audit and the ledger.
func (s *stage) finish(ctx context.Context, timeout time.Duration, rules auditRules) (*audit, *ledger, error) {
	r := s.res
	start := time.Now()
	quietAt, last, quiet := s.waitQuiet(ctx, timeout)
	if quiet {
		r.measure("drained after load", "%s", ms(quietAt.Sub(start)))
	}
	r.check("every delivery reached a final state", quiet, "backlog at the end: %d pending deliveries, %d live jobs (waited up to %s)",
		last.Pending, last.Jobs, timeout)
	if !quiet {
		if detail, err := stuckDetail(ctx, s.db, 10); err == nil && len(detail) > 0 {
			r.check("stuck deliveries", false, "%s", strings.Join(detail, "; "))
		}
	}
	// Anything still on the wire lands now; nothing may arrive after.
	before := s.rcv.count()
	wait(ctx, 1500*time.Millisecond)
	late := s.rcv.count() - before
	r.check("no requests after quiet", late == 0, "%d requests arrived after every delivery was final", late)

	l, err := loadLedger(ctx, s.db)
	if err != nil {
		return nil, nil, err
	}
	a := runAudit(s.prod.acceptedIDs(), len(s.webhooks), l, s.rcv.snapshot(), rules)
	r.Audit = a
	r.check("lost = 0", a.Lost == 0, "%d deliveries (%d events) lost: %s", a.Lost, a.LostEvents, a.examplesOf("lost"))
	r.check("no delivery cancelled", a.Cancelled == 0, "%d cancelled", a.Cancelled)
	if !rules.expectFailures {
		r.check("no delivery failed", a.Failed == 0, "%d failed", a.Failed)
	}
	r.check("no unexpected duplicates", a.DupUnexpected == 0, "%d %s", a.DupUnexpected, a.examplesOf("dup"))
	r.check("attempts recorded = requests seen, one for one", a.RecordedNotSeen == 0 && a.SeenNotRecorded == 0 && a.RecordedTwice == 0,
		"%d recorded never seen, %d seen never recorded, %d recorded twice %s", a.RecordedNotSeen, a.SeenNotRecorded, a.RecordedTwice, a.examplesOf("record"))
	if a.LateAnswers > 0 {
		r.measure("late answers, e.g.", "%s", a.examplesOf("late"))
	}
	r.check("recorded outcomes match the receiver's answers", a.OutcomeMismatch == 0, "%d %s", a.OutcomeMismatch, a.examplesOf("outcome"))
	r.check("Hookd-Event-Id matches the delivery's event", a.HeaderMismatch == 0, "%d %s", a.HeaderMismatch, a.examplesOf("header"))
	if bad := s.rcv.malformed(); len(bad) > 0 {
		r.check("every request carried Hookd-Delivery-Id and Hookd-Attempt", false, "%d: %s", len(bad), bad[0])
	}

	st := s.prod.statsNow()
	r.measure("producer requests", "%d (202: %d, replayed: %d, 503: %d, transport errors: %d)",
		st.Requests, st.Accepted202, st.Replayed, st.Unavailable, st.TransportErrs)
	r.check("the API answered only 202 or 503 (with Retry-After, in the error format)", st.Unexpected == 0 && st.Bad503 == 0,
		"%d other answers, %d malformed 503s %s", st.Unexpected, st.Bad503, strings.Join(st.Examples, "; "))
	r.check("every 202 reported one delivery per webhook", st.WrongFanout == 0, "%d wrong", st.WrongFanout)
	s.checkProcesses()
	return a, l, nil
}

// checkProcesses checks that no hookd process died by itself or panicked.
func (s *stage) checkProcesses() {
	s.mu.Lock()
	procs := append([]*proc(nil), s.procs...)
	s.mu.Unlock()
	var crashed, panics []string
	for _, p := range procs {
		if yes, err := p.crashed(); yes {
			crashed = append(crashed, fmt.Sprintf("%s (%v; stderr %s: %s)", p.name, err, p.stderr, tailFile(p.stderr, 3)))
		}
		if lines := p.panicLines(); len(lines) > 0 {
			panics = append(panics, fmt.Sprintf("%s: %s (stderr %s)", p.name, lines[0], p.stderr))
		}
	}
	s.res.check("no hookd process exited by itself", len(crashed) == 0, "%s", strings.Join(crashed, "; "))
	s.res.check("no panic in hookd's logs", len(panics) == 0, "%s", strings.Join(panics, "; "))
}
