package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// pacedRun is what an open-loop producer did: emit i was due at
// Start + i/Rate whatever became of the emits before it.
type pacedRun struct {
	Rate  int
	N     int
	Start time.Time
	// Started and Acked are each emit's request start and answer, in
	// UnixNano; OK says it was answered 202; Deliveries is the answer's
	// fan-out.
	Started    []int64
	Acked      []int64
	OK         []bool
	Deliveries []int
	Errors     errorLog
}

// due is when emit i was scheduled.
func (p *pacedRun) due(i int) time.Time {
	return p.Start.Add(time.Duration(int64(i) * int64(time.Second) / int64(p.Rate)))
}

// pace emits rate events a second for d, event i to tenant(i) with id
// id(i), open loop: a scheduler releases emit i at its due time and up to
// producers requests run at once, so a slow answer does not delay the next
// emit (unless every producer is busy, which the producer lag shows).
func pace(ctx context.Context, api *apiClient, rate int, d time.Duration, producers int, tenant, id func(int) string) *pacedRun {
	n := int(float64(rate) * d.Seconds())
	p := &pacedRun{Rate: rate, N: n, Started: make([]int64, n), Acked: make([]int64, n), OK: make([]bool, n), Deliveries: make([]int, n)}
	due := make(chan int, n) // never blocks the scheduler
	var wg sync.WaitGroup
	for range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range due {
				p.Started[i] = time.Now().UnixNano()
				status, out, err := api.emit(ctx, tenant(i), id(i), i)
				p.Acked[i] = time.Now().UnixNano()
				if err != nil {
					p.Errors.add(err)
					continue
				}
				p.OK[i] = status == http.StatusAccepted
				p.Deliveries[i] = out.Deliveries
			}
		}()
	}
	p.Start = time.Now()
	for i := 0; i < n && ctx.Err() == nil; i++ {
		if wait := time.Until(p.due(i)); wait > 0 {
			time.Sleep(wait)
		}
		due <- i
	}
	close(due)
	wg.Wait()
	return p
}

// accepted counts emits answered 202.
func (p *pacedRun) accepted() int {
	n := 0
	for _, ok := range p.OK {
		if ok {
			n++
		}
	}
	return n
}

// lag is how late each emit started against its schedule.
func (p *pacedRun) lag() []time.Duration {
	out := make([]time.Duration, 0, p.N)
	for i, s := range p.Started {
		if s != 0 {
			out = append(out, time.Duration(s-p.due(i).UnixNano()))
		}
	}
	return out
}

// answerTimes is each accepted emit's request duration.
func (p *pacedRun) answerTimes() []time.Duration {
	out := make([]time.Duration, 0, p.N)
	for i, ok := range p.OK {
		if ok {
			out = append(out, time.Duration(p.Acked[i]-p.Started[i]))
		}
	}
	return out
}

// lastStart is the latest emit start, UnixNano.
func (p *pacedRun) lastStart() int64 {
	var last int64
	for _, s := range p.Started {
		last = max(last, s)
	}
	return last
}

// pacedLatencies matches arrivals to emits: per accepted emit the time
// from its request's start to its delivery's first arrival. keep selects
// the emits measured; missing counts those measured that never arrived.
type pacedLatencies struct {
	Latencies  []time.Duration
	Delivered  int
	Missing    int
	Duplicates int
	// Unknown counts arrivals with this run's id prefix that match no accepted emit.
	Unknown   int
	LastAt    int64
	FirstAt   int64
	PerEmitOK int // accepted emits measured
}

func matchPaced(p *pacedRun, ids eventIDs, arrivals []arrival, keep func(i int) bool) pacedLatencies {
	first, dups := firstArrivals(arrivals)
	out := pacedLatencies{Duplicates: dups}
	arrived := make([]bool, p.N)
	for _, a := range first {
		i := ids.index(a.EventID)
		if i < 0 {
			continue // another phase's, on the same system
		}
		if i >= p.N || !p.OK[i] {
			out.Unknown++
			continue
		}
		if !keep(i) {
			continue
		}
		arrived[i] = true
		out.Delivered++
		out.Latencies = append(out.Latencies, time.Duration(a.At-p.Started[i]))
		out.LastAt = max(out.LastAt, a.At)
		if out.FirstAt == 0 || a.At < out.FirstAt {
			out.FirstAt = a.At
		}
	}
	for i, ok := range p.OK {
		if ok && keep(i) {
			out.PerEmitOK++
			if !arrived[i] {
				out.Missing++
			}
		}
	}
	return out
}

// addPacedRows adds what a paced run and its deliveries show, checking the
// rate and p99Target when p99Target is set; it returns the latency
// summary and whether the offered rate was sustained (every delivery made,
// at 95 % of the rate or more).
func addPacedRows(res *result, p *pacedRun, m pacedLatencies, what string, p99Target time.Duration) (latencies, bool) {
	targets := p99Target > 0
	emitErrors := p.N - p.accepted()
	res.add("events emitted (scheduled)", float64(p.N), unitCount)
	res.add("events accepted (202)", float64(p.accepted()), unitCount)
	res.add("emit errors (non-202 or transport)", float64(emitErrors), unitCount)
	res.add(what+" expected", float64(m.PerEmitOK), unitCount)
	res.add(what+" received", float64(m.Delivered), unitCount)
	res.add(what+" missing at the end", float64(m.Missing), unitCount)
	res.add("duplicate deliveries", float64(m.Duplicates), unitCount)
	errs := emitErrors + m.Missing
	res.check("errors (emit errors + missing)", float64(errs), unitCount, "0", errs == 0)

	sustained := false
	if m.Delivered > 0 {
		achieved := rate(m.Delivered, p.Start.UnixNano(), m.LastAt)
		want := 0.95 * float64(m.PerEmitOK) / p.due(p.N).Sub(p.Start).Seconds()
		sustained = errs == 0 && achieved >= want
		name := "achieved delivery rate (delivered / (last arrival − first emit))"
		if targets {
			res.check(name, achieved, unitPerSec, fmt.Sprintf("≥ %.0f/s (95 %% of offered)", want), achieved >= want)
		} else {
			res.add(name, achieved, unitPerSec)
		}
		res.add("last arrival after last emit", float64(m.LastAt-p.lastStart())/1e9, unitSeconds)
	}
	lat := summarize(m.Latencies)
	res.add("latency p50 (emit start → receiver)", ms(lat.P50), unitMS)
	res.add("latency p95", ms(lat.P95), unitMS)
	if targets {
		res.check("latency p99", ms(lat.P99), unitMS, fmt.Sprintf("≤ %.0f ms", ms(p99Target)), lat.N > 0 && lat.P99 <= p99Target)
	} else {
		res.add("latency p99", ms(lat.P99), unitMS)
	}
	res.add("latency max", ms(lat.Max), unitMS)

	answer := summarize(p.answerTimes())
	res.text("emit answer time p50 / p99 (202)", msPair(answer.P50, answer.P99))
	lag := summarize(p.lag())
	res.text("producer lag p99 / max (start vs schedule)", msPair(lag.P99, lag.Max))
	if m.Unknown > 0 {
		res.notef("%d arrivals matched no accepted emit of this run", m.Unknown)
	}
	for _, e := range p.Errors.samples {
		res.notef("emit error: %s", e)
	}
	return lat, sustained
}
