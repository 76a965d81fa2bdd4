package delivery

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/nodetest"
)

// vectorSource is an event whose data JavaScript and Go write differently:
// array-index keys, a number with a trailing zero and one in exponent form,
// escapes JSON.stringify does not use, U+2028, HTML characters, a "\/".
func vectorSource() *bodySource {
	return &bodySource{
		ID: "evt_0001", Tenant: "acme", Type: "post.published",
		Created:     time.Date(2026, 1, 15, 10, 30, 0, 123_456_789, time.UTC),
		Data:        []byte(`{"id":"p1","10":true,"2":false,"actor":{"id":"u1"},"n":1.50,"big":1e21,"s":"<b>&\u2028\/é"}`),
		Description: "A post or reply goes live, right away or once a moderator approves it.",
	}
}

const vectorData = `"10":true,"2":false,"actor":{"id":"u1"},"n":1.50,"big":1e21,"s":"<b>&\u2028\/é"`

func TestFormatBodies(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		domain.FormatHookd: `{"id":"evt_0001","type":"post.published","created":"2026-01-15T10:30:00.123Z","version":"1",` +
			`"data":{"id":"p1",` + vectorData + `}}`,
		domain.FormatStandard: `{"type":"post.published","timestamp":"2026-01-15T10:30:00.123Z","data":{"id":"p1",` + vectorData + `}}`,
		// The seed's payload table and nothing else.
		domain.FormatSelfCommunity: `{"type":"post.published","created":"2026-01-15T10:30:00.123Z","data":{"id":"p1",` + vectorData + `}}`,
		// Written as JSON.stringify writes it: index keys first, 1.5,
		// 1e+21, U+2028 and / literal.
		domain.FormatFluent: `{"event":"post.published","timestamp":"2026-01-15T10:30:00Z",` +
			`"data":{"2":false,"10":true,"id":"p1","actor":{"id":"u1"},"n":1.5,"big":1e+21,"s":"<b>&` + "\u2028" + `/é"}}`,
		// Flat; hookd's id wins over the data's.
		domain.FormatFirstup: `{"id":"evt_0001","timestamp":"2026-01-15T10:30:00Z",` + vectorData + `,"name":"post.published","version":"1"}`,
		domain.FormatTribe: `{"networkId":"acme","context":"NETWORK","entityId":"acme","currentSettings":[],"type":"SUBSCRIPTION",` +
			`"data":{"time":"2026-01-15T10:30:00.123Z","verb":"PUBLISHED","verbAction":"PUBLISHED",` + vectorData +
			`,"id":"evt_0001","name":"post.published","noun":"POST",` +
			`"shortDescription":"A post or reply goes live, right away or once a moderator approves it."}}`,
	}
	require.Len(t, want, len(domain.Formats))
	for _, name := range domain.Formats {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body, err := formats[name].body(vectorSource())
			require.NoError(t, err)
			require.Equal(t, want[name], string(body))
		})
	}
}

func TestTribeNounVerb(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, noun, verb string }{
		{"post.published", "POST", "PUBLISHED"},
		{"reaction.added", "REACTION", "ADDED"},
		{"loyalty.prize_request.created", "LOYALTY", "PRIZE_REQUEST.CREATED"},
		{"content_published", "CONTENT", "PUBLISHED"},
		{"ping", "PING", ""},
	} {
		noun, verb := tribeNounVerb(tc.in)
		require.Equal(t, tc.noun, noun, tc.in)
		require.Equal(t, tc.verb, verb, tc.in)
	}
}

func TestFirstupAndTribeEnvelopeFieldsWin(t *testing.T) {
	t.Parallel()
	src := vectorSource()
	src.Data = []byte(`{"name":"x","version":2,"timestamp":0,"keep":1,"verb":"v","noun":"n","time":1,"shortDescription":"s"}`)
	body, err := formats[domain.FormatFirstup].body(src)
	require.NoError(t, err)
	require.Equal(t, `{"id":"evt_0001","timestamp":"2026-01-15T10:30:00Z","keep":1,"verb":"v","noun":"n","time":1,"shortDescription":"s","name":"post.published","version":"1"}`, string(body))
	body, err = formats[domain.FormatTribe].body(src)
	require.NoError(t, err)
	require.Contains(t, string(body), `"verbAction":"PUBLISHED","version":2,"timestamp":0,"keep":1,"id":"evt_0001","name":"post.published"`)
}

// The Standard Webhooks JavaScript library's own published vector.
func TestStandardSignatureVector(t *testing.T) {
	t.Parallel()
	key, ok := domain.StandardSecretKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	require.True(t, ok)
	require.Equal(t, "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
		standardSignature(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", []byte(`{"test": 2432232314}`)))
}

// Test secrets: standard base64 of 32 bytes, as NewSecret makes them, and
// a legacy base64url one (no padding, "-" and "_") that only the other
// formats can use.
var (
	vecSecretNew    = "whsec_" + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	vecSecretOld    = "whsec_" + base64.StdEncoding.EncodeToString([]byte("fedcba9876543210fedcba9876543210"))
	vecSecretLegacy = "whsec_Zm9vYmFyYmF6cXV4-_0123456789abcdefghijklmn"
)

// signedVector is one request of name as hookd sends it at now.
func signedVector(t *testing.T, name string, now time.Time, current, previous string) (http.Header, []byte) {
	t.Helper()
	body, err := formats[name].body(vectorSource())
	require.NoError(t, err)
	w := &domain.Webhook{ID: 7, Format: name, Secret: current, AuthorizationHeader: "Bearer firstup-token"}
	if previous != "" {
		until := now.Add(time.Hour)
		w.PreviousSecret, w.PreviousSecretExpiresAt = previous, &until
	}
	cfg := Config{Version: "test"}.WithDefaults()
	req := cfg.buildRequest(w, attemptInfo{EventID: "evt_0001", EventType: "post.published", DeliveryID: 42, Number: 1}, body, now)
	return req.header, body
}

func TestFormatsVerify(t *testing.T) {
	t.Parallel()
	now := time.Now()
	for _, name := range domain.Formats {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h, body := signedVector(t, name, now, vecSecretNew, "")
			require.NoError(t, Verify(name, h, body, vecSecretNew, 5*time.Minute, now, ""))

			tampered := append([]byte(nil), body...)
			tampered[len(tampered)-2] ^= 1
			require.ErrorIs(t, Verify(name, h, tampered, vecSecretNew, 5*time.Minute, now, ""), ErrSignatureMismatch)
			require.ErrorIs(t, Verify(name, h, body, vecSecretOld, 5*time.Minute, now, ""), ErrSignatureMismatch)
			require.ErrorIs(t, Verify(name, http.Header{}, body, vecSecretNew, 5*time.Minute, now, ""), ErrInvalidSignatureHeader)
			if name != domain.FormatFluent { // Fluent's signature has no timestamp
				require.ErrorIs(t, Verify(name, h, body, vecSecretNew, 5*time.Minute, now.Add(6*time.Minute), ""), ErrSignatureTimestamp)
				require.NoError(t, Verify(name, h, body, vecSecretNew, 0, now.Add(time.Hour), ""))
			}
		})
	}
	require.ErrorIs(t, Verify("stripe", http.Header{}, nil, vecSecretNew, 0, now, ""), ErrUnknownFormat)
}

// During a rotation's overlap formats that carry several signatures carry
// both, the new secret's first; Fluent and Tribe carry one, the old
// secret's, until the overlap ends.
func TestFormatsDuringRotation(t *testing.T) {
	t.Parallel()
	now := time.Now()
	for _, name := range domain.Formats {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h, body := signedVector(t, name, now, vecSecretNew, vecSecretOld)
			oldOK := Verify(name, h, body, vecSecretOld, time.Minute, now, "")
			newOK := Verify(name, h, body, vecSecretNew, time.Minute, now, "")
			require.NoError(t, oldOK)
			if name == domain.FormatFluent || name == domain.FormatTribe {
				require.ErrorIs(t, newOK, ErrSignatureMismatch)
			} else {
				require.NoError(t, newOK)
			}
			switch name {
			case domain.FormatStandard:
				sigs := strings.Split(h.Get("Webhook-Signature"), " ")
				require.Len(t, sigs, 2)
				key, _ := domain.StandardSecretKey(vecSecretNew)
				require.Equal(t, "v1,"+standardSignature(key, "evt_0001", h.Get("Webhook-Timestamp"), body), sigs[0])
			case domain.FormatHookd, domain.FormatFirstup, domain.FormatSelfCommunity:
				header := h.Get("Hookd-Signature")
				if name == domain.FormatSelfCommunity {
					header = h.Get("SelfCommunity-Signature")
				}
				_, v1, err := ParseSignatureHeader(header)
				require.NoError(t, err)
				require.Equal(t, []string{Sign(vecSecretNew, now.Unix(), body), Sign(vecSecretOld, now.Unix(), body)}, v1)
			}
		})
	}
}

// A webhook switched to standard after a rotation from a legacy secret
// signs with the new secret only: the legacy one cannot sign the format.
func TestStandardSkipsSecretsItCannotUse(t *testing.T) {
	t.Parallel()
	now := time.Now()
	h, body := signedVector(t, domain.FormatStandard, now, vecSecretNew, vecSecretLegacy)
	require.Len(t, strings.Fields(h.Get("Webhook-Signature")), 1)
	require.NoError(t, Verify(domain.FormatStandard, h, body, vecSecretNew, time.Minute, now, ""))
}

func TestFormatHeadersAreRecordedRedactedAndReserved(t *testing.T) {
	t.Parallel()
	now := time.Now()
	sent := map[string]bool{}
	for _, name := range domain.Formats {
		body, err := formats[name].body(vectorSource())
		require.NoError(t, err)
		w := &domain.Webhook{ID: 7, Format: name, Secret: vecSecretNew, AuthorizationHeader: "Bearer firstup-token"}
		req := Config{SignatureHeader: "X-Hub-Sig"}.WithDefaults().buildRequest(w,
			attemptInfo{EventID: "evt_0001", EventType: "post.published", DeliveryID: 42, Number: 3}, body, now)
		require.Equal(t, name, req.format)
		for _, k := range []string{"Hookd-Event-Id", "Hookd-Event-Type", "Hookd-Delivery-Id", "Hookd-Attempt", "User-Agent"} {
			require.NotEmpty(t, req.header.Get(k), "%s: %s", name, k)
		}
		require.Equal(t, "3", req.header.Get("Hookd-Attempt"))
		for k, v := range req.header {
			if k == "Authorization" || strings.HasSuffix(k, "Signature") || k == "X-Hub-Sig" {
				require.Equal(t, redacted, req.recorded[k], "%s: %s", name, k)
				require.NotEqual(t, redacted, v[0])
			} else {
				require.Equal(t, v[0], req.recorded[k])
			}
			sent[k] = true
		}
	}
	// Every header a format sets is one custom headers cannot override.
	for k := range sent {
		if strings.HasPrefix(k, "Hookd-") || k == "Content-Type" || k == "User-Agent" || k == "Authorization" || k == "X-Hub-Sig" {
			continue
		}
		err := domain.ValidateHeaders(map[string]string{k: "x"}, "X-Hub-Sig")
		require.Error(t, err, k)
	}
}

// The same vectors, checked by the receivers' own code in Node: the npm
// standardwebhooks and svix libraries, the seeds' JavaScript and steps.
func TestFormatsVerifiedByTheirReceivers(t *testing.T) {
	t.Parallel()
	now := time.Now()
	var vectors []nodetest.Vector
	var expect []bool
	add := func(name string, h http.Header, body []byte, ok bool, secrets ...string) {
		flat := map[string]string{}
		for k, v := range h {
			flat[k] = v[0]
		}
		vectors = append(vectors, nodetest.Vector{Format: name, Headers: flat, Body: body, Secrets: secrets, Authorization: "Bearer firstup-token"})
		expect = append(expect, ok)
	}
	for _, name := range domain.Formats {
		h, body := signedVector(t, name, now, vecSecretNew, "")
		add(name, h, body, true, vecSecretNew)
		add(name, h, body, false, vecSecretOld)
		tampered := []byte(strings.Replace(string(body), "p1", "p2", 1))
		if name == domain.FormatFirstup || name == domain.FormatTribe {
			tampered = []byte(strings.Replace(string(body), "u1", "u2", 1))
		}
		add(name, h, tampered, false, vecSecretNew)

		h, body = signedVector(t, name, now, vecSecretNew, vecSecretOld)
		if name == domain.FormatFluent || name == domain.FormatTribe {
			add(name, h, body, true, vecSecretOld)
			add(name, h, body, false, vecSecretNew)
		} else {
			add(name, h, body, true, vecSecretNew, vecSecretOld)
		}
	}
	// Stale: signed 10 minutes ago (Tribe's own steps refuse only the
	// future, so it is left out).
	for _, name := range []string{domain.FormatStandard, domain.FormatSelfCommunity, domain.FormatHookd} {
		h, body := signedVector(t, name, now.Add(-10*time.Minute), vecSecretNew, "")
		add(name, h, body, false, vecSecretNew)
	}
	results := nodetest.Verify(t, vectors)
	for i, r := range results {
		require.Equal(t, expect[i], r.OK(), "vector %d (%s, %d secrets): %v %v", i, vectors[i].Format, len(vectors[i].Secrets), r.Checks, r.Errors)
	}
}

func TestVerifyErrorsWrap(t *testing.T) {
	t.Parallel()
	h := http.Header{"Webhook-Id": {"evt_1"}, "Webhook-Timestamp": {"x"}, "Webhook-Signature": {"v1,abc"}}
	err := Verify(domain.FormatStandard, h, nil, vecSecretNew, 0, time.Now(), "")
	require.ErrorIs(t, err, ErrInvalidSignatureHeader)
	h.Set("Webhook-Timestamp", "1")
	require.ErrorIs(t, Verify(domain.FormatStandard, h, nil, vecSecretLegacy, 0, time.Now(), ""), ErrSignatureMismatch)
}
