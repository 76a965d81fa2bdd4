package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// ordered: ordered delivery to one webhook. First keys × perKey events
// (100 × 100 by default): every key's events must arrive in their
// sequence, counted by matching each arrival's event with the sequence its
// emit answer gave it. Then the same number of events with one key each
// (10,000 keys × 1), beside the same events without a key: ordering that
// is never contended must cost next to nothing.
func (r *runner) ordered(ctx context.Context) []*result {
	keys, perKey := 100, 100
	if r.cfg.Quick {
		keys, perKey = 20, 20
	}
	n := keys * perKey
	chains := r.orderedRun(ctx, "ordered-chains", fmt.Sprintf("ordered: %d keys × %d events to one webhook", keys, perKey),
		n, func(i int) string { return "post:" + strconv.Itoa(i%keys) })
	if chains.rate > 0 {
		chains.res.check("delivery rate", chains.rate, unitPerSec, "≥ 1,500/s", chains.rate >= 1500)
	}
	plain := r.orderedRun(ctx, "ordered-none", fmt.Sprintf("unordered: %d events to one webhook (baseline)", n), n,
		func(int) string { return "" })
	single := r.orderedRun(ctx, "ordered-single", fmt.Sprintf("ordered: %d keys × 1 event to one webhook", n), n,
		func(i int) string { return "member:" + strconv.Itoa(i) })
	if plain.rate > 0 && single.rate > 0 {
		ratio := single.rate / plain.rate
		single.res.check(fmt.Sprintf("rate / unordered rate (%.0f/s)", plain.rate), ratio, unitRatio, "≥ 0.85×", ratio >= 0.85)
	}
	return []*result{chains.res, plain.res, single.res}
}

type orderedOutcome struct {
	res  *result
	rate float64
}

// orderedRun emits n events to one fresh webhook through the batch API,
// event i with key(i) ("" for none), and measures the drain and the order
// at the receiver.
func (r *runner) orderedRun(ctx context.Context, name, title string, n int, key func(int) string) orderedOutcome {
	res := &result{Scenario: "ordered", Label: name, Title: title}
	out := orderedOutcome{res: res}
	s, err := r.startSystem(ctx, name)
	if err != nil {
		failed(res, err)
		return out
	}
	defer r.closeSystem(s, res)
	tenants, _, err := r.spreadWebhooks(ctx, s, 1, nil)
	if err != nil {
		failed(res, err)
		return out
	}
	m, err := r.begin(ctx, s, false)
	if err != nil {
		failed(res, err)
		return out
	}
	ids := r.eventIDs(name)
	var (
		mu       sync.Mutex
		seqs     = make(map[string]int64, n) // event id → its sequence
		accepted int
		errs     errorLog
	)
	batches := (n + burstBatch - 1) / burstBatch
	start := time.Now()
	_ = forEach(ctx, batches, burstConcurrency, func(ctx context.Context, b int) error {
		from, to := b*burstBatch, min((b+1)*burstBatch, n)
		got, err := emitOrdered(ctx, s.api, from, to, tenants[0], ids.id, key)
		if err != nil {
			errs.add(err)
			return nil
		}
		mu.Lock()
		accepted += to - from
		for _, e := range got {
			if e.OrderingSeq != nil {
				seqs[e.ID] = *e.OrderingSeq
			}
		}
		mu.Unlock()
		return nil
	})
	count, waitErr := s.rcv.waitFor(ctx, r.cfg.StallTimeout, s.hookdDone(), func(c receiverCount) bool { return c.Unique >= accepted })
	arrivals, err := s.rcv.results(ctx)
	if err != nil {
		failed(res, err)
		return out
	}
	slices.SortFunc(arrivals, func(a, b arrival) int { return int(a.At - b.At) })
	violations, last, delivered := 0, int64(0), map[string]bool{}
	lastSeq := map[string]int64{}
	for _, a := range arrivals {
		i := ids.index(a.EventID)
		if i < 0 {
			continue
		}
		delivered[a.EventID] = true
		last = max(last, a.At)
		k := key(i)
		if k == "" {
			continue
		}
		seq := seqs[a.EventID]
		if seq < lastSeq[k] {
			violations++ // a later event of the key arrived before this one
		}
		lastSeq[k] = max(lastSeq[k], seq)
	}
	res.add("events accepted (202)", float64(accepted), unitCount)
	res.add("deliveries received", float64(len(delivered)), unitCount)
	if len(delivered) > 0 {
		took := float64(last-start.UnixNano()) / 1e9
		out.rate = float64(len(delivered)) / took
		res.add("time from first batch sent to last delivery", took, unitSeconds)
		res.add("delivery rate", out.rate, unitPerSec)
	}
	res.check("order violations at the receiver", float64(violations), unitCount, "0", violations == 0)
	for _, e := range errs.samples {
		res.notef("batch error: %s", e)
	}
	r.end(ctx, s, m, res, counted{Accepted: accepted, Receiver: count})
	if waitErr != nil {
		res.Error = "waiting for deliveries: " + waitErr.Error()
	}
	return out
}

// orderedEmitted is one event of the batch API's answer.
type orderedEmitted struct {
	ID          string `json:"id"`
	OrderingSeq *int64 `json:"ordering_seq"`
}

// emitOrdered posts events from..to as one batch, each with its key.
func emitOrdered(ctx context.Context, c *apiClient, from, to int, tenant string, id, key func(int) string) ([]orderedEmitted, error) {
	buf := make([]byte, 0, (to-from)*128+16)
	buf = append(buf, `{"events":[`...)
	for i := from; i < to; i++ {
		if i > from {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"type":"`+eventType+`","tenant":"`...)
		buf = append(buf, tenant...)
		buf = append(buf, `","id":"`...)
		buf = append(buf, id(i)...)
		if k := key(i); k != "" {
			buf = append(buf, `","ordering_key":"`...)
			buf = append(buf, k...)
		}
		buf = append(buf, `","data":{"n":`...)
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, `}}`...)
	}
	buf = append(buf, "]}"...)
	var out struct {
		Events []orderedEmitted `json:"events"`
	}
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodPost, "/v2/events/batch", buf, http.StatusAccepted, &raw); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	return out.Events, nil
}
