package delivery

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzJSCanonical: any JSON text re-serialises, the result is JSON, means
// the same to a JSON decoder, and re-serialises to itself.
func FuzzJSCanonical(f *testing.F) {
	for _, seed := range []string{
		`{"b":1,"10":2,"2":3,"b":4}`, `[1.0,1e3,1.50,1e21,-0,1e400]`, `"\ud800\u2028<>&\/"`, ` { "a" : [ ] } `,
		`{"__proto__":{"0":null}}`, `"\ud83d\ude00"`, `0.000001`, `1e-7`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if !json.Valid(in) {
			return
		}
		out, err := appendJSCanonical(nil, in)
		require.NoError(t, err, "%q", in)
		require.True(t, json.Valid(out), "%q → %q", in, out)
		again, err := appendJSCanonical(nil, out)
		require.NoError(t, err)
		require.Equal(t, string(out), string(again), "idempotent")
		var a, b any
		if json.Unmarshal(in, &a) != nil { // e.g. a number beyond float64
			return
		}
		require.NoError(t, json.Unmarshal(out, &b))
		require.Equal(t, a, b, "%q → %q", in, out)
	})
}
