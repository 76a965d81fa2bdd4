package delivery

import (
	"time"

	"github.com/hookd/hookd/domain"
)

// concurrencyLimit is one endpoint's share of this process's workers,
// following the endpoint: additive increase while it answers fast and well,
// multiplicative decrease when it is slow, times out, resets or answers
// 5xx/429 — TCP's congestion control, applied to attempts in flight. An
// endpoint starts at one attempt in flight (a probe, so a new endpoint that
// hangs holds one worker, not many) and, answering well, gains one per good
// answer: it doubles every round trip (a fast endpoint reaches the ceiling
// in well under a second). After a cut it grows by one per round trip
// above half the limit it was cut from, earning back what it lost.
type concurrencyLimit struct {
	limit float64
	// threshold is where doubling gives way to linear growth: half the
	// limit at the last cut (0 before any cut: double up to the ceiling).
	threshold float64
	// lastCut is when the limit was last halved: the answers to requests
	// already in flight when an endpoint breaks carry one signal, not one
	// each, so a limit is cut at most once per cutInterval.
	lastCut time.Time
}

// Tuning of the controller.
const (
	// slowAnswer is what "slow" means: an endpoint taking seconds to answer
	// is treated like a failing one even when it answers 200.
	slowAnswer = time.Second
	// cutInterval spaces successive halvings of one endpoint's limit.
	cutInterval = time.Second
	// minLimit is the floor: every endpoint may always have one attempt in
	// flight, so it can earn its way back.
	minLimit = 1
)

func newConcurrencyLimit() concurrencyLimit { return concurrencyLimit{limit: minLimit} }

// neverCut reports a limit still in its first ramp, doubling per round
// trip towards the ceiling.
func (c *concurrencyLimit) neverCut() bool { return c.threshold == 0 }

// allowed is how many attempts may be in flight now.
func (c *concurrencyLimit) allowed() int { return int(c.limit) }

// observe adjusts the limit for one finished attempt; ceiling bounds it.
func (c *concurrencyLimit) observe(o attemptOutcome, ceiling int, now time.Time) {
	if o.congested() {
		if now.Sub(c.lastCut) >= cutInterval {
			c.limit = max(minLimit, c.limit/2)
			c.threshold = c.limit
			c.lastCut = now
		}
		return
	}
	if c.threshold == 0 || c.limit < c.threshold {
		c.limit++ // doubling per round trip
	} else {
		c.limit += 1 / c.limit // one per round trip
	}
	c.limit = min(float64(ceiling), c.limit)
}

// attemptOutcome is what the controller learns from one attempt.
type attemptOutcome struct {
	Duration  time.Duration
	Status    int
	ErrorKind string
}

// congested reports whether the answer says "send less": slow, timed out,
// refused or reset, overloaded (5xx, 429). Other answers — 2xx, 4xx — came
// back promptly: the endpoint keeps up, whatever it thought of the request.
func (o attemptOutcome) congested() bool {
	switch o.ErrorKind {
	case domain.AttemptErrorTimeout, domain.AttemptErrorConnection, domain.AttemptErrorTLS, domain.AttemptErrorDNS:
		return true
	}
	return o.Duration >= slowAnswer || o.Status >= 500 || o.Status == 429
}
