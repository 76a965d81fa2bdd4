package store

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHeadersJSON(t *testing.T) {
	t.Parallel()
	require.Nil(t, headersJSON(nil))
	require.JSONEq(t, `{}`, *headersJSON(map[string]string{}))
	for _, tt := range []struct{ name, value, want string }{
		{"Plain", "application/json", "application/json"},
		{"QuotesAndBackslashes", `a "b" \c`, `a "b" \c`},
		{"ControlCharacters", "a\tb\x01\x7f", "a\tb\x01\x7f"},
		{"NULBecomesReplacement", "a\x00b", "a\ufffdb"},
		{"InvalidUTF8BecomesReplacement", "caf\xe9", "caf\ufffd"},
		{"Unicode", "ü😀\u2028", "ü😀\u2028"},
		{"HTMLStaysLiteral", "<a>&", "<a>&"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := headersJSON(map[string]string{"X-" + tt.name: tt.value})
			require.True(t, json.Valid([]byte(*out)), *out)
			require.NotContains(t, *out, `\u0000`, "Postgres's jsonb refuses it")
			var got map[string]string
			require.NoError(t, json.Unmarshal([]byte(*out), &got))
			require.Equal(t, map[string]string{"X-" + tt.name: tt.want}, got)
		})
	}
}

func FuzzHeadersJSON(f *testing.F) {
	for _, s := range []string{"", "a", "\x00", "\xff\xfe", `"\`, "\u2028"} {
		f.Add("k", s)
	}
	f.Fuzz(func(t *testing.T, k, v string) {
		out := headersJSON(map[string]string{k: v})
		require.True(t, json.Valid([]byte(*out)), *out)
		var got map[string]string
		require.NoError(t, json.Unmarshal([]byte(*out), &got))
		clean := func(s string) string { return strings.ReplaceAll(string([]rune(s)), "\x00", "\ufffd") }
		require.Equal(t, clean(v), got[clean(k)])
	})
}
