package main

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// auditRules is what a scenario allows.
type auditRules struct {
	// expectFailures: deliveries may end failed (receiver chaos).
	expectFailures bool
	// allowDup says whether a repeated request for k is one the scenario's
	// fault excuses (an attempt in flight when a process was killed).
	allowDup func(k attemptKey, hits []hit) bool
	// outcome, when set, is the status ("succeeded"/"failed") and attempt
	// count the receiver's schedule of answers implies for a delivery;
	// late(n) says attempt n's 2xx came too late for hookd (a failure).
	outcome func(d *dbDelivery, late func(n int) bool) (string, int)
}

// audit compares what was accepted, what hookd recorded and what the
// receiver saw.
type audit struct {
	Accepted   int // ids that got a 202
	Stored     int // of those, events in the database
	Unacked    int // events stored whose 202 the producer never saw
	Webhooks   int
	Expected   int // accepted × webhooks
	Delivered  int // deliveries succeeded
	Failed     int // deliveries failed
	Cancelled  int
	Pending    int // deliveries not final at the end (every one, acked or not)
	Lost       int // expected deliveries missing, not final, or succeeded without a 2xx seen
	LostEvents int // accepted ids with any lost delivery
	ReceivedOK int // deliveries the receiver answered 2xx at least once
	Requests   int // requests the receiver saw

	Duplicated    int // deliveries with a repeated (delivery, attempt) or a second 2xx
	DupAllowed    int
	DupUnexpected int
	DupRequests   int // requests beyond the first of their (delivery, attempt)

	Recorded        int // attempts recorded
	RecordedTwice   int // (delivery, attempt) recorded more than once
	RecordedNotSeen int // attempts recorded the receiver never saw
	SeenNotRecorded int // (delivery, attempt) the receiver saw, never recorded
	OutcomeMismatch int // recorded success differs from the receiver's answer
	// LateAnswers are attempts hookd timed out (after its full timeout)
	// whose planned 2xx came too close to hookd's deadline for the lag the
	// machine showed at that moment (see lateTolerance): honest failures,
	// and a retry of them may repeat a 2xx.
	LateAnswers int
	// MaxTolerance is the widest lag a late answer was allowed.
	MaxTolerance time.Duration
	// LagP50, LagP99 and LagMax spread the overhead of successful attempts
	// (hookd's duration minus the receiver's time answering).
	LagP50, LagP99, LagMax time.Duration
	HeaderMismatch         int // Hookd-Event-Id differs from the delivery's event
	ScheduleMiss           int // final status or attempt count not what the schedule implies

	// late holds the attempts counted in LateAnswers.
	late     map[attemptKey]bool
	examples map[string][]string
}

// example keeps up to five examples per kind of problem.
func (a *audit) example(kind, format string, args ...any) {
	if a.examples == nil {
		a.examples = map[string][]string{}
	}
	if len(a.examples[kind]) < 5 {
		a.examples[kind] = append(a.examples[kind], fmt.Sprintf(format, args...))
	}
}

// examplesOf returns the examples kept for kind, joined.
func (a *audit) examplesOf(kind string) string {
	return strings.Join(a.examples[kind], "; ")
}

// lateMargin: a 2xx written this close to hookd's deadline (the attempt's
// start + the delivery timeout) may have reached it in time or not, on an
// idle machine. A busy one (the suite shares its cores) widens it: see
// lateTolerance.
const lateMargin = 250 * time.Millisecond

// lagWindow: attempts started this close together share the machine's lag.
const lagWindow = time.Second

// lagSample is one successful attempt's overhead: how much longer hookd
// took over it than the receiver spent answering it — connecting, sending,
// reading, and waiting for a CPU on either side.
type lagSample struct {
	at  time.Time
	lag time.Duration
}

// lateTolerance returns how close to its deadline an answer planned at
// start may have come and still missed it for the machine's sake: the
// largest overhead of the successful attempts started within lagWindow of
// it, and at least lateMargin. Without a neighbour that slow, a timeout on
// a timely answer stays hookd's fault.
func lateTolerance(samples []lagSample, start time.Time) time.Duration {
	tol := lateMargin
	i := sort.Search(len(samples), func(i int) bool { return !samples[i].at.Before(start.Add(-lagWindow)) })
	for ; i < len(samples) && !samples[i].at.After(start.Add(lagWindow)); i++ {
		tol = max(tol, samples[i].lag)
	}
	return min(tol, deliveryTimeout)
}

// lagSamples collects the overhead of every attempt recorded successful
// and answered 2xx, by start time.
func lagSamples(l *ledger, byKey map[attemptKey][]hit) []lagSample {
	var out []lagSample
	for k, as := range l.attempts {
		hs := byKey[k]
		if len(hs) == 0 || !as[len(as)-1].Success || !hs[len(hs)-1].ok() {
			continue
		}
		rec, h := as[len(as)-1], hs[len(hs)-1]
		out = append(out, lagSample{at: rec.StartedAt, lag: rec.Duration - h.Answered.Sub(h.Arrived)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out
}

// lateAnswer reports whether hookd's recorded timeout of an attempt the
// receiver planned to answer 2xx is explained by time: hookd waited its
// whole timeout, and the planned answer (written, or cut off when hookd
// hung up) fell within tol of hookd's deadline or after it.
func lateAnswer(h hit, rec *dbAttempt, tol time.Duration) bool {
	if rec.Success || !h.Plan.succeeds() || rec.Duration < deliveryTimeout {
		return false
	}
	planned := h.Arrived.Add(h.Delay)
	if h.ok() {
		planned = h.Answered
	}
	return planned.After(rec.StartedAt.Add(deliveryTimeout - tol))
}

// runAudit audits accepted ids against the ledger and the receiver's hits.
func runAudit(accepted map[string]time.Time, webhooks int, l *ledger, hits []hit, rules auditRules) *audit {
	a := &audit{Accepted: len(accepted), Webhooks: webhooks, Expected: len(accepted) * webhooks, Requests: len(hits)}

	byKey := map[attemptKey][]hit{}
	byDelivery := map[int64][]hit{}
	for _, h := range hits {
		k := attemptKey{h.DeliveryID, h.Attempt}
		byKey[k] = append(byKey[k], h)
		byDelivery[h.DeliveryID] = append(byDelivery[h.DeliveryID], h)
		if d, ok := l.deliveries[h.DeliveryID]; ok && d.EventID != h.EventID {
			a.HeaderMismatch++
			a.example("header", "delivery %d: Hookd-Event-Id %q, event %q", d.ID, h.EventID, d.EventID)
		}
	}

	// Deliveries of every event, acked or not.
	for _, d := range l.deliveries {
		switch d.Status {
		case "succeeded":
			a.Delivered++
		case "failed":
			a.Failed++
		case "cancelled":
			a.Cancelled++
		default:
			a.Pending++
		}
		if okCount(byDelivery[d.ID]) > 0 {
			a.ReceivedOK++
		}
	}
	for id := range l.events {
		if _, ok := accepted[id]; !ok {
			a.Unacked++
		}
	}

	// Lost: what a 202 promised and is not done.
	ids := make([]string, 0, len(accepted))
	for id := range accepted {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if !l.events[id] {
			a.Lost += webhooks
			a.LostEvents++
			a.example("lost", "event %s: accepted but not stored", id)
			continue
		}
		a.Stored++
		lost := 0
		ds := l.byEvent[id]
		if len(ds) < webhooks {
			lost += webhooks - len(ds)
			a.example("lost", "event %s: %d deliveries, want %d", id, len(ds), webhooks)
		}
		for _, d := range ds {
			switch {
			case d.Status == "pending":
				lost++
				a.example("lost", "delivery %d (event %s): still pending after %d attempts", d.ID, id, d.Attempts)
			case d.Status == "cancelled":
				lost++
				a.example("lost", "delivery %d (event %s): cancelled", d.ID, id)
			case d.Status == "succeeded" && okCount(byDelivery[d.ID]) == 0:
				lost++
				a.example("lost", "delivery %d (event %s): succeeded, but the receiver never answered it 2xx", d.ID, id)
			case d.Status == "failed" && !rules.expectFailures:
				lost++
				a.example("lost", "delivery %d (event %s): failed after %d attempts", d.ID, id, d.Attempts)
			}
		}
		if lost > 0 {
			a.Lost += lost
			a.LostEvents++
		}
	}

	// One for one: recorded attempts and requests seen.
	late := map[attemptKey]bool{}
	a.late = late
	samples := lagSamples(l, byKey)
	if n := len(samples); n > 0 {
		lags := make([]time.Duration, n)
		for i, sm := range samples {
			lags[i] = sm.lag
		}
		sort.Slice(lags, func(i, j int) bool { return lags[i] < lags[j] })
		a.LagP50, a.LagP99, a.LagMax = lags[n/2], lags[n*99/100], lags[n-1]
	}
	for k, as := range l.attempts {
		a.Recorded += len(as)
		if len(as) > 1 {
			a.RecordedTwice++
			a.example("record", "%s recorded %d times", k, len(as))
		}
		hs := byKey[k]
		if len(hs) == 0 {
			a.RecordedNotSeen++
			a.example("record", "%s recorded (success=%v) but never seen", k, as[0].Success)
			continue
		}
		last := hs[len(hs)-1]
		rec := as[len(as)-1]
		if tol := lateTolerance(samples, rec.StartedAt); lateAnswer(last, rec, tol) {
			a.LateAnswers++
			a.MaxTolerance = max(a.MaxTolerance, tol)
			late[k] = true
			a.example("late", "%s started %s: arrived +%s, planned answer +%s, hookd gave up after %s (%s; allowed lag %s)",
				k, rec.StartedAt.Format("15:04:05.000"), ms(last.Arrived.Sub(rec.StartedAt)), ms(last.Arrived.Add(last.Delay).Sub(rec.StartedAt)),
				ms(rec.Duration), errText(rec), ms(tol))
			continue
		}
		if rec.Success != last.ok() {
			a.OutcomeMismatch++
			a.example("outcome", "%s: recorded success=%v, receiver answered %d (%s)", k, rec.Success, last.Status, last.Plan)
		}
	}
	for k := range byKey {
		if len(l.attempts[k]) == 0 {
			a.SeenNotRecorded++
			a.example("record", "%s seen but never recorded", k)
		}
	}

	// Duplicates.
	for id, hs := range byDelivery {
		dup, allowed := false, true
		okKeys := map[int]bool{}
		for _, h := range hs {
			if h.ok() && !late[attemptKey{id, h.Attempt}] {
				okKeys[h.Attempt] = true
			}
		}
		for _, n := range sortedKeys(hs) {
			k := attemptKey{id, n}
			if len(byKey[k]) < 2 {
				continue
			}
			dup = true
			a.DupRequests += len(byKey[k]) - 1
			if rules.allowDup == nil || !rules.allowDup(k, byKey[k]) {
				allowed = false
				a.example("dup", "%s seen %d times (first at %s)", k, len(byKey[k]), byKey[k][0].Arrived.Format("15:04:05.000"))
			}
		}
		if len(okKeys) > 1 {
			dup, allowed = true, false
			a.example("dup", "delivery %d: 2xx answered for %d different attempts", id, len(okKeys))
		}
		if dup {
			a.Duplicated++
			if allowed {
				a.DupAllowed++
			} else {
				a.DupUnexpected++
			}
		}
	}

	// The schedule's verdict for each delivery.
	if rules.outcome != nil {
		for _, d := range l.deliveries {
			status, attempts := rules.outcome(d, func(n int) bool { return late[attemptKey{d.ID, n}] })
			if d.Status != status || d.Attempts != attempts {
				a.ScheduleMiss++
				a.example("schedule", "delivery %d: %s after %d attempts, the schedule says %s after %d", d.ID, d.Status, d.Attempts, status, attempts)
			}
		}
	}
	return a
}

// errText is an attempt's recorded error, "" if none.
func errText(a *dbAttempt) string {
	if a.Error == nil {
		return ""
	}
	return *a.Error
}

// okCount counts 2xx answers.
func okCount(hs []hit) int {
	n := 0
	for _, h := range hs {
		if h.ok() {
			n++
		}
	}
	return n
}

// sortedKeys returns the attempt numbers in hs, ascending, once each.
func sortedKeys(hs []hit) []int {
	seen := map[int]bool{}
	var out []int
	for _, h := range hs {
		if !seen[h.Attempt] {
			seen[h.Attempt] = true
			out = append(out, h.Attempt)
		}
	}
	sort.Ints(out)
	return out
}
