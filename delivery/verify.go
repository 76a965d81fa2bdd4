package delivery

import (
	"fmt"
	"net/http"
	"time"

	"github.com/hookd/hookd/domain"
)

// ErrUnknownFormat is returned by Verify for a format hookd does not have.
var ErrUnknownFormat = fmt.Errorf("unknown format")

// Verify checks a request hookd sent in format as that format's receivers
// do: header holds the request's headers, body the raw body, secret the
// webhook's secret as shown. hookdHeader names hookd's signature header (the
// hookd and firstup formats; "" means Hookd-Signature). When tolerance is
// positive the signature's timestamp must be within it of now (fluent
// carries none).
//
// Errors wrap ErrInvalidSignatureHeader (headers missing or malformed),
// ErrSignatureMismatch, ErrSignatureTimestamp or ErrUnknownFormat.
func Verify(format string, header http.Header, body []byte, secret string, tolerance time.Duration, now time.Time, hookdHeader string) error {
	f, ok := formats[format]
	if !ok {
		return fmt.Errorf("%w %q (want one of %v)", ErrUnknownFormat, format, domain.Formats)
	}
	if hookdHeader == "" {
		hookdHeader = SignatureHeaderDefault
	}
	return f.verify(verifyInput{header: header, body: body, secret: secret, tolerance: tolerance, now: now, hookdHeader: hookdHeader})
}
