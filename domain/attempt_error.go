package domain

// Kinds of attempt failure: the error_kind of an attempt, beside its
// readable error text, so that programs (the dashboard among them) can act
// on a failure without matching its wording.
const (
	AttemptErrorTimeout    = "timeout"     // the attempt, connect or response wait ran out of time
	AttemptErrorConnection = "connection"  // refused, reset, unreachable, closed before a response
	AttemptErrorDNS        = "dns"         // the host name did not resolve
	AttemptErrorTLS        = "tls"         // handshake, certificate or protocol failure
	AttemptErrorStatus     = "status"      // a response other than 2xx (and not a redirect)
	AttemptErrorRedirect   = "redirect"    // a 3xx, which hookd never follows
	AttemptErrorSSRF       = "ssrf"        // the SSRF guard refused the destination address
	AttemptErrorInvalidURL = "invalid_url" // the URL could not be turned into a request
	AttemptErrorCancelled  = "cancelled"   // the attempt was cut off (hookd stopping)
	AttemptErrorOther      = "other"       // anything else; the error text says what
)

// AttemptErrorKinds lists every kind, for validation and the API contract.
var AttemptErrorKinds = []string{AttemptErrorTimeout, AttemptErrorConnection, AttemptErrorDNS, AttemptErrorTLS,
	AttemptErrorStatus, AttemptErrorRedirect, AttemptErrorSSRF, AttemptErrorInvalidURL, AttemptErrorCancelled,
	AttemptErrorOther}
