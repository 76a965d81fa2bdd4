package secretbox

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/require"
)

func newRawKey(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, KeySize)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

func TestKeyring(t *testing.T) {
	t.Parallel()

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		kr, err := NewKeyring(newRawKey(t))
		require.NoError(t, err)
		ct := kr.Seal("whsec_hello", "webhooks.secret")
		require.False(t, bytes.Contains(ct, []byte("whsec_hello")))
		pt, err := kr.Open(ct, "webhooks.secret")
		require.NoError(t, err)
		require.Equal(t, "whsec_hello", pt)
		require.True(t, kr.IsCurrent(ct))
	})

	t.Run("WrongContextFails", func(t *testing.T) {
		t.Parallel()
		kr, err := NewKeyring(newRawKey(t))
		require.NoError(t, err)
		_, err = kr.Open(kr.Seal("x", "webhooks.secret"), "webhooks.authorization")
		require.Error(t, err)
	})

	t.Run("TamperFails", func(t *testing.T) {
		t.Parallel()
		kr, err := NewKeyring(newRawKey(t))
		require.NoError(t, err)
		ct := kr.Seal("secret", "c")
		ct[len(ct)-1] ^= 1
		_, err = kr.Open(ct, "c")
		require.Error(t, err)
	})

	t.Run("OldKeyOpensAfterRotation", func(t *testing.T) {
		t.Parallel()
		oldKey, newKey := newRawKey(t), newRawKey(t)
		before, err := NewKeyring(oldKey)
		require.NoError(t, err)
		ct := before.Seal("s3cret-value", "c")

		after, err := NewKeyring(newKey, oldKey)
		require.NoError(t, err)
		require.False(t, after.IsCurrent(ct))
		pt, err := after.Open(ct, "c")
		require.NoError(t, err)
		require.Equal(t, "s3cret-value", pt)

		onlyNew, err := NewKeyring(newKey)
		require.NoError(t, err)
		_, err = onlyNew.Open(ct, "c")
		require.ErrorIs(t, err, ErrUnknownKey)
	})

	t.Run("ParseKey", func(t *testing.T) {
		t.Parallel()
		raw := newRawKey(t)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
			got, err := ParseKey(enc.EncodeToString(raw))
			require.NoError(t, err)
			require.Equal(t, raw, got)
		}
		_, err := ParseKey(base64.StdEncoding.EncodeToString(raw[:16]))
		require.ErrorContains(t, err, "32 bytes")
		_, err = ParseKey("not base64 !!")
		require.Error(t, err)
	})
}
