// Package server is hookd's admin REST API on Gin: webhooks in the Fluent
// Community shape, subscriptions in the Firstup shape, the event-type
// catalog, health checks and the OpenAPI document that describes them all.
//
// It is hookd's implementation, not an API: Go programs mount the handler
// the root package hookd gives them (Client.Handler).
package server

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/dbhealth"
	"github.com/hookd/hookd/internal/hostaddr"
	"github.com/hookd/hookd/internal/metrics"
	"github.com/hookd/hookd/store"
)

// Server serves the admin API.
type Server struct {
	cfg       Config
	pool      *pgxpool.Pool
	store     *store.Store
	dispatch  *delivery.Dispatcher
	logger    *slog.Logger
	health    *dbhealth.Monitor
	adminHash []byte
	engine    *gin.Engine
	started   time.Time
	limiter   *tokenLimiter
	throttle  *authThrottle
	// crossOrigin refuses cross-site changes made with a host's session.
	crossOrigin *http.CrossOriginProtection
}

// New builds the API on pool and st, queueing and test-firing deliveries
// through dispatch. cfg is validated after WithDefaults. A database outage
// is reported to logger's dbhealth monitor (shared with the workers given
// the same logger), not per request.
func New(cfg Config, pool *pgxpool.Pool, st *store.Store, dispatch *delivery.Dispatcher, logger *slog.Logger) (*Server, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("invalid API configuration: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if !cfg.URLPolicy.Addresses.AllowPrivate && cfg.URLPolicy.Addresses.Own == nil {
		cfg.URLPolicy.Addresses.Own = hostaddr.Own
	}
	health, logger := dbhealth.For(logger)
	s := &Server{cfg: cfg, pool: pool, store: st, dispatch: dispatch, logger: logger, health: health, started: time.Now(),
		limiter: newTokenLimiter(cfg.RateLimit, cfg.RateBurst), throttle: newAuthThrottle(cfg.AuthFailureLimit),
		crossOrigin: http.NewCrossOriginProtection()}
	if cfg.AdminToken != "" {
		sum := sha256.Sum256([]byte(cfg.AdminToken))
		s.adminHash = sum[:]
	}
	s.engine = s.routes()
	return s, nil
}

// Routes lists every route as "METHOD /path/:param", for comparing the
// router with the OpenAPI document.
func (s *Server) Routes() []gin.RouteInfo { return s.engine.Routes() }

func init() {
	// Gin's debug mode prints every route at start-up and warns on stdout.
	gin.SetMode(gin.ReleaseMode)
}

func (s *Server) routes() *gin.Engine {
	r := gin.New()
	// Redirects would hide mistakes behind 301s; unknown paths get a JSON 404.
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.Use(s.recoverPanics, s.logRequests, s.timeout)
	r.NoRoute(func(c *gin.Context) { s.abortWithError(c, domain.ErrNoRoute) })
	r.NoMethod(func(c *gin.Context) {
		s.abortWithError(c, domain.ErrMethodNotAllowed)
	})

	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.handle(s.readyz))
	r.GET("/openapi.yaml", s.openAPI)
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(metrics.Registry, promhttp.HandlerOpts{})))
	s.dashboardRoutes(r)

	// Nothing the API answers belongs in a cache: secrets, tokens and
	// header values among it, and one tenant's data in general.
	v2 := r.Group("/v2", noStore)
	read := s.requireScope(domain.ScopeWebhooksRead)
	write := s.requireScope(domain.ScopeWebhooksWrite)

	v2.GET("/admin/webhooks", read, s.handle(s.listWebhooks))
	v2.POST("/admin/webhooks", write, s.handle(s.createWebhook))
	v2.GET("/admin/webhooks/:id", read, s.handle(s.getWebhook))
	v2.PUT("/admin/webhooks/:id", write, s.handle(s.updateWebhook))
	v2.PATCH("/admin/webhooks/:id", write, s.handle(s.updateWebhook))
	v2.DELETE("/admin/webhooks/:id", write, s.handle(s.deleteWebhook))
	v2.GET("/admin/webhooks/:id/secret", write, s.handle(s.revealSecret))
	v2.POST("/admin/webhooks/:id/rotate-secret", write, s.handle(s.rotateSecret))
	v2.GET("/admin/webhooks/:id/stats", read, s.handle(s.webhookStats))
	v2.GET("/admin/webhooks/:id/deliveries", read, s.handle(s.listWebhookDeliveries))
	v2.POST("/admin/webhooks/:id/test", write, s.handle(s.testWebhook))
	v2.POST("/admin/webhooks/:id/recover", write, s.handle(s.recoverWebhook))
	v2.POST("/admin/webhooks/:id/filter-test", read, s.handle(s.filterTest))
	v2.POST("/admin/webhooks/:id/replay", write, s.handle(s.replayWebhook))
	v2.GET("/admin/replays/:id", read, s.handle(s.getReplay))
	v2.DELETE("/admin/replays/:id", write, s.handle(s.cancelReplay))
	v2.GET("/admin/deliveries/:id", read, s.handle(s.getDelivery))
	v2.GET("/admin/search", read, s.handle(s.search))
	v2.POST("/admin/deliveries/:id/redeliver", write, s.handle(s.redeliver))
	v2.POST("/admin/deliveries/:id/skip", write, s.handle(s.skipDelivery))
	v2.GET("/admin/webhooks/:id/blocked-keys", read, s.handle(s.blockedKeys))

	emit := s.requireScopeUnlimited(domain.ScopeEventsWrite)
	readEvents := s.requireAnyScope(domain.ScopeWebhooksRead, domain.ScopeEventsWrite)
	v2.POST("/events", emit, s.handle(s.emitEvent))
	v2.POST("/events/batch", emit, s.handle(s.emitBatch))
	v2.GET("/events", readEvents, s.handle(s.listEvents))
	v2.GET("/events/:id", readEvents, s.handle(s.getEvent))

	v2.GET("/webhooks/subscriptions", read, s.handle(s.listSubscriptions))
	v2.POST("/webhooks/subscriptions", write, s.handle(s.createSubscription))
	v2.GET("/webhooks/subscriptions/:id", read, s.handle(s.getSubscription))
	v2.PUT("/webhooks/subscriptions/:id", write, s.handle(s.updateSubscription))
	v2.PATCH("/webhooks/subscriptions/:id", write, s.handle(s.updateSubscription))
	v2.DELETE("/webhooks/subscriptions/:id", write, s.handle(s.deleteSubscription))

	anyToken := s.requireAnyScope()
	v2.GET("/me", anyToken, s.handle(s.me))
	v2.GET("/settings", anyToken, s.handle(s.settings))
	tokens := s.requireScope(domain.ScopeTokensAdmin)
	v2.GET("/admin/tokens", tokens, s.handle(s.listTokens))
	v2.POST("/admin/tokens", tokens, s.handle(s.createToken))
	v2.DELETE("/admin/tokens/:id", tokens, s.handle(s.revokeToken))
	v2.POST("/admin/portal-sessions", tokens, s.handle(s.createPortalSession))
	v2.DELETE("/admin/portal-sessions", tokens, s.handle(s.revokePortalSessions))

	v2.GET("/event-types", anyToken, s.handle(s.listEventTypes))
	catalogWrite := s.requireAnyScope(domain.ScopeEventsWrite, domain.ScopeWebhooksWrite)
	v2.POST("/event-types", catalogWrite, s.handle(s.createEventType))
	v2.DELETE("/event-types/:name", catalogWrite, s.handle(s.deleteEventType))
	return r
}

func noStore(c *gin.Context) { c.Header("Cache-Control", "no-store") }

// timeout bounds each request's context: a database call that cannot
// complete ends with a 503, not a hung client.
func (s *Server) timeout(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.RequestTimeout)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// handle adapts a handler that returns its error: the one place an error
// becomes an answer.
func (s *Server) handle(fn func(*gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := checkRequestText(c)
		if err == nil {
			err = fn(c)
		}
		if err != nil {
			s.abortWithError(c, err)
		}
	}
}

func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if rec := recover(); rec != nil {
			if rec == http.ErrAbortHandler { //nolint:errorlint // sentinel compared as net/http does
				panic(rec)
			}
			s.logger.ErrorContext(c.Request.Context(), "panic serving request",
				slog.String("route", c.FullPath()), slog.Any("panic", rec))
			s.abortWithError(c, domain.ErrInternal)
		}
	}()
	c.Next()
}

// logRequests logs and counts one line per request. It logs the route
// template, not the raw URL, and never headers: they carry tokens.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	metrics.HTTPRequests.WithLabelValues(route, c.Request.Method, strconv.Itoa(c.Writer.Status())).Inc()
	metrics.HTTPDuration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	level := slog.LevelDebug
	// A 503 is a database outage, which the health monitor logs once.
	if c.Writer.Status() >= 500 && c.Writer.Status() != http.StatusServiceUnavailable {
		level = slog.LevelWarn
	}
	s.logger.Log(c.Request.Context(), level, "http request",
		slog.String("method", c.Request.Method), slog.String("route", route),
		slog.Int("status", c.Writer.Status()), slog.Duration("duration", time.Since(start)))
}
