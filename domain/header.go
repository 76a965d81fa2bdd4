package domain

import (
	"net/http"
	"sort"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// Limits on a webhook's custom headers.
const (
	MaxCustomHeaders     = 50
	MaxHeaderValueLength = 4096
)

// reservedHeaders are set by hookd itself (FormatHeaders too) or break HTTP
// framing when a customer sets them; the check is on the canonical form.
var reservedHeaders = func() map[string]bool {
	m := map[string]bool{
		"Host":              true,
		"Content-Length":    true,
		"Content-Type":      true,
		"Transfer-Encoding": true,
		"Connection":        true,
		"Keep-Alive":        true,
		"Proxy-Connection":  true,
		"Upgrade":           true,
		"Te":                true,
		"Trailer":           true,
		"Expect":            true,
		"User-Agent":        true,
	}
	for _, h := range FormatHeaders {
		m[h] = true
	}
	return m
}()

// ValidateHeaders checks custom headers: valid names and values (no CR, LF
// or other control characters), none that hookd owns, at most 50.
// signatureHeader is the operator's signature header name, also owned by
// hookd.
func ValidateHeaders(headers map[string]string, signatureHeader string) error {
	if len(headers) > MaxCustomHeaders {
		return InvalidParam("headers", "headers may hold at most %d entries.", MaxCustomHeaders)
	}
	names := make([]string, 0, len(headers))
	for name := range headers {
		names = append(names, name)
	}
	sort.Strings(names) // so the first error reported is stable
	seen := make(map[string]bool, len(headers))
	for _, name := range names {
		value := headers[name]
		if !httpguts.ValidHeaderFieldName(name) {
			return InvalidParam("headers", "header name %q is not a valid HTTP header name.", name)
		}
		canonical := http.CanonicalHeaderKey(name)
		if reservedHeaders[canonical] || strings.HasPrefix(canonical, "Hookd-") ||
			(signatureHeader != "" && strings.EqualFold(name, signatureHeader)) {
			return InvalidParam("headers", "header %q is set by hookd and cannot be overridden.", name)
		}
		if seen[canonical] {
			return InvalidParam("headers", "header %q is given more than once.", name)
		}
		seen[canonical] = true
		if len(value) > MaxHeaderValueLength {
			return InvalidParam("headers", "header %q value must be at most %d characters.", name, MaxHeaderValueLength)
		}
		if !validHeaderValue(value) {
			return InvalidParam("headers", "header %q value must not contain CR, LF or other control characters.", name)
		}
	}
	return nil
}

func validHeaderValue(v string) bool {
	if !httpguts.ValidHeaderFieldValue(v) {
		return false
	}
	// ValidHeaderFieldValue allows horizontal tab only; refuse DEL as well.
	return !strings.ContainsRune(v, 0x7f)
}
