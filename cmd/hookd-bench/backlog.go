package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// backlogChunk is how many deliveries one fill transaction queues.
const backlogChunk = 50_000

// backlog: N deliveries already queued when hookd starts; how fast it
// drains them, against the burst scenario's rate (does a big queue slow
// hookd down?).
//
// The queue is filled with SQL, bypassing the API on purpose: a million API
// calls would take longer than the measurement, and hookd must not deliver
// while the queue fills. So hookd starts once (migrating the database) to
// create the webhooks through the API, is stopped, the events, deliveries
// and River jobs are inserted exactly as an emit writes them (see
// delivery.Dispatcher.EmitTx and delivery.DeliverArgs), and hookd is
// started again and timed.
func (r *runner) backlog(ctx context.Context) *result {
	n := r.cfg.Backlog
	res := &result{Scenario: "backlog", Label: fmt.Sprintf("backlog %d", n), Title: fmt.Sprintf("backlog of %d queued deliveries (over %d webhooks)", n, r.cfg.Webhooks)}
	if r.cfg.HookdURL != "" {
		res.Skipped = "it stops and starts hookd around a direct database fill; run without -hookd"
		return res
	}
	s, err := r.startSystem(ctx, "backlog")
	if err != nil {
		return failed(res, err)
	}
	defer r.closeSystem(s, res)
	tenants, webhookIDs, err := r.spreadWebhooks(ctx, s, r.cfg.Webhooks, nil)
	if err != nil {
		return failed(res, err)
	}
	r.stopHookd(s, nil)
	s.hookd.Store(nil)

	ids := r.eventIDs("backlog")
	fillStart := time.Now()
	if err := fillBacklog(ctx, s.dbURL, ids.prefix, n, tenants, webhookIDs); err != nil {
		return failed(res, err)
	}
	res.notef("queue filled with SQL in %s (events, deliveries and river_job rows, then VACUUM ANALYZE), bypassing the API on purpose",
		time.Since(fillStart).Round(time.Second))

	m, err := r.begin(ctx, s, true)
	if err != nil {
		return failed(res, err)
	}
	if err := r.startHookd(ctx, s); err != nil {
		m.sampler.stop()
		return failed(res, err)
	}
	p := s.hookd.Load()
	res.add("hookd start to serving", time.Since(p.Started).Seconds(), unitSeconds)

	queue := watchQueue(ctx, s.api, p.Started, r.cfg.QueueSample)
	count, waitErr := s.rcv.waitFor(ctx, r.cfg.StallTimeout, s.hookdDone(), func(c receiverCount) bool { return c.Unique >= n })
	// hookd reads the depth at most once a second: one more sample after the
	// drain shows where it ended.
	time.Sleep(max(r.cfg.QueueSample, 1100*time.Millisecond))
	samples := queue.stop()
	arrivals, err := s.rcv.results(ctx)
	if err != nil {
		return failed(res, err)
	}

	first, dups := firstArrivals(arrivals)
	times := make([]int64, 0, len(first))
	unknown := 0
	for _, a := range first {
		if i := ids.index(a.EventID); i < 0 || i >= n {
			unknown++
			continue
		}
		times = append(times, a.At)
	}
	slices.Sort(times)
	delivered := len(times)
	res.add("deliveries queued", float64(n), unitCount)
	res.add("deliveries received", float64(delivered), unitCount)
	res.add("duplicate deliveries", float64(dups), unitCount)
	missing := n - delivered
	res.check("missing deliveries", float64(missing), unitCount, "0", missing == 0)
	if delivered > 1 {
		drain := rate(delivered-1, times[0], times[delivered-1])
		res.add("drain time (first → last arrival)", float64(times[delivered-1]-times[0])/1e9, unitSeconds)
		res.add("drain rate (first → last arrival)", drain, unitPerSec)
		res.add("drain rate from hookd's start", rate(delivered, p.Started.UnixNano(), times[delivered-1]), unitPerSec)
		if tenth := delivered / 10; tenth > 1 {
			res.add("rate over the first 10 % delivered", rate(tenth-1, times[0], times[tenth-1]), unitPerSec)
			res.add("rate over the last 10 % delivered", rate(tenth-1, times[delivered-tenth], times[delivered-1]), unitPerSec)
		}
		if r.burstRate > 0 {
			ratio := drain / r.burstRate
			res.check(fmt.Sprintf("drain rate / burst rate (%.0f/s)", r.burstRate), ratio*100, unitPercent, "≥ 80 %", ratio >= 0.8)
		} else {
			res.text("drain rate / burst rate", "n/a (no burst in this run)")
		}
	}
	addQueueRows(res, samples)
	if unknown > 0 {
		res.notef("%d arrivals matched no queued delivery", unknown)
	}
	r.end(ctx, s, m, res, counted{Receiver: count})
	if waitErr != nil {
		res.Error = "waiting for deliveries: " + waitErr.Error()
	}
	return res
}

// fillBacklog inserts n events, one delivery each (event g to webhook
// g%W, in its tenant) and one available River job per delivery, in
// transactions of backlogChunk.
func fillBacklog(ctx context.Context, dsn, prefix string, n int, tenants []string, webhookIDs []int64) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// The envelope delivery.BuildBody writes: {"id","type","created","version","data"}.
	created := time.Now().UTC().Truncate(time.Millisecond)
	const events = `INSERT INTO events (id, tenant, type, body, created_at)
		SELECT $1::text || g, ($2::text[])[(g % $3::int) + 1], '` + eventType + `',
			convert_to('{"id":"' || $1::text || g || '","type":"` + eventType + `","created":"' || $4::text ||
				'","version":"1","data":{"n":' || g || '}}', 'UTF8'),
			$5::timestamptz
		FROM generate_series($6::int, $7::int) g`
	// A delivery and its job, as delivery.DeliverArgs and its InsertOpts
	// make them: queue deliveries, kind hookd_deliver, max_attempts 25.
	const deliveries = `WITH d AS (
			INSERT INTO deliveries (event_id, webhook_id, tenant, event_type, next_attempt_at)
			SELECT $1::text || g, ($2::bigint[])[(g % $3::int) + 1], ($4::text[])[(g % $3::int) + 1], '` + eventType + `', now()
			FROM generate_series($5::int, $6::int) g
			ORDER BY g
			RETURNING id, webhook_id)
		INSERT INTO river_job (state, attempt, max_attempts, scheduled_at, priority, args, kind, queue, metadata, tags)
		SELECT 'available', 0, 25, now(), 1,
			jsonb_build_object('delivery_id', id, 'webhook_id', webhook_id, 'cycle', 1),
			'hookd_deliver', 'deliveries', '{}', '{}'
		FROM d ORDER BY id`
	w := len(tenants)
	for lo := 0; lo < n; lo += backlogChunk {
		hi := min(lo+backlogChunk, n) - 1
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, events, prefix, tenants, w, created.Format("2006-01-02T15:04:05.000Z"), created, lo, hi); err != nil {
				return fmt.Errorf("error inserting events: %w", err)
			}
			if _, err := tx.Exec(ctx, deliveries, prefix, webhookIDs, w, tenants, lo, hi); err != nil {
				return fmt.Errorf("error inserting deliveries and jobs: %w", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bench: backlog: %d of %d deliveries queued\n", hi+1, n)
	}
	// What autovacuum would have done by the time a real backlog built up.
	for _, t := range []string{"events", "deliveries", "river_job"} {
		if _, err := conn.Exec(ctx, "VACUUM ANALYZE "+t); err != nil {
			return fmt.Errorf("error vacuuming %s: %w", t, err)
		}
	}
	return nil
}

// queueSample is one read of hookd_queue_jobs{state="available"}.
type queueSample struct {
	// At is seconds since hookd started.
	At        float64 `json:"at"`
	Available float64 `json:"available"`
	// Scrape is how long /metrics took to answer, in ms.
	Scrape float64 `json:"scrape_ms"`
}

// queueWatch samples the queue depth from /metrics until stopped.
type queueWatch struct {
	mu      sync.Mutex
	samples []queueSample
	stopc   chan struct{}
	done    chan struct{}
}

func watchQueue(ctx context.Context, api *apiClient, since time.Time, every time.Duration) *queueWatch {
	w := &queueWatch{stopc: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if snap, took, err := api.scrape(ctx); err == nil {
				if v, ok := snap[seriesQueueAvailable]; ok {
					w.mu.Lock()
					w.samples = append(w.samples, queueSample{At: time.Since(since).Seconds(), Available: v, Scrape: ms(took)})
					w.mu.Unlock()
				}
			}
			select {
			case <-w.stopc:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return w
}

func (w *queueWatch) stop() []queueSample {
	close(w.stopc)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.samples
}

// addQueueRows summarises the queue samples: the depth seen first, when
// it reached zero, and what the scrapes cost.
func addQueueRows(res *result, samples []queueSample) {
	res.Queue = samples
	if len(samples) == 0 {
		res.text("hookd_queue_jobs{available} samples", "none")
		return
	}
	res.add("hookd_queue_jobs{available}, first sample", samples[0].Available, unitCount)
	last := samples[len(samples)-1]
	empty := fmt.Sprintf("not in a sample (last: %.0f at %.0f s)", last.Available, last.At)
	for _, q := range samples {
		if q.Available == 0 {
			empty = fmt.Sprintf("%.1f s after hookd started", q.At)
			break
		}
	}
	res.text("hookd_queue_jobs{available} reached 0", empty)
	scrapes := make([]time.Duration, len(samples))
	for i, q := range samples {
		scrapes[i] = time.Duration(q.Scrape * float64(time.Millisecond))
	}
	l := summarize(scrapes)
	res.text(fmt.Sprintf("/metrics answer time p50 / max (%d scrapes)", len(samples)), msPair(l.P50, l.Max))
	// Depth at each tenth of the drain, from the samples.
	var marks []string
	step := max(len(samples)/10, 1)
	for i := 0; i < len(samples); i += step {
		marks = append(marks, fmt.Sprintf("%.0fs:%.0f", samples[i].At, samples[i].Available))
	}
	res.notef("queue depth (s since start: available): %s", strings.Join(marks, ", "))
}
