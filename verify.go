package hookd

import (
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
