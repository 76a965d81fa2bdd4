package domain

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewSecretFitsEveryFormat(t *testing.T) {
	t.Parallel()
	for range 50 {
		s := NewSecret()
		require.True(t, strings.HasPrefix(s, SecretPrefix))
		key, err := base64.StdEncoding.Strict().DecodeString(strings.TrimPrefix(s, SecretPrefix))
		require.NoError(t, err, "standard base64 with padding")
		require.Len(t, key, 32)
		require.Len(t, s, len(SecretPrefix)+44)
		require.NoError(t, ValidateSecret(s))
		for _, f := range Formats {
			require.NoError(t, ValidateSecretForFormat(f, s))
		}
	}
}

func TestStandardSecretKey(t *testing.T) {
	t.Parallel()
	b64 := func(n int) string { return SecretPrefix + base64.StdEncoding.EncodeToString(make([]byte, n)) }
	for secret, ok := range map[string]bool{
		b64(24): true, b64(32): true, b64(64): true,
		b64(23): false, b64(65): false,
		strings.TrimPrefix(b64(32), SecretPrefix):  false, // no whsec_
		strings.TrimRight(b64(32), "="):            false, // no padding
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw":   true,  // the library's test secret
		"whsec_" + strings.Repeat("-_", 22):        false, // base64url, hookd's old secrets
		"whsec_not base64":                         false,
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n": false,
		SecretPrefix + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef01234567")): true,
	} {
		_, got := StandardSecretKey(secret)
		require.Equal(t, ok, got, secret)
		err := ValidateSecretForFormat(FormatStandard, secret)
		if ok {
			require.NoError(t, err)
		} else {
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, CodeInvalidParam, e.Code)
			require.Contains(t, e.Params, "secret")
			require.NoError(t, ValidateSecretForFormat(FormatHookd, secret), "other formats take any secret")
		}
	}
}

func TestValidateFormat(t *testing.T) {
	t.Parallel()
	for _, f := range Formats {
		require.NoError(t, ValidateFormat(f))
	}
	for _, bad := range []string{"", "Hookd", "svix", "standard-webhooks", "json"} {
		err := ValidateFormat(bad)
		var e *Error
		require.ErrorAs(t, err, &e, bad)
		require.Equal(t, CodeInvalidParam, e.Code)
		require.Contains(t, e.Params, "format")
	}
	require.Contains(t, ErrSecretNotStandard.Message, "Rotate the secret")
}

func TestFormatHeadersCannotBeOverridden(t *testing.T) {
	t.Parallel()
	for _, h := range append(FormatHeaders, "webhook-signature", "SelfCommunity-Signature", "x-tribe-request-timestamp") {
		require.Error(t, ValidateHeaders(map[string]string{h: "x"}, "Hookd-Signature"), h)
	}
	require.NoError(t, ValidateHeaders(map[string]string{"Authorization": "Bearer x", "X-Api-Key": "k"}, "Hookd-Signature"))
}
