package store

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
)

func TestTranslateClassifiesUnavailability(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name        string
		err         error
		unavailable bool
		code        string
	}{
		{name: "Refused", err: fmt.Errorf("dial: %w", syscall.ECONNREFUSED), unavailable: true},
		{name: "Reset", err: syscall.ECONNRESET, unavailable: true},
		{name: "Deadline", err: fmt.Errorf("query: %w", context.DeadlineExceeded), unavailable: true},
		{name: "AdminShutdown", err: &pgconn.PgError{Code: "57P01"}, unavailable: true},
		{name: "ConnectionException", err: &pgconn.PgError{Code: "08006"}, unavailable: true},
		{name: "UniqueViolation", err: &pgconn.PgError{Code: pgUniqueViolation}, code: domain.CodeConflict},
		{name: "CheckViolation", err: &pgconn.PgError{Code: pgCheckViolation}, code: domain.CodeInvalidParam},
		{name: "SyntaxError", err: &pgconn.PgError{Code: "42601"}, code: domain.CodeInternal},
		{name: "DomainErrorKept", err: domain.ErrWebhookNotFound, code: domain.CodeNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := translate(tt.err)
			require.Equal(t, tt.unavailable, errors.Is(got, domain.ErrUnavailable))
			if tt.unavailable {
				require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(got), "the API answers 503")
				require.ErrorIs(t, got, tt.err, "the cause stays for the logs")
				return
			}
			require.Equal(t, tt.code, domain.ErrorCode(got))
		})
	}
}
