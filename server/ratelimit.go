package server

import (
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/hookd/hookd/domain"
)

// tokenLimiter keeps one token bucket per API token, in this process.
type tokenLimiter struct {
	limit rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*bucket
	sweeps  int
}

type bucket struct {
	limiter  *rate.Limiter
	lastSeen time.Time
}

func newTokenLimiter(perSecond float64, burst int) *tokenLimiter {
	if perSecond <= 0 {
		return nil
	}
	return &tokenLimiter{limit: rate.Limit(perSecond), burst: max(burst, 1), buckets: map[string]*bucket{}}
}

// reserve takes one request from tokenID's bucket and reports how long the
// caller must wait when there is none left.
func (l *tokenLimiter) reserve(tokenID string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[tokenID]
	if !ok {
		b = &bucket{limiter: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[tokenID] = b
	}
	b.lastSeen = now
	l.sweep(now)
	r := b.limiter.ReserveN(now, 1)
	if delay := r.DelayFrom(now); delay > 0 {
		r.CancelAt(now)
		return false, delay
	}
	return true, 0
}

// sweep drops buckets idle long enough to be full again, now and then, so
// revoked and one-off tokens do not pile up.
func (l *tokenLimiter) sweep(now time.Time) {
	l.sweeps++
	if l.sweeps < 1000 {
		return
	}
	l.sweeps = 0
	for id, b := range l.buckets {
		if now.Sub(b.lastSeen) > 10*time.Minute {
			delete(l.buckets, id)
		}
	}
}

// rateLimit answers 429 with Retry-After when the caller's token is over its
// rate. It runs after authentication.
func (s *Server) rateLimit(c *gin.Context) {
	if s.limiter == nil || c.IsAborted() {
		return
	}
	ok, wait := s.limiter.reserve(principal(c).ID, time.Now())
	if ok {
		return
	}
	c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	s.abortWithError(c, domain.ErrRateLimited)
}
