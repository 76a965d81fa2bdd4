package domain

import (
	"encoding/base64"
	"strings"
)

// Delivery formats: what a webhook's requests look like, body and
// signature. Each matches what receivers written for one platform verify
// unchanged; the delivery package builds them.
const (
	// FormatHookd is hookd's own envelope {"id","type","created","version",
	// "data"} signed with a Stripe-style t=…,v1=… header.
	FormatHookd = "hookd"
	// FormatStandard is Standard Webhooks v1 (what the standardwebhooks and
	// svix libraries verify).
	FormatStandard = "standard"
	// FormatSelfCommunity is SelfCommunity's {"type","created","data"} with
	// a SelfCommunity-Signature header.
	FormatSelfCommunity = "selfcommunity"
	// FormatFluent is Fluent Community's {"event","timestamp","data"} with
	// X-Fluent-Signature.
	FormatFluent = "fluent"
	// FormatFirstup is Firstup's flat payload with the subscription's
	// Authorization header.
	FormatFirstup = "firstup"
	// FormatTribe is Tribe's subscription envelope with X-Tribe-Signature.
	FormatTribe = "tribe"
)

// Formats lists every delivery format, the default first.
var Formats = []string{FormatHookd, FormatStandard, FormatSelfCommunity, FormatFluent, FormatFirstup, FormatTribe}

// ValidateFormat checks a webhook's format.
func ValidateFormat(format string) error {
	for _, f := range Formats {
		if f == format {
			return nil
		}
	}
	return InvalidParam("format", "format must be one of: %s.", strings.Join(Formats, ", "))
}

// Standard Webhooks bounds the decoded secret: at least 24 bytes, and 64 is
// as long as any library is known to accept.
const (
	minStandardSecretBytes = 24
	maxStandardSecretBytes = 64
)

// StandardSecretKey returns the HMAC key of a Standard Webhooks secret: the
// standard base64 (with padding) after "whsec_", decoded. ok is false when
// the secret is not of that form or decodes to other than 24–64 bytes; such
// a secret cannot sign the standard format (the libraries refuse it).
func StandardSecretKey(secret string) (key []byte, ok bool) {
	rest, found := strings.CutPrefix(secret, SecretPrefix)
	// Go's decoder skips line breaks; the JavaScript libraries do not.
	if !found || strings.ContainsAny(rest, "\r\n") {
		return nil, false
	}
	key, err := base64.StdEncoding.Strict().DecodeString(rest)
	if err != nil || len(key) < minStandardSecretBytes || len(key) > maxStandardSecretBytes {
		return nil, false
	}
	return key, true
}

// standardSecretRule says what a standard secret must look like.
const standardSecretRule = "the standard format needs a secret of \"whsec_\" followed by standard base64 (with padding) of 24 to 64 bytes"

// ValidateSecretForFormat checks a caller-chosen secret (already valid for
// ValidateSecret) against what format can sign with. Only the standard
// format has a rule of its own.
func ValidateSecretForFormat(format, secret string) error {
	if format != FormatStandard {
		return nil
	}
	if _, ok := StandardSecretKey(secret); !ok {
		return InvalidParam("secret", "secret cannot be used: %s (e.g. one hookd generates).", standardSecretRule)
	}
	return nil
}

// ErrSecretNotStandard refuses switching a webhook to the standard format
// while its current secret cannot sign it.
var ErrSecretNotStandard = &Error{
	Code:    CodeInvalidParam,
	Message: "This webhook's secret cannot be used by the standard format: " + standardSecretRule + ". Rotate the secret first (POST /v2/admin/webhooks/{id}/rotate-secret generates one that fits), then set the format.",
	Params: map[string]string{
		"format": "Rotate the secret first: " + standardSecretRule + ".",
		"secret": "This secret cannot sign the standard format; rotate it.",
	},
}

// FormatHeaders are the request headers the formats set themselves
// (canonical form); a webhook's custom headers cannot override them.
var FormatHeaders = []string{
	"Webhook-Id", "Webhook-Timestamp", "Webhook-Signature",
	"Selfcommunity-Signature",
	"X-Fluent-Signature",
	"X-Tribe-Signature", "X-Tribe-Request-Timestamp",
}
