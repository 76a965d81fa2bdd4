package server

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/openapi"
	"github.com/hookd/hookd/store"
)

// healthz answers while the process is up, whatever the database does.
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok", "version": s.cfg.Version})
}

// readyz answers 200 only when the database answers and its schema is the
// one this binary expects.
func (s *Server) readyz(c *gin.Context) error {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.pool.Ping(ctx); err != nil {
		c.Header("Retry-After", "5")
		return &domain.Error{Code: domain.CodeUnavailable, Message: "The database is unreachable."}
	}
	v, err := store.Version(ctx, s.pool)
	if err != nil {
		c.Header("Retry-After", "5")
		return &domain.Error{Code: domain.CodeUnavailable, Message: "The schema version could not be read."}
	}
	if !v.Current() {
		return &domain.Error{Code: domain.CodeUnavailable, Message: "The database schema is not current; run `hookd migrate up`."}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready", "schema_version": v.Hookd, "river_schema_version": v.River})
	return nil
}

func (s *Server) openAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/yaml; charset=utf-8", openapi.Spec)
}
