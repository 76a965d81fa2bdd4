package domain

import (
	"errors"
	"net/url"
	"strings"
)

// MaxURLLength bounds a webhook URL.
const MaxURLLength = 2048

// URLPolicy holds the operator's rules for webhook URLs.
type URLPolicy struct {
	// AllowHTTP permits plain-http URLs (HOOKD_ALLOW_HTTP).
	AllowHTTP bool
	// Addresses refuses a URL whose host is a literal forbidden address (the
	// SSRF guard's rule, checked again on every connection).
	Addresses AddressPolicy
}

// ValidateURL checks a webhook URL: absolute, https (unless AllowHTTP), no
// user-info, at most 2048 characters. Every failure is an invalid_url error.
func (p URLPolicy) ValidateURL(raw string) error {
	invalid := func(msg string) error {
		return &Error{Code: CodeInvalidURL, Message: msg, Params: map[string]string{"url": msg}}
	}
	if raw == "" {
		return invalid("Webhook URL is required.")
	}
	if len(raw) > MaxURLLength {
		return invalid("Webhook URL must be at most 2048 characters.")
	}
	if strings.ContainsAny(raw, " \t\r\n") {
		return invalid("Webhook URL must not contain whitespace.")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Opaque != "" {
		return invalid("Webhook URL must be an absolute URL.")
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !p.AllowHTTP {
			return invalid("Webhook URL must use HTTPS protocol.")
		}
	default:
		if p.AllowHTTP {
			return invalid("Webhook URL must use HTTP or HTTPS protocol.")
		}
		return invalid("Webhook URL must use HTTPS protocol.")
	}
	if u.User != nil {
		return invalid("Webhook URL must not contain a user name or password.")
	}
	host := u.Hostname()
	if host == "" {
		return invalid("Webhook URL must have a host.")
	}
	if port := u.Port(); port != "" {
		if n := atoiOrNeg(port); n < 1 || n > 65535 {
			return invalid("Webhook URL has an invalid port.")
		}
	}
	switch err := p.Addresses.CheckHost(host); {
	case err == nil:
	case errors.Is(err, ErrNumericHost):
		return invalid("Webhook URL host is a numeric form of an IP address (decimal, octal or hexadecimal), which is not allowed; write the address as a.b.c.d.")
	case errors.Is(err, ErrInvalidHost):
		return invalid("Webhook URL has an invalid host name.")
	default:
		return invalid("Webhook URL points to a private, loopback or otherwise reserved address, which is not allowed.")
	}
	return nil
}

func atoiOrNeg(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 65535 {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}
