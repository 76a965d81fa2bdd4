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
// stored in the clear. The values are worked out on first use: most
// answers are short, and every attempt makes one.
type redactor struct {
	w          *domain.Webhook
	header     http.Header
	hookd      string   // the operator's name for hookd's signature header
	values     []string // longest first
	valuesDone bool
}

func newRedactor(w *domain.Webhook, header http.Header, hookdHeader string) *redactor {
	return &redactor{w: w, header: header, hookd: hookdHeader}
}

// credentials returns the values to redact, longest first.
func (r *redactor) credentials() []string {
	if !r.valuesDone {
		r.values, r.valuesDone = credentialValues(r.w, r.header, r.hookd), true
	}
	return r.values
}

// credentialValues lists a webhook's credentials as a receiver may send
// them back, and the signatures h carries.
func credentialValues(w *domain.Webhook, h http.Header, hookdHeader string) []string {
	values := make([]string, 0, 8)
	add := func(v string) {
		if len(v) >= minRedactLength && !slices.Contains(values, v) {
			values = append(values, v)
		}
	}
	addForms(w.Secret, add)
	addForms(w.PreviousSecret, add)
	addForms(w.AuthorizationHeader, add)
	// Each signature, and each of its parts long enough to be a MAC (the
	// timestamps beside them are not secret): formats write them as
	// "t=…,v1=…", "v1,… v1,…", "sha256=…".
	addSignatures := func(name string) {
		for _, sig := range h[name] {
			add(sig)
			for rest := sig; rest != ""; {
				i := strings.IndexAny(rest, ", =;")
				part := rest
				if i >= 0 {
					part, rest = rest[:i], rest[i+1:]
				} else {
					rest = ""
				}
				if len(part) >= minSignaturePartLength {
					add(part)
				}
			}
		}
	}
	for _, name := range signatureHeaders {
		addSignatures(name)
	}
	if k := http.CanonicalHeaderKey(hookdHeader); !slices.Contains(signatureHeaders, k) {
		addSignatures(k)
	}
	for name, v := range w.Headers {
		addForms(v, add)
		if strings.EqualFold(name, "Cookie") {
			// Each cookie's value, when long enough to be a secret.
			for _, pair := range strings.Split(v, ";") {
				if _, value, ok := strings.Cut(strings.TrimSpace(pair), "="); ok && len(value) >= 8 {
					add(value)
				}
			}
		}
	}
	// Longest first, so a value containing another is redacted whole.
	slices.SortFunc(values, func(a, b string) int { return len(b) - len(a) })
	return values
}

// addForms adds how a credential value may come back: as is, its
// credential without the scheme ("Bearer x" → x), a Basic pair decoded and
// its password, a secret without its whsec_ prefix, and each of those as a
// JSON string would escape it.
func addForms(v string, add func(string)) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	form := func(f string) {
		add(f)
		if strings.ContainsAny(f, "\"\\<>&\u2028\u2029") { // else JSON writes it as is
			if q, err := json.Marshal(f); err == nil {
				add(string(q[1 : len(q)-1]))
			}
		}
	}
	form(v)
	if scheme, cred, ok := strings.Cut(v, " "); ok && isAuthScheme(scheme) {
		cred = strings.TrimSpace(cred)
		form(cred)
		if strings.EqualFold(scheme, "Basic") {
			if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
				form(string(dec))
				if _, pass, ok := strings.Cut(string(dec), ":"); ok {
					form(pass)
				}
			}
		}
	}
	if rest, ok := strings.CutPrefix(v, domain.SecretPrefix); ok {
		form(rest)
	}
}

// text redacts s. A credential cut off by the end of the excerpt is
// redacted too: its first half is half a credential.
func (r *redactor) text(s string) string {
	if len(s) < minRedactLength {
		return s
	}
	values := r.credentials()
	for _, v := range values {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, redacted)
		}
	}
	for _, v := range values {
		for k := len(v) - 1; k >= minRedactLength; k-- {
			if strings.HasSuffix(s, v[:k]) {
				return s[:len(s)-k] + redacted
			}
		}
	}
	return s
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
