package delivery

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func FuzzSignatureRoundTrip(f *testing.F) {
	f.Add(testSecret, int64(1492774577), []byte(testBody))
	f.Add("", int64(0), []byte{})
	f.Add("whsec_", int64(-1), []byte("t=1,v1=aa"))
	f.Add("whsec_with,comma=and equals", int64(1<<63-1), []byte("\x00\xff,\n"))
	f.Add("k", int64(-1<<63), []byte(" "))

	f.Fuzz(func(t *testing.T, secret string, ts int64, body []byte) {
		header := SignatureHeaderValue(ts, body, secret)

		gotT, v1, err := ParseSignatureHeader(header)
		require.NoError(t, err)
		require.Equal(t, ts, gotT)
		require.Equal(t, []string{sign(secret, ts, body)}, v1)

		// A zero tolerance skips the time check, so any ts verifies; with a
		// tolerance, "now" at ts itself must too (when time.Unix can hold it).
		require.NoError(t, VerifySignature(header, body, secret, 0, time.Time{}))
		if ts > -1<<62 && ts < 1<<62 {
			require.NoError(t, VerifySignature(header, body, secret, time.Minute, time.Unix(ts, 0)))
		}
		require.ErrorIs(t, VerifySignature(header, append(body, 'x'), secret, 0, time.Time{}), ErrSignatureMismatch)
	})
}

func FuzzParseSignatureHeader(f *testing.F) {
	f.Add("t=1492774577,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39")
	f.Add("")
	f.Add(",")
	f.Add("=")
	f.Add("t=")
	f.Add("t=1,t=2,v1=")
	f.Add("t=-9223372036854775808,v1=zz")
	f.Add("t=99999999999999999999,v1=aa")
	f.Add("t=1,\n v1=aa ,v1==,v1=a=b")
	f.Add("\xff\xfe=\x00,t=1,v1=\xff")

	f.Fuzz(func(t *testing.T, header string) {
		ts, v1, err := ParseSignatureHeader(header)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidSignatureHeader)
			require.Zero(t, ts)
			require.Nil(t, v1)
			return
		}
		require.NotEmpty(t, v1)
		// Whatever parses must also go through verification without panicking.
		_ = VerifySignature(header, []byte("body"), "whsec_x", time.Minute, time.Now())
	})
}
