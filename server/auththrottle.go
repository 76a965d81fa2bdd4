package server

import (
	"context"
	"log/slog"
	"math"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
)

// authThrottle slows down token guessing: a client address that fails
// authentication limit times within a minute is answered 429 until the
// minute is over, even with a valid token. Failures are counted in Postgres
// (every process sees the same count); each process remembers the clients it
// has refused, so a refused flood costs no query.
type authThrottle struct {
	limit int

	mu      sync.Mutex
	blocked map[string]time.Time // client → refused until
}

func newAuthThrottle(limit int) *authThrottle {
	if limit <= 0 {
		return nil
	}
	return &authThrottle{limit: limit, blocked: map[string]time.Time{}}
}

// clientAddress is the address failures are counted for: the peer of the
// connection (no X-Forwarded-For: any client could write one), and for IPv6
// its /64, which one host can rotate through at will.
func clientAddress(c *gin.Context) string {
	a, err := netip.ParseAddr(c.RemoteIP())
	if err != nil {
		return c.RemoteIP()
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// refusedFor reports how long client is still refused, if it is.
func (t *authThrottle) refusedFor(client string, now time.Time) (time.Duration, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	until, ok := t.blocked[client]
	if !ok {
		return 0, false
	}
	if !now.Before(until) {
		delete(t.blocked, client)
		return 0, false
	}
	return until.Sub(now), true
}

func (t *authThrottle) refuse(client string, until time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.blocked) >= 10_000 {
		now := time.Now()
		for k, u := range t.blocked {
			if !now.Before(u) {
				delete(t.blocked, k)
			}
		}
	}
	t.blocked[client] = until
}

// checkAuthThrottle answers 429 when the client is refused already. It
// reports whether the request may go on.
func (s *Server) checkAuthThrottle(c *gin.Context) bool {
	if s.throttle == nil {
		return true
	}
	wait, refused := s.throttle.refusedFor(clientAddress(c), time.Now())
	if refused {
		s.abortThrottled(c, wait)
	}
	return !refused
}

// authFailed counts a failed authentication and reports whether the client
// is now over its limit, in which case it has answered 429 (the failure that
// reaches the limit is still answered 401; those after it are refused).
func (s *Server) authFailed(c *gin.Context) bool {
	if s.throttle == nil {
		return false
	}
	client := clientAddress(c)
	// The count must be written even if the client hangs up.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 5*time.Second)
	defer cancel()
	failures, left, err := s.store.RecordAuthFailure(ctx, s.pool, client)
	if err != nil {
		s.logger.WarnContext(ctx, "could not count a failed authentication", slog.String("error", err.Error()))
		return false
	}
	if failures < s.throttle.limit {
		return false
	}
	s.throttle.refuse(client, time.Now().Add(left))
	if failures == s.throttle.limit {
		return false
	}
	s.abortThrottled(c, left)
	return true
}

func (s *Server) abortThrottled(c *gin.Context, wait time.Duration) {
	c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	s.abortWithError(c, domain.ErrAuthThrottled)
}
