package domain

import (
	"errors"
	"fmt"
	"strings"
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
	// CodeIdempotencyMismatch (422): an Idempotency-Key reused for a
	// different request.
	CodeIdempotencyMismatch = "idempotency_mismatch"
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

// ErrRateLimited is returned when a token is over its request rate.
var ErrRateLimited = &Error{Code: CodeRateLimited, Message: "Too many requests for this token; slow down and retry after the time in Retry-After."}

// ErrSubscriptionNotFound is the subscriptions API's not-found.
var ErrSubscriptionNotFound = &Error{Code: CodeNotFound, Message: "Subscription not found."}

// ErrMissingToken is returned when a request carries no bearer token.
var ErrMissingToken = &Error{Code: CodeUnauthorized, Message: "Authentication required: send Authorization: Bearer <token>."}

// ErrTenantForbidden refuses a token acting on another tenant.
var ErrTenantForbidden = &Error{Code: CodeForbidden, Message: "Sorry, this token may not act on that tenant."}

// ErrHostUnauthenticated is returned when the host application's Authenticate refuses a request.
var ErrHostUnauthenticated = &Error{Code: CodeUnauthorized, Message: "Authentication required: sign in to the application first."}

// ErrCrossOrigin refuses a change sent from another site's page with the
// host application's session (cross-site request forgery).
var ErrCrossOrigin = &Error{Code: CodeForbidden, Message: "Cross-origin request refused: changes must come from the application's own pages."}

// ErrNoRoute is the answer for an unknown path.
var ErrNoRoute = &Error{Code: CodeNoRoute, Message: "No route was found matching the URL and request method."}

// ErrUnavailable means the database cannot be reached: the API answers 503, workers postpone their jobs.
var ErrUnavailable = &Error{Code: CodeUnavailable, Message: "The database is unavailable; retry shortly."}

// ErrBodyTooLarge is returned for a request body over its limit.
var ErrBodyTooLarge = &Error{Code: CodePayloadTooLarge, Message: "Request body is too large."}

// ErrInvalidToken is returned for a bearer token that is unknown, revoked or malformed.
var ErrInvalidToken = &Error{Code: CodeUnauthorized, Message: "A valid API token is required."}

// ErrEventTypeExists refuses registering a catalog name twice.
var ErrEventTypeExists = &Error{Code: CodeConflict, Message: "An event type with this name already exists."}

// ErrDeliveryPending refuses redelivering a delivery that has not finished.
var ErrDeliveryPending = &Error{Code: CodeConflict, Message: "This delivery is still pending; redeliver it once it has succeeded, failed or been cancelled."}

// TooManyWebhooks is the error for a tenant at its webhook limit; it names
// the limit, so the person who hit it knows what it is.
func TooManyWebhooks(limit int) *Error {
	return &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("This tenant has reached its limit of %d webhooks. "+
		"Delete one to create another, or ask the operator to raise HOOKD_MAX_WEBHOOKS_PER_TENANT.", limit)}
}

// ErrEventIDTaken is returned for a caller-supplied event id its tenant used more than 24 h ago.
var ErrEventIDTaken = &Error{Code: CodeConflict, Message: "This event id is already used by another event."}

// ErrEventTenantRequired is returned when an unbound token reads an event by
// an id that several tenants use: it must say which.
var ErrEventTenantRequired = InvalidParam("tenant", "Events of several tenants have this id; pass tenant to choose one.")

// ErrIdempotencyMismatch refuses an Idempotency-Key reused on another route
// or with another body: replaying the first answer would drop this request.
var ErrIdempotencyMismatch = &Error{Code: CodeIdempotencyMismatch,
	Message: "This Idempotency-Key was used with another request (route or body) in the last 24 hours; use a new key for a new request."}

// ErrAuthThrottled refuses a client address that failed authentication too
// often in the last minute.
var ErrAuthThrottled = &Error{Code: CodeRateLimited,
	Message: "Too many failed authentications from this address; retry after the time in Retry-After."}

// ErrWebhookInactive refuses to queue attempts to a webhook that would cancel them.
var ErrWebhookInactive = &Error{Code: CodeConflict, Message: "The webhook is inactive; set its status to active first."}

// ErrTooManyEventTypes is returned when a tenant is at its custom event
// type limit.
var ErrTooManyEventTypes = &Error{Code: CodeLimitExceeded, Message: "This tenant has reached its maximum number of custom event types; delete unused ones first."}

// ErrEventTypeBuiltIn refuses deleting an event type of the built-in
// catalog, which every tenant shares.
var ErrEventTypeBuiltIn = &Error{Code: CodeConflict, Message: "This event type is part of the built-in catalog and cannot be deleted."}

// EventTypeInUse refuses deleting a custom event type that webhooks still
// subscribe to (by name, or by a group pattern no other type would keep
// valid); it names them so they can be changed first.
func EventTypeInUse(name string, webhookIDs []int64) *Error {
	ids := make([]string, len(webhookIDs))
	for i, id := range webhookIDs {
		ids[i] = fmt.Sprint(id)
	}
	return &Error{Code: CodeConflict, Message: fmt.Sprintf("Event type %s is used by %d webhook(s) (%s); remove it from their events first.",
		name, len(webhookIDs), strings.Join(ids, ", "))}
}

// ErrEventTypeNotFound is returned for a name not in the event catalog.
var ErrEventTypeNotFound = &Error{Code: CodeNotFound, Message: "Event type not found."}

// ErrMethodNotAllowed is the answer for a known path with another method.
var ErrMethodNotAllowed = &Error{Code: CodeMethodNotAllowed, Message: "The route does not accept this method."}

// ErrInternal is the answer for any error that is not one of these: its
// text may hold internals, so the client gets this instead.
var ErrInternal = &Error{Code: CodeInternal, Message: "An internal error occurred."}
