package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
)

// statusByCode is the one table from error code to HTTP status.
var statusByCode = map[string]int{
	domain.CodeInvalidParam:     http.StatusBadRequest,
	domain.CodeInvalidURL:       http.StatusBadRequest,
	domain.CodeInvalidJSON:      http.StatusBadRequest,
	domain.CodeNotFound:         http.StatusNotFound,
	domain.CodeNoRoute:          http.StatusNotFound,
	domain.CodeMethodNotAllowed: http.StatusMethodNotAllowed,
	domain.CodeUnauthorized:     http.StatusUnauthorized,
	domain.CodeForbidden:        http.StatusForbidden,
	domain.CodeConflict:         http.StatusConflict,
	domain.CodeLimitExceeded:    http.StatusConflict,
	domain.CodePayloadTooLarge:  http.StatusRequestEntityTooLarge,
	domain.CodeRateLimited:      http.StatusTooManyRequests,
	domain.CodeUnavailable:      http.StatusServiceUnavailable,
	domain.CodeInternal:         http.StatusInternalServerError,

	domain.CodeIdempotencyMismatch: http.StatusUnprocessableEntity,
}

type errorData struct {
	Status int               `json:"status"`
	Params map[string]string `json:"params,omitempty"`
}

type errorBody struct {
	Code    string    `json:"code"`
	Message string    `json:"message"`
	Data    errorData `json:"data"`
}

// abortWithError answers err in the seed's error format and stops the
// handler chain. Errors that are not *domain.Error are logged and answered
// with a generic message: their text may hold internals.
func (s *Server) abortWithError(c *gin.Context, err error) {
	var de *domain.Error
	switch {
	case errors.As(err, &de):
	case errors.Is(err, context.DeadlineExceeded):
		// The request's own time ran out outside the store, e.g. waiting for
		// a batch: the database is too slow to answer in time.
		de = domain.ErrUnavailable
	default:
		s.logger.ErrorContext(c.Request.Context(), "request failed",
			slog.String("route", c.FullPath()), slog.String("error", err.Error()))
		de = domain.ErrInternal
	}
	if de.Code == domain.CodeUnavailable {
		// Logged once per outage by the health monitor, not per request.
		s.health.Fail(c.Request.Context(), "api", err)
		c.Header("Retry-After", "5")
	}
	status, ok := statusByCode[de.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	c.AbortWithStatusJSON(status, errorBody{Code: de.Code, Message: de.Message, Data: errorData{Status: status, Params: de.Params}})
}
