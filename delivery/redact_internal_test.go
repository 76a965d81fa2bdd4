package delivery

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
)

func TestRedactorText(t *testing.T) {
	t.Parallel()
	w := &domain.Webhook{
		Secret:              "whsec_0123456789abcdefghijklmnopqrstuvwxyzABCDE",
		AuthorizationHeader: "Bearer sub-token-777",
		Headers:             map[string]string{"Cookie": "session=cookie-secret-42; theme=dark", "X-Short": "abc", "X-Quote": `a"b\c-quoted`},
	}
	sig := "t=1763856000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"
	h := http.Header{"Hookd-Signature": {sig}}
	r := newRedactor(w, h, "Hookd-Signature")
	tests := []struct{ in, want string }{
		{"theme=dark at 1763856000, abc", "theme=dark at 1763856000, abc"}, // not credentials
		{"x cookie-secret-42 y", "x [redacted] y"},
		{"session=cookie-secret-42; theme=dark", "[redacted]"},
		{`{"auth":"Bearer sub-token-777"}`, `{"auth":"[redacted]"}`},
		{"token sub-token-777.", "token [redacted]."},
		{"v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd", "v1=[redacted]"},
		{"0123456789abcdefghijklmnopqrstuvwxyzABCDE", "[redacted]"},
		{`{"q":"a\"b\\c-quoted"}`, `{"q":"[redacted]"}`},
		{"ends with sub-tok", "ends with [redacted]"},
		{"ends with sub", "ends with sub"}, // under minRedactLength
		{"", ""},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, r.text(tt.in), tt.in)
	}
}
