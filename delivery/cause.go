package delivery

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hookd/hookd/domain"
)

// A cause is the one-line reason an attempt failed, shown to admins in the
// dashboard and stored with the attempt. It must never contain the URL's query
// string or userinfo, nor any header value: both routinely hold credentials
// (?token=…, Authorization). So causes are built from the error's kind, not
// from err.Error() of the whole chain, and the fallback scrubs the URL out.

// errAttemptTimeout is the context cause Send sets for its own timeout, to tell
// it apart from the caller's context ending.
var errAttemptTimeout = errors.New("delivery attempt timed out")

// statusCause describes a response status and its kind; "" for a 2xx.
func statusCause(code int) (kind, cause string) {
	switch {
	case code >= 200 && code <= 299:
		return "", ""
	case code == http.StatusMovedPermanently, code == http.StatusFound, code == http.StatusSeeOther,
		code == http.StatusTemporaryRedirect, code == http.StatusPermanentRedirect:
		return domain.AttemptErrorRedirect, "redirect not followed (HTTP " + strconv.Itoa(code) + ")"
	default:
		return domain.AttemptErrorStatus, "HTTP " + strconv.Itoa(code)
	}
}

// causeTimeouts are the limits a cause may quote.
type causeTimeouts struct {
	attempt   time.Duration // SenderConfig.Timeout
	dial      time.Duration
	handshake time.Duration
}

// errorCause describes err, the failure of an exchange that produced no
// response. ctxCause is context.Cause of the attempt's context (nil while it
// is live); rawURL is scrubbed from anything quoted verbatim.
func errorCause(err, ctxCause error, lim causeTimeouts, rawURL string) (kind, cause string) {
	err = stripURLError(err)

	// The SSRF guard's verdict wins over everything: it is why the dial failed.
	if errors.Is(err, domain.ErrAddressNotAllowed) {
		return domain.AttemptErrorSSRF, domain.ErrAddressNotAllowed.Error()
	}
	// When the attempt's own clock ran out, whatever error surfaced (a dial,
	// read or handshake cut short) is a symptom of that.
	switch {
	case errors.Is(ctxCause, errAttemptTimeout):
		return domain.AttemptErrorTimeout, "timeout after " + lim.attempt.String()
	case errors.Is(ctxCause, context.DeadlineExceeded):
		return domain.AttemptErrorTimeout, "timeout: deadline of the caller exceeded"
	case errors.Is(ctxCause, context.Canceled), ctxCause != nil:
		return domain.AttemptErrorCancelled, "attempt cancelled"
	}

	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		switch {
		case dnsErr.IsNotFound:
			return domain.AttemptErrorDNS, "DNS lookup failed: no such host"
		case dnsErr.IsTimeout:
			return domain.AttemptErrorDNS, "DNS lookup failed: timeout"
		default:
			// dnsErr.Err is the resolver's reason ("server misbehaving"); the
			// name and server are left out on purpose.
			return domain.AttemptErrorDNS, "DNS lookup failed: " + dnsErr.Err
		}
	}

	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return domain.AttemptErrorConnection, "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return domain.AttemptErrorConnection, "connection reset by peer"
	case errors.Is(err, syscall.EPIPE):
		return domain.AttemptErrorConnection, "connection closed while sending the request"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return domain.AttemptErrorConnection, "host unreachable"
	case errors.Is(err, syscall.ENETUNREACH):
		return domain.AttemptErrorConnection, "network unreachable"
	case errors.Is(err, syscall.ETIMEDOUT):
		return domain.AttemptErrorTimeout, "connection timed out"
	}

	if c := tlsCause(err, lim.handshake); c != "" {
		return domain.AttemptErrorTLS, c
	}

	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" && opErr.Timeout() {
		return domain.AttemptErrorTimeout, "connect timeout after " + lim.dial.String()
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		// ResponseHeaderTimeout equals the attempt timeout; any other
		// transport timeout is reported the same way.
		return domain.AttemptErrorTimeout, "timeout after " + lim.attempt.String()
	}

	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return domain.AttemptErrorConnection, "connection closed before a response"
	}

	return domain.AttemptErrorOther, scrub(err.Error(), rawURL)
}

// tlsCause describes a TLS failure, or returns "" when err is not one.
func tlsCause(err error, handshake time.Duration) string {
	const prefix = "TLS handshake failed: "

	var recErr tls.RecordHeaderError
	if errors.As(err, &recErr) {
		if string(recErr.RecordHeader[:]) == "HTTP/" { // an https:// URL at a plain-HTTP port
			return prefix + "the server answered with plain HTTP"
		}
		return prefix + "the server did not answer with TLS"
	}
	// net/http turns a RecordHeaderError that looks like HTTP into this
	// plain error (an https:// URL pointing at a plain-HTTP port).
	if strings.Contains(err.Error(), "server gave HTTP response to HTTPS client") {
		return prefix + "the server answered with plain HTTP"
	}
	var verifyErr *tls.CertificateVerificationError
	if errors.As(err, &verifyErr) {
		return prefix + trimTLSPrefix(verifyErr.Err.Error())
	}
	var (
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalidErr  x509.CertificateInvalidError
	)
	if errors.As(err, &unknownAuth) || errors.As(err, &hostErr) || errors.As(err, &invalidErr) {
		return prefix + trimTLSPrefix(err.Error())
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() && strings.Contains(err.Error(), "TLS handshake timeout") {
		return "TLS handshake timed out after " + handshake.String()
	}
	// An alert from the server arrives as *net.OpError{Op: "remote error"}
	// around an unexported alert type whose text starts with "tls: ".
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "remote error" {
		return prefix + "remote error: " + trimTLSPrefix(opErr.Err.Error())
	}
	if msg := innermost(err).Error(); strings.HasPrefix(msg, "tls: ") {
		return prefix + trimTLSPrefix(msg)
	}
	return ""
}

// trimTLSPrefix drops the package prefix crypto/tls and crypto/x509 put on
// their messages; "TLS handshake failed" already says where it came from.
func trimTLSPrefix(msg string) string {
	msg = strings.TrimPrefix(msg, "tls: ")
	return strings.TrimPrefix(msg, "x509: ")
}

// stripURLError removes every *url.Error layer: their text starts with the
// method and full URL, query string included.
func stripURLError(err error) error {
	for {
		var ue *url.Error
		if !errors.As(err, &ue) || ue.Err == nil {
			return err
		}
		err = ue.Err
	}
}

// innermost follows single Unwrap links to the end of the chain.
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// scrub removes rawURL, and its query string on its own, from msg: the
// fallback cause quotes an error's text and must not leak credentials.
func scrub(msg, rawURL string) string {
	if rawURL == "" {
		return msg
	}
	if u, err := url.Parse(rawURL); err == nil {
		safe := *u
		safe.User = nil
		safe.RawQuery = ""
		safe.ForceQuery = false
		safe.Fragment = ""
		safe.RawFragment = ""
		msg = strings.ReplaceAll(msg, rawURL, safe.String())
		if u.RawQuery != "" {
			msg = strings.ReplaceAll(msg, u.RawQuery, "…")
		}
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "…")
		}
		return msg
	}
	return strings.ReplaceAll(msg, rawURL, "(URL)")
}
