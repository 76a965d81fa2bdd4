package delivery

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The signature scheme is Stripe's, so receivers can verify hookd's requests
// with the code they already run for Stripe (or with stripe-go's
// webhook.ValidatePayload): the header value is "t=<unix seconds>,v1=<hex>",
// where <hex> is the HMAC-SHA256 of "<t>.<body>" keyed by the endpoint's secret.

// Errors returned by ParseSignatureHeader and VerifySignature. They are
// wrapped with detail; test with errors.Is.
var (
	// ErrInvalidSignatureHeader means the header is not a signature header:
	// t is missing, repeated or not an integer, an element has no "=", or
	// there is no v1 element.
	ErrInvalidSignatureHeader = errors.New("invalid signature header")
	// ErrSignatureMismatch means no v1 value in the header is the signature
	// of the body under the secret.
	ErrSignatureMismatch = errors.New("no signature matches")
	// ErrSignatureTimestamp means the signature is valid but its timestamp is
	// further from now than the tolerance allows (in either direction).
	ErrSignatureTimestamp = errors.New("signature timestamp outside tolerance")
)

const (
	// sigHexLen is the length of one hex-encoded HMAC-SHA256.
	sigHexLen = 2 * sha256.Size
	// maxInt64Digits is enough for any int64 in decimal, sign included.
	maxInt64Digits = 20
)

// sign returns the hex HMAC-SHA256 of "<t>.<body>" keyed by secret. The key is
// the secret string exactly as shown to users, "whsec_" prefix included (that
// is what Stripe's verifiers use as the key, so receivers need not strip it).
func sign(secret string, t int64, body []byte) string {
	sc := scratchPool.Get().(*signScratch)
	defer sc.release()
	var out [sigHexLen]byte
	sc.signHex(&out, secret, appendSignedPrefix(sc.prefix[:0], t), body)
	return string(out[:])
}

// SignatureHeaderValue returns "t=<t>,v1=<hex>[,v1=<hex>...]": one v1 per
// secret, in the order given (during a secret rotation pass the new secret
// first). There are no spaces. With no secrets it returns "t=<t>" alone, which
// no verifier accepts.
func SignatureHeaderValue(t int64, body []byte, secrets ...string) string {
	sc := scratchPool.Get().(*signScratch)
	defer sc.release()
	p := appendSignedPrefix(sc.prefix[:0], t)

	// One allocation for the result: size it exactly, and build it in a
	// strings.Builder so String() does not copy.
	var b strings.Builder
	b.Grow(len("t=") + len(p) - 1 + len(secrets)*(len(",v1=")+sigHexLen))
	b.WriteString("t=")
	b.Write(p[:len(p)-1]) // the digits without the trailing "."
	var out [sigHexLen]byte
	for _, secret := range secrets {
		sc.signHex(&out, secret, p, body)
		b.WriteString(",v1=")
		b.Write(out[:])
	}
	return b.String()
}

// ParseSignatureHeader extracts the timestamp and every v1 value (verbatim, in
// order) from a header such as "t=1492774577,v1=5257a8…,v0=6ffbb5…".
//
// Elements are separated by commas; whitespace around an element is ignored
// (documentation often shows the header split over lines) and so are empty
// elements. Elements other than t and v1 (v0=…, future schemes) are ignored.
// It returns an error wrapping ErrInvalidSignatureHeader when an element has
// no "=", when t is missing, repeated or not a decimal integer, or when there
// is no v1 element.
func ParseSignatureHeader(header string) (t int64, v1 []string, err error) {
	sawT := false
	for elem := range strings.SplitSeq(header, ",") {
		elem = strings.TrimSpace(elem)
		if elem == "" {
			continue
		}
		key, value, ok := strings.Cut(elem, "=")
		if !ok {
			return 0, nil, fmt.Errorf("%w: element without \"=\"", ErrInvalidSignatureHeader)
		}
		switch key {
		case "t":
			if sawT {
				return 0, nil, fmt.Errorf("%w: t given twice", ErrInvalidSignatureHeader)
			}
			t, err = strconv.ParseInt(value, 10, 64)
			if err != nil {
				return 0, nil, fmt.Errorf("%w: t is not an integer", ErrInvalidSignatureHeader)
			}
			sawT = true
		case "v1":
			v1 = append(v1, value)
		}
	}
	if !sawT {
		return 0, nil, fmt.Errorf("%w: no t", ErrInvalidSignatureHeader)
	}
	if len(v1) == 0 {
		return 0, nil, fmt.Errorf("%w: no v1 signature", ErrInvalidSignatureHeader)
	}
	return t, v1, nil
}

// VerifySignature checks a signature header against body and secret, as a
// receiver would. It succeeds when any v1 value is the signature of body under
// secret (compared in constant time; hex case does not matter) and, when
// tolerance is positive, t is within tolerance of now in either direction.
// A tolerance of zero (or less) skips the timestamp check.
//
// Errors wrap ErrInvalidSignatureHeader (see ParseSignatureHeader),
// ErrSignatureMismatch, or ErrSignatureTimestamp. The signature is checked
// first, so ErrSignatureTimestamp means "authentic but stale or from the
// future" — usually clock skew or a replay — rather than a forgery.
func VerifySignature(header string, body []byte, secret string, tolerance time.Duration, now time.Time) error {
	t, sigs, err := ParseSignatureHeader(header)
	if err != nil {
		return err
	}
	sc := scratchPool.Get().(*signScratch)
	defer sc.release()
	want := sc.signRaw(secret, appendSignedPrefix(sc.prefix[:0], t), body)

	matched := false
	var got [sha256.Size]byte
	for _, s := range sigs {
		// Decoding rather than comparing hex strings accepts upper-case hex,
		// as Stripe's verifier does; anything that is not 32 bytes of hex can
		// never match and is skipped.
		if len(s) != sigHexLen {
			continue
		}
		if _, err := hex.Decode(got[:], []byte(s)); err != nil {
			continue
		}
		if hmac.Equal(got[:], want) {
			matched = true
			// No early exit, so the time taken does not say which of
			// several signatures matched.
		}
	}
	if !matched {
		return ErrSignatureMismatch
	}
	if tolerance > 0 && !withinTolerance(t, now, tolerance) {
		return fmt.Errorf("%w: t=%d, now=%d, tolerance %s", ErrSignatureTimestamp, t, now.Unix(), tolerance)
	}
	return nil
}

// withinTolerance reports whether the Unix time t (seconds) is within tol of
// now. It is careful with extreme t: a header can carry any int64.
func withinTolerance(t int64, now time.Time, tol time.Duration) bool {
	n := now.Unix()
	// |t-n| in seconds; unsigned subtraction cannot overflow.
	var diff uint64
	if t > n {
		diff = uint64(t) - uint64(n)
	} else {
		diff = uint64(n) - uint64(t)
	}
	if diff > uint64(math.MaxInt64/int64(time.Second))-1 {
		return false // further than any time.Duration can express
	}
	// t is within ~292 years of now, so time.Unix cannot overflow and the
	// comparison can keep now's sub-second part.
	d := now.Sub(time.Unix(t, 0))
	return d <= tol && d >= -tol
}

// appendSignedPrefix appends "<t>." to dst: the part of the signed payload
// before the body.
func appendSignedPrefix(dst []byte, t int64) []byte {
	dst = strconv.AppendInt(dst, t, 10)
	return append(dst, '.')
}

// signScratch holds the buffers one signature needs. Slices handed to
// crypto/hmac (through the hash.Hash interface) escape to the heap, so they
// come from a pool rather than the stack: this leaves crypto/hmac's own state
// and the returned string as the only allocations.
type signScratch struct {
	key    []byte // the secret; hmac.New copies it into its pads
	prefix [maxInt64Digits + 1]byte
	sum    [sha256.Size]byte
}

var scratchPool = sync.Pool{New: func() any { return new(signScratch) }}

// release wipes the secret and returns sc to the pool.
func (sc *signScratch) release() {
	clear(sc.key)
	sc.key = sc.key[:0]
	scratchPool.Put(sc)
}

// signRaw returns HMAC-SHA256(secret, prefix || body). The result aliases
// sc.sum and is valid until the next call on sc.
func (sc *signScratch) signRaw(secret string, prefix, body []byte) []byte {
	sc.key = append(sc.key[:0], secret...)
	mac := hmac.New(sha256.New, sc.key)
	mac.Write(prefix)
	mac.Write(body)
	return mac.Sum(sc.sum[:0])
}

// signHex writes the hex HMAC-SHA256(secret, prefix || body) into out.
func (sc *signScratch) signHex(out *[sigHexLen]byte, secret string, prefix, body []byte) {
	hex.Encode(out[:], sc.signRaw(secret, prefix, body))
}
