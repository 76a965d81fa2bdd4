package main

import (
	"context"
	"fmt"
	"math"
	"time"
)

// scheduleSlack absorbs clock reading differences when comparing a retry's
// arrival with the schedule.
const scheduleSlack = 20 * time.Millisecond

// runReceiverChaos: deliveries to receivers that, for a third of requests,
// answer 500, hang past the timeout, reset the connection or answer slowly.
// Every delivery must end as the schedule of answers implies, and the
// attempts hookd recorded must match the requests seen one for one.
func runReceiverChaos(ctx context.Context, l *lab) *result {
	sc := l.scale
	pl := chaosPlanner(l.seed)
	s, err := newStage(ctx, l, "receiver", pl)
	if err != nil {
		return &result{Scenario: "receiver", Scale: sc.Name, Err: err}
	}
	defer s.close()
	r := s.res
	// 3 attempts for two webhooks, 2 for the others: some deliveries fail.
	retryCounts := []int{2, 2, 1, 1}
	if err := s.setup(ctx, []string{"serve", "worker"}, retryCounts); err != nil {
		r.Err = err
		return r
	}
	events := sc.ReceiverDeliveries / len(retryCounts)
	l.progress("receiver: %d events × %d webhooks to misbehaving receivers", events, len(retryCounts))
	s.prod.start(load{Events: events, Batch: 50, Workers: 2})
	if !s.prod.wait(5 * time.Minute) {
		r.check("the producer got every event accepted", false, "%d of %d", s.prod.acceptedCount(), events)
	}
	s.prod.stop(0)

	outcome := scheduleOutcome(s, pl)
	a, led, err := s.finish(ctx, 3*time.Minute, auditRules{expectFailures: true, outcome: outcome})
	if err != nil {
		r.Err = err
		return r
	}
	r.check("every delivery ended as the schedule of answers says", a.ScheduleMiss == 0, "%d differ %s", a.ScheduleMiss, a.examplesOf("schedule"))

	// What the receiver saw, per delivery.
	byDelivery := map[int64][]hit{}
	served := map[behaviour]int{}
	for _, h := range s.rcv.snapshot() {
		byDelivery[h.DeliveryID] = append(byDelivery[h.DeliveryID], h)
		served[h.Plan]++
	}
	var failedWrong, succeededWrong, early int
	var examples []string
	minSlack := time.Duration(math.MaxInt64)
	for _, d := range led.deliveries {
		hs := byDelivery[d.ID]
		rc := s.retryCountOf(d.WebhookID)
		switch d.Status {
		case "failed":
			if !attemptsExactly(hs, rc+1) {
				failedWrong++
				if len(examples) < 5 {
					examples = append(examples, fmt.Sprintf("failed delivery %d: %d requests, want attempts 1..%d once each", d.ID, len(hs), rc+1))
				}
			}
		case "succeeded":
			timely := 0
			for _, h := range hs {
				if h.ok() && !a.late[attemptKey{d.ID, h.Attempt}] {
					timely++
				}
			}
			if len(hs) == 0 || !hs[len(hs)-1].ok() || timely != 1 {
				succeededWrong++
				if len(examples) < 5 {
					examples = append(examples, fmt.Sprintf("succeeded delivery %d: %d requests, %d answered 2xx in time", d.ID, len(hs), timely))
				}
			}
		}
		// Attempt n+1 may not come before the schedule's delay after n.
		for i := 1; i < len(hs); i++ {
			if hs[i].Attempt != hs[i-1].Attempt+1 {
				continue
			}
			slack := hs[i].Arrived.Sub(hs[i-1].Arrived) - retryDelay(hs[i-1].Attempt)
			minSlack = min(minSlack, slack)
			if slack < -scheduleSlack {
				early++
				if len(examples) < 5 {
					examples = append(examples, fmt.Sprintf("delivery %d attempt %d came %s early", d.ID, hs[i].Attempt, ms(-slack)))
				}
			}
		}
	}
	if minSlack == time.Duration(math.MaxInt64) {
		minSlack = 0
	}
	r.measure("answers served", "ok %d, 500 %d, hang %d, reset %d, slow %d",
		served[answerOK], served[answer500], served[answerHang], served[answerReset], served[answerSlow])
	r.measure("min retry spacing slack", "%s beyond the schedule's delay", ms(minSlack))
	r.check("failed deliveries: exactly retry_count+1 attempts seen", failedWrong == 0, "%d wrong %v", failedWrong, examples)
	r.check("succeeded deliveries: the last attempt seen was answered 2xx, none after", succeededWrong == 0, "%d wrong", succeededWrong)
	r.check("no retry before the schedule's delay", early == 0, "%d early", early)
	r.check("some deliveries failed and some succeeded", a.Failed > 0 && a.Delivered > 0, "%d failed, %d succeeded", a.Failed, a.Delivered)
	return r
}

// scheduleOutcome is what the planner's answers imply for a delivery: it
// succeeds at the first attempt answered 2xx in time, or fails after
// retry_count+1 attempts.
func scheduleOutcome(s *stage, pl planner) func(d *dbDelivery, late func(int) bool) (string, int) {
	return func(d *dbDelivery, late func(int) bool) (string, int) {
		rc := s.retryCountOf(d.WebhookID)
		for n := 1; n <= rc+1; n++ {
			if pl(d.ID, n).what.succeeds() && !late(n) {
				return "succeeded", n
			}
		}
		return "failed", rc + 1
	}
}

// attemptsExactly reports whether hs holds attempts 1..n once each.
func attemptsExactly(hs []hit, n int) bool {
	if len(hs) != n {
		return false
	}
	seen := map[int]bool{}
	for _, h := range hs {
		if h.Attempt < 1 || h.Attempt > n || seen[h.Attempt] {
			return false
		}
		seen[h.Attempt] = true
	}
	return true
}

// retryDelay is hookd's schedule: base × 5^(k−1) after failed attempt k.
func retryDelay(k int) time.Duration {
	return time.Duration(float64(retryBase) * math.Pow(5, float64(k-1)))
}
