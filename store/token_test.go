package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/storetest"
	"github.com/hookd/hookd/store"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("AuthenticateRoundTrip", func(t *testing.T) {
		t.Parallel()
		s, tx := storetest.Store(t), storetest.Tx(t)
		tenant := "acme"
		tok, value, err := s.CreateToken(ctx, tx, store.CreateTokenParams{Name: "ci", Scopes: []string{domain.ScopeWebhooksRead}, Tenant: &tenant})
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(value, "hkd_"+tok.ID+"_"))

		got, err := s.AuthenticateToken(ctx, tx, value)
		require.NoError(t, err)
		require.Equal(t, tok.ID, got.ID)
		require.Equal(t, "acme", *got.Tenant)

		var stored []byte
		require.NoError(t, tx.QueryRow(ctx, `SELECT hash FROM api_tokens WHERE id = $1`, tok.ID).Scan(&stored))
		require.Equal(t, store.HashToken(value), stored)
		require.NotContains(t, string(stored), value)
	})

	t.Run("WrongSecretAndMalformedRejected", func(t *testing.T) {
		t.Parallel()
		s, tx := storetest.Store(t), storetest.Tx(t)
		tok, value, err := s.CreateToken(ctx, tx, store.CreateTokenParams{Name: "ci", Scopes: []string{domain.ScopeWebhooksRead}})
		require.NoError(t, err)
		for _, bad := range []string{"", "nope", "hkd_", "hkd_" + tok.ID, "hkd_" + tok.ID + "_wrong", value + "x", "hkd_unknownid_" + strings.Repeat("a", 52)} {
			_, err := s.AuthenticateToken(ctx, tx, bad)
			require.ErrorIs(t, err, domain.ErrInvalidToken, bad)
		}
	})

	t.Run("RevokedAtOnce", func(t *testing.T) {
		t.Parallel()
		s, tx := storetest.Store(t), storetest.Tx(t)
		tok, value, err := s.CreateToken(ctx, tx, store.CreateTokenParams{Name: "ci", Scopes: []string{domain.ScopeWebhooksRead}})
		require.NoError(t, err)
		require.NoError(t, s.RevokeToken(ctx, tx, tok.ID, nil))
		_, err = s.AuthenticateToken(ctx, tx, value)
		require.ErrorIs(t, err, domain.ErrInvalidToken)
		require.ErrorIs(t, s.RevokeToken(ctx, tx, tok.ID, nil), domain.ErrTokenNotFound)
		list, err := s.ListTokens(ctx, tx, nil)
		require.NoError(t, err)
		for _, l := range list {
			require.NotEqual(t, tok.ID, l.ID)
		}
	})
}
