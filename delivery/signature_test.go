package delivery

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	stripewebhook "github.com/stripe/stripe-go/v84/webhook"
)

const (
	testSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	testSecretNew = "whsec_5mQ1xbYNzUQ7eC4C3ZtrR0WfX1Eo8hAm"
	testBody      = `{"type":"comment.created","data":{"id":42}}`
)

// referenceSign is HMAC-SHA256 written the plain way, to check the
// allocation-light version against.
func referenceSign(secret string, t int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(t, 10) + "."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

func TestSign(t *testing.T) {
	t.Parallel()

	t.Run("KnownVector", func(t *testing.T) {
		t.Parallel()
		// Computed independently: printf '1492774577.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
		require.Equal(t,
			"2a55874e33dedb30da6fac02873208f53a243141599a71c0d52a1d5b89656823",
			sign("whsec_test", 1492774577, []byte(`{"a":1}`)))
	})

	t.Run("MatchesReference", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			name   string
			secret string
			ts     int64
			body   []byte
		}{
			{name: "Typical", secret: testSecret, ts: 1700000000, body: []byte(testBody)},
			{name: "EmptyBody", secret: testSecret, ts: 1700000000, body: nil},
			{name: "EmptySecret", secret: "", ts: 1, body: []byte("x")},
			{name: "NegativeTime", secret: testSecret, ts: -5, body: []byte("x")},
			{name: "MaxTime", secret: testSecret, ts: 1<<63 - 1, body: []byte("x")},
			{name: "MinTime", secret: testSecret, ts: -1 << 63, body: []byte("x")},
			{name: "LongSecret", secret: strings.Repeat("k", 200), ts: 1700000000, body: []byte("x")},
		} {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				require.Equal(t, referenceSign(tt.secret, tt.ts, tt.body), sign(tt.secret, tt.ts, tt.body))
			})
		}
	})

	t.Run("PrefixIsPartOfTheKey", func(t *testing.T) {
		t.Parallel()
		body := []byte(testBody)
		require.NotEqual(t,
			sign(testSecret, 1, body),
			sign(strings.TrimPrefix(testSecret, "whsec_"), 1, body))
	})
}

func TestSignatureHeaderValue(t *testing.T) {
	t.Parallel()

	body := []byte(testBody)

	for _, tt := range []struct {
		name    string
		ts      int64
		secrets []string
		want    string
	}{
		{
			name:    "OneSecret",
			ts:      1492774577,
			secrets: []string{testSecret},
			want:    "t=1492774577,v1=" + referenceSign(testSecret, 1492774577, body),
		},
		{
			name:    "TwoSecretsInOrder",
			ts:      1492774577,
			secrets: []string{testSecretNew, testSecret},
			want: "t=1492774577,v1=" + referenceSign(testSecretNew, 1492774577, body) +
				",v1=" + referenceSign(testSecret, 1492774577, body),
		},
		{
			name: "NoSecrets",
			ts:   7,
			want: "t=7",
		},
		{
			name:    "NegativeTime",
			ts:      -1,
			secrets: []string{testSecret},
			want:    "t=-1,v1=" + referenceSign(testSecret, -1, body),
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := SignatureHeaderValue(tt.ts, body, tt.secrets...)
			require.Equal(t, tt.want, got)
			require.NotContains(t, got, " ")
		})
	}
}

// TestStripeVerifierAccepts checks interoperability with Stripe's published
// Go verifier, which is what a receiver already using Stripe would run.
func TestStripeVerifierAccepts(t *testing.T) {
	t.Parallel()

	body := []byte(testBody)

	t.Run("SingleSecret", func(t *testing.T) {
		t.Parallel()
		header := SignatureHeaderValue(time.Now().Unix(), body, testSecret)
		require.NoError(t, stripewebhook.ValidatePayload(body, header, testSecret))
	})

	t.Run("TwoSecretsEachAccepted", func(t *testing.T) {
		t.Parallel()
		// During a rotation the receiver may hold either secret; each must
		// verify on its own.
		header := SignatureHeaderValue(time.Now().Unix(), body, testSecretNew, testSecret)
		require.NoError(t, stripewebhook.ValidatePayload(body, header, testSecretNew))
		require.NoError(t, stripewebhook.ValidatePayload(body, header, testSecret))
	})

	t.Run("WrongSecretRejected", func(t *testing.T) {
		t.Parallel()
		header := SignatureHeaderValue(time.Now().Unix(), body, testSecretNew, testSecret)
		err := stripewebhook.ValidatePayload(body, header, "whsec_wrong")
		require.ErrorIs(t, err, stripewebhook.ErrNoValidSignature)
	})

	t.Run("PrefixlessSecretRejected", func(t *testing.T) {
		t.Parallel()
		header := SignatureHeaderValue(time.Now().Unix(), body, testSecret)
		err := stripewebhook.ValidatePayload(body, header, strings.TrimPrefix(testSecret, "whsec_"))
		require.ErrorIs(t, err, stripewebhook.ErrNoValidSignature)
	})

	t.Run("ModifiedBodyRejected", func(t *testing.T) {
		t.Parallel()
		header := SignatureHeaderValue(time.Now().Unix(), body, testSecret)
		modified := bytes.Replace(body, []byte("42"), []byte("43"), 1)
		err := stripewebhook.ValidatePayload(modified, header, testSecret)
		require.ErrorIs(t, err, stripewebhook.ErrNoValidSignature)
	})

	t.Run("OldTimestampRejected", func(t *testing.T) {
		t.Parallel()
		old := time.Now().Add(-5*time.Minute - 10*time.Second).Unix()
		header := SignatureHeaderValue(old, body, testSecret)
		err := stripewebhook.ValidatePayload(body, header, testSecret)
		require.ErrorIs(t, err, stripewebhook.ErrTooOld)
		// The signature itself is fine; only its age is rejected.
		require.NoError(t, stripewebhook.ValidatePayloadIgnoringTolerance(body, header, testSecret))
	})

	t.Run("SignMatchesStripeComputeSignature", func(t *testing.T) {
		t.Parallel()
		now := time.Unix(1700000000, 0)
		want := hex.EncodeToString(stripewebhook.ComputeSignature(now, body, testSecret))
		require.Equal(t, want, sign(testSecret, now.Unix(), body))
	})

	t.Run("StripeHeaderVerifiesHere", func(t *testing.T) {
		t.Parallel()
		now := time.Now()
		signed := stripewebhook.GenerateTestSignedPayload(&stripewebhook.UnsignedPayload{
			Payload: body, Secret: testSecret, Timestamp: now,
		})
		require.NoError(t, VerifySignature(signed.Header, body, testSecret, 5*time.Minute, now))
	})
}

func TestParseSignatureHeader(t *testing.T) {
	t.Parallel()

	sig := strings.Repeat("ab", 32)

	for _, tt := range []struct {
		name    string
		header  string
		wantT   int64
		wantV1  []string
		wantErr string
	}{
		{name: "Simple", header: "t=1492774577,v1=" + sig, wantT: 1492774577, wantV1: []string{sig}},
		{name: "TwoV1AndV0", header: "t=5,v1=aa,v0=bb,v1=cc", wantT: 5, wantV1: []string{"aa", "cc"}},
		{name: "V1BeforeT", header: "v1=aa,t=5", wantT: 5, wantV1: []string{"aa"}},
		{name: "UnknownSchemesIgnored", header: "t=5,v2=zz,x=,v1=aa", wantT: 5, wantV1: []string{"aa"}},
		{name: "DocumentationLayout", header: "t=5,\n v1=aa,\n v0=bb", wantT: 5, wantV1: []string{"aa"}},
		{name: "EmptyElements", header: ",t=5,,v1=aa,", wantT: 5, wantV1: []string{"aa"}},
		{name: "NegativeT", header: "t=-5,v1=aa", wantT: -5, wantV1: []string{"aa"}},
		{name: "Empty", header: "", wantErr: "no t"},
		{name: "MissingT", header: "v1=aa", wantErr: "no t"},
		{name: "GarbledT", header: "t=12x,v1=aa", wantErr: "t is not an integer"},
		{name: "EmptyT", header: "t=,v1=aa", wantErr: "t is not an integer"},
		{name: "OverflowT", header: "t=99999999999999999999,v1=aa", wantErr: "t is not an integer"},
		{name: "TwoT", header: "t=5,t=6,v1=aa", wantErr: "t given twice"},
		{name: "NoV1", header: "t=5,v0=aa", wantErr: "no v1 signature"},
		{name: "ElementWithoutEquals", header: "t=5,v1=aa,garbage", wantErr: `element without "="`},
		{name: "UpperCaseKeysAreOtherSchemes", header: "T=5,V1=aa", wantErr: "no t"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts, v1, err := ParseSignatureHeader(tt.header)
			if tt.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidSignatureHeader)
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantT, ts)
			require.Equal(t, tt.wantV1, v1)
		})
	}
}

func TestVerifySignature(t *testing.T) {
	t.Parallel()

	body := []byte(testBody)
	now := time.Unix(1700000000, 0)
	header := SignatureHeaderValue(now.Unix(), body, testSecretNew, testSecret)

	for _, tt := range []struct {
		name      string
		header    string
		body      []byte
		secret    string
		tolerance time.Duration
		now       time.Time
		wantErr   error
	}{
		{name: "NewSecret", header: header, body: body, secret: testSecretNew, tolerance: 5 * time.Minute, now: now},
		{name: "OldSecret", header: header, body: body, secret: testSecret, tolerance: 5 * time.Minute, now: now},
		{name: "WrongSecret", header: header, body: body, secret: "whsec_nope", tolerance: 5 * time.Minute, now: now, wantErr: ErrSignatureMismatch},
		{name: "ModifiedBody", header: header, body: []byte(testBody + " "), secret: testSecret, now: now, wantErr: ErrSignatureMismatch},
		{name: "ModifiedTimestamp", header: strings.Replace(header, "t=1700000000", "t=1700000001", 1), body: body, secret: testSecret, now: now, wantErr: ErrSignatureMismatch},
		{name: "UpperCaseHexValue", header: "t=1700000000,v1=" + strings.ToUpper(sign(testSecret, now.Unix(), body)), body: body, secret: testSecret, now: now},
		{name: "TruncatedSignature", header: "t=1700000000,v1=" + sign(testSecret, now.Unix(), body)[:63], body: body, secret: testSecret, now: now, wantErr: ErrSignatureMismatch},
		{name: "NotHex", header: "t=1700000000,v1=" + strings.Repeat("zz", 32), body: body, secret: testSecret, now: now, wantErr: ErrSignatureMismatch},
		{name: "AtTolerance", header: header, body: body, secret: testSecret, tolerance: 5 * time.Minute, now: now.Add(5 * time.Minute)},
		{name: "TooOld", header: header, body: body, secret: testSecret, tolerance: 5 * time.Minute, now: now.Add(5*time.Minute + time.Second), wantErr: ErrSignatureTimestamp},
		{name: "TooFarInFuture", header: header, body: body, secret: testSecret, tolerance: 5 * time.Minute, now: now.Add(-5*time.Minute - time.Second), wantErr: ErrSignatureTimestamp},
		{name: "ZeroToleranceSkipsCheck", header: header, body: body, secret: testSecret, now: now.Add(1000 * time.Hour)},
		{name: "ExtremeTimestamp", header: SignatureHeaderValue(1<<63-1, body, testSecret), body: body, secret: testSecret, tolerance: time.Hour, now: now, wantErr: ErrSignatureTimestamp},
		{name: "ExtremeNegativeTimestamp", header: SignatureHeaderValue(-1<<63, body, testSecret), body: body, secret: testSecret, tolerance: time.Hour, now: now, wantErr: ErrSignatureTimestamp},
		{name: "Garbled", header: "nonsense", body: body, secret: testSecret, now: now, wantErr: ErrInvalidSignatureHeader},
		{name: "WrongSecretAndTooOld", header: header, body: body, secret: "whsec_nope", tolerance: time.Minute, now: now.Add(time.Hour), wantErr: ErrSignatureMismatch},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := VerifySignature(tt.header, tt.body, tt.secret, tt.tolerance, tt.now)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestSignatureAllocations(t *testing.T) {
	// Not parallel: testing.AllocsPerRun refuses to run alongside parallel tests.
	body := bytes.Repeat([]byte("a"), 1024)
	allocs := testing.AllocsPerRun(100, func() {
		_ = SignatureHeaderValue(1700000000, body, testSecret)
	})
	// Five are crypto/hmac's own state (its struct, two SHA-256 digests, two
	// pads); the sixth is the header string. Everything else is pooled or on
	// the stack. A new Go release may shift crypto/hmac's count.
	require.LessOrEqual(t, allocs, float64(6))
}

func BenchmarkSignatureHeaderValue(b *testing.B) {
	body := bytes.Repeat([]byte("a"), 1024)

	b.Run("OneSecret", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			_ = SignatureHeaderValue(1700000000, body, testSecret)
		}
	})

	b.Run("TwoSecrets", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			_ = SignatureHeaderValue(1700000000, body, testSecretNew, testSecret)
		}
	})
}
