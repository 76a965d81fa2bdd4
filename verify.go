package hookd

import (
	"net/http"
	"time"

	"github.com/hookd/hookd/delivery"
)

// VerifySignature checks a request hookd sent, for receivers written in Go:
// header is the signature header's value, body the raw request body, secret
// the webhook's secret ("whsec_…", used as is). Requests signed more than
// tolerance ago are refused (0: no check; 5 minutes is usual).
func VerifySignature(header string, body []byte, secret string, tolerance time.Duration) error {
	return delivery.VerifySignature(header, body, secret, tolerance, time.Now())
}

// Errors Verify and VerifySignature return, wrapped with detail; test with
// errors.Is.
var (
	// ErrInvalidSignatureHeader: the signature headers are missing or
	// malformed.
	ErrInvalidSignatureHeader = delivery.ErrInvalidSignatureHeader
	// ErrSignatureMismatch: no signature is the body's under the secret.
	ErrSignatureMismatch = delivery.ErrSignatureMismatch
	// ErrSignatureTimestamp: authentic, but signed further from now than
	// the tolerance (clock skew or a replay).
	ErrSignatureTimestamp = delivery.ErrSignatureTimestamp
	// ErrUnknownFormat: format is not one of domain.Formats.
	ErrUnknownFormat = delivery.ErrUnknownFormat
)

// Verify checks a request hookd sent to a webhook in format (hookd,
// standard, selfcommunity, fluent, firstup or tribe), for receivers written
// in Go: header is the request's header, body the raw request body, secret
// the webhook's secret as shown. Requests signed more than tolerance ago
// (or ahead) are refused; 0 skips the check, 5 minutes is usual. The
// fluent format carries no timestamp, so tolerance does not apply to it.
//
// The hookd and firstup formats are signed in Hookd-Signature; when the
// operator renamed it (HOOKD_SIGNATURE_HEADER), pass that header's value to
// VerifySignature instead. During a secret rotation, formats with one
// signature (fluent, tribe) keep the old secret until the overlap ends:
// try the old secret, then the new.
func Verify(format string, header http.Header, body []byte, secret string, tolerance time.Duration) error {
	return delivery.Verify(format, header, body, secret, tolerance, time.Now(), "")
}
