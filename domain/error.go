package domain

import (
	"errors"
	"fmt"
)

// Error codes, the "code" field of every error body hookd answers with. Each
// maps to one HTTP status in the server package.
const (
	CodeInvalidParam     = "invalid_param"
	CodeInvalidURL       = "invalid_url"
	CodeInvalidJSON      = "invalid_json"
	CodeNotFound         = "not_found"
	CodeUnauthorized     = "unauthorized"
	CodeForbidden        = "rest_forbidden"
	CodeConflict         = "conflict"
	CodeLimitExceeded    = "limit_exceeded"
	CodePayloadTooLarge  = "payload_too_large"
	CodeRateLimited      = "rate_limited"
	CodeUnavailable      = "service_unavailable"
	CodeInternal         = "internal_error"
	CodeNoRoute          = "rest_no_route"
	CodeMethodNotAllowed = "method_not_allowed"
)

// Error is hookd's one error type with a code that callers and the HTTP layer
// can act on. Message is safe to show to a client. Params, when set, names the
// offending fields (field name to message) so a form can show each beside
// its field.
type Error struct {
	Code    string
	Message string
	Params  map[string]string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidParam returns an invalid_param error naming field.
func InvalidParam(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: CodeInvalidParam, Message: msg, Params: map[string]string{field: msg}}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, and
// CodeInternal otherwise.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrWebhookNotFound is returned when a webhook does not exist, is deleted, or
// belongs to a tenant the caller cannot see.
var ErrWebhookNotFound = &Error{Code: CodeNotFound, Message: "Webhook not found."}

// ErrEventNotFound is returned for an unknown event id.
var ErrEventNotFound = &Error{Code: CodeNotFound, Message: "Event not found."}

// ErrDeliveryNotFound is returned for an unknown delivery id.
var ErrDeliveryNotFound = &Error{Code: CodeNotFound, Message: "Delivery not found."}

// ErrTokenNotFound is returned for an unknown or revoked token id.
var ErrTokenNotFound = &Error{Code: CodeNotFound, Message: "Token not found."}
