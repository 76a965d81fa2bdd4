package delivery

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/hookd/hookd/domain"
)

// redacted replaces credential values in stored attempts.
const redacted = "[redacted]"

// minSignaturePartLength is the shortest part of a signature header value
// redacted on its own: MACs are 32 bytes and more in hex or base64, while a
// Unix timestamp or a scheme tag ("v1", "sha256") is shorter.
const minSignaturePartLength = 16

// minRedactLength is the shortest credential searched for in what a
// receiver answers: shorter strings are not credentials, and redacting
// them would blank out ordinary words.
const minRedactLength = 4

// redactor removes a webhook's known credential values (its secrets, its
// Authorization and custom header values, the signature sent) from what a
// receiver answered, so an endpoint echoing its request does not get them
// stored in the clear.
type redactor struct {
	values   []string // longest first
	replacer *strings.Replacer
}

func newRedactor(w *domain.Webhook, signatures []string) *redactor {
	var values []string
	add := func(v string) {
		if len(v) >= minRedactLength && !slices.Contains(values, v) {
			values = append(values, v)
		}
	}
	for _, v := range []string{w.Secret, w.PreviousSecret, w.AuthorizationHeader} {
		for _, f := range credentialForms(v) {
			add(f)
		}
	}
	// Each signature, and each of its parts long enough to be a MAC (the
	// timestamps beside them are not secret): formats write them as
	// "t=…,v1=…", "v1,… v1,…", "sha256=…".
	for _, sig := range signatures {
		add(sig)
		for _, part := range strings.FieldsFunc(sig, func(r rune) bool { return r == ',' || r == ' ' || r == '=' || r == ';' }) {
			if len(part) >= minSignaturePartLength {
				add(part)
			}
		}
	}
	for name, v := range w.Headers {
		for _, f := range credentialForms(v) {
			add(f)
		}
		if strings.EqualFold(name, "Cookie") {
			// Each cookie's value, when long enough to be a secret.
			for _, pair := range strings.Split(v, ";") {
				if _, value, ok := strings.Cut(strings.TrimSpace(pair), "="); ok && len(value) >= 8 {
					add(value)
				}
			}
		}
	}
	// Longest first: at one position the replacer takes the first match.
	slices.SortFunc(values, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(values))
	for _, v := range values {
		pairs = append(pairs, v, redacted)
	}
	return &redactor{values: values, replacer: strings.NewReplacer(pairs...)}
}

// credentialForms lists how a credential value may come back: as is, its
// credential without the scheme ("Bearer x" → x), a Basic pair decoded and
// its password, a secret without its whsec_ prefix, and each of those as a
// JSON string would escape it.
func credentialForms(v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	forms := []string{v}
	if scheme, cred, ok := strings.Cut(v, " "); ok && isAuthScheme(scheme) {
		cred = strings.TrimSpace(cred)
		forms = append(forms, cred)
		if strings.EqualFold(scheme, "Basic") {
			if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
				forms = append(forms, string(dec))
				if _, pass, ok := strings.Cut(string(dec), ":"); ok {
					forms = append(forms, pass)
				}
			}
		}
	}
	if rest, ok := strings.CutPrefix(v, domain.SecretPrefix); ok {
		forms = append(forms, rest)
	}
	for _, f := range forms {
		if q, err := json.Marshal(f); err == nil && string(q[1:len(q)-1]) != f {
			forms = append(forms, string(q[1:len(q)-1]))
		}
	}
	return forms
}

// text redacts s. A credential cut off by the end of the excerpt is
// redacted too: its first half is half a credential.
func (r *redactor) text(s string) string {
	if len(r.values) == 0 || s == "" {
		return s
	}
	s = r.replacer.Replace(s)
	for _, v := range r.values {
		for k := len(v) - 1; k >= minRedactLength; k-- {
			if strings.HasSuffix(s, v[:k]) {
				return s[:len(s)-k] + redacted
			}
		}
	}
	return s
}

// signatureValues returns the signature header values set on h: every
// format's, and hookd's under the operator's name.
func signatureValues(h http.Header, hookdHeader string) []string {
	var out []string
	for _, name := range append(signatureHeaders, http.CanonicalHeaderKey(hookdHeader)) {
		out = append(out, h.Values(name)...)
	}
	return out
}

// recordedRequestHeaders is h as stored with the attempt: the values of
// every custom header, of Authorization and Cookie, and of the signature
// redacted.
func recordedRequestHeaders(h http.Header, custom map[string]string, signatureHeader string) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = strings.Join(v, ", ")
	}
	for name := range custom {
		out[http.CanonicalHeaderKey(name)] = redacted
	}
	for _, name := range credentialHeaders {
		if _, ok := out[name]; ok {
			out[name] = redacted
		}
	}
	if k := http.CanonicalHeaderKey(signatureHeader); out[k] != "" {
		out[k] = redacted
	}
	return out
}

// responseHeaders redacts the receiver's own cookies and any known
// credential it echoed in a header.
func (r *redactor) responseHeaders(h map[string]string) map[string]string {
	for k, v := range h {
		if k == "Set-Cookie" {
			h[k] = redacted
			continue
		}
		h[k] = r.text(v)
	}
	return h
}

// excerpt is textExcerpt with the known credentials redacted.
func (r *redactor) excerpt(b []byte) *string {
	s := textExcerpt(b)
	if s == nil {
		return nil
	}
	out := r.text(*s)
	return &out
}

// isAuthScheme reports whether s can be an HTTP authentication scheme
// (Bearer, Basic, Token, …), the first word of an Authorization value.
func isAuthScheme(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (i == 0 || (c < '0' || c > '9') && c != '-') {
			return false
		}
	}
	return true
}
