package server

import (
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
	if !errors.As(err, &de) {
		if isUnavailable(err) {
			de = errUnavailable
			c.Header("Retry-After", "5")
		} else {
			s.logger.ErrorContext(c.Request.Context(), "request failed",
				slog.String("route", c.FullPath()), slog.String("error", err.Error()))
			de = &domain.Error{Code: domain.CodeInternal, Message: "An internal error occurred."}
		}
	}
	status, ok := statusByCode[de.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	c.AbortWithStatusJSON(status, errorBody{Code: de.Code, Message: de.Message, Data: errorData{Status: status, Params: de.Params}})
}

var errUnavailable = &domain.Error{Code: domain.CodeUnavailable, Message: "The database is unavailable; retry shortly."}
