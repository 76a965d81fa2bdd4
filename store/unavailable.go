package store

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hookd/hookd/domain"
)

// IsUnavailable reports whether err means the database cannot be reached
// (refused, reset, cut, timed out, shutting down), as opposed to a bug. It
// is hookd's one such classification: translate wraps these errors with
// domain.ErrUnavailable, which the API answers with 503 and Retry-After and
// the worker with a postponement that uses up no attempt; dbhealth uses it
// for errors that do not come through the store (River's).
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, domain.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		// A connection cut mid-statement.
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P0x: admin/crash shutdown,
		// cannot connect now.
		return len(pgErr.Code) == 5 && (pgErr.Code[:2] == "08" || pgErr.Code[:4] == "57P0")
	}
	return pgconn.SafeToRetry(err)
}
