package delivery

import (
	"encoding/base64"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/internal/nodetest"
)

func TestAppendJSNumber(t *testing.T) {
	t.Parallel()
	// What JSON.stringify(JSON.parse(in)) writes in Node.
	for in, want := range map[string]string{
		"1.0": "1", "1e3": "1000", "1.50": "1.5", "1e21": "1e+21", "1e20": "100000000000000000000",
		"1e-7": "1e-7", "0.000001": "0.000001", "123e-20": "1.23e-18", "-0": "0", "-0.0e5": "0",
		"1e400": "null", "-1e400": "null", "1e-400": "0", "5e-324": "5e-324",
		"1.7976931348623157e308": "1.7976931348623157e+308", "123456789012345678901234567890": "1.2345678901234568e+29",
		"0.1": "0.1", "100e-2": "1", "9007199254740993": "9007199254740992", "-12.5E+2": "-1250", "2.5e-7": "2.5e-7",
		"123456789012345680000": "123456789012345680000", "0.0000012345": "0.0000012345",
	} {
		f, _ := strconv.ParseFloat(in, 64)
		require.Equal(t, want, string(appendJSNumber(nil, f)), in)
	}
}

func TestAppendJSCanonical(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{`{"b":1,"4294967295":2,"4294967294":3,"01":4,"1":5,"0":6,"-1":7,"a":8,"b":9}`, `{"0":6,"1":5,"4294967294":3,"b":9,"4294967295":2,"01":4,"-1":7,"a":8}`},
		{`"\u2028\u2029<>&/\/\u0000\u001f\u007f\ud800\udc00\ud83d\ude00\udfff\b\f\n\r\t\"\\"`, `"` + "\u2028\u2029<>&//" + `\u0000\u001f` + "\x7f\U00010000😀" + `\udfff\b\f\n\r\t\"\\"`},
		{"\t{\"a\":[1,{},[]],\n\"\\u0061\" : null}", `{"a":null}`},
		{`{"x":{"2":1,"1":2},"1":{"b":1,"a":2}}`, `{"1":{"b":1,"a":2},"x":{"1":2,"2":1}}`},
		{`{"__proto__":1}`, `{"__proto__":1}`},
		{`["\ud83d","\ude00x"]`, `["\ud83d","\ude00x"]`},
	} {
		got, err := appendJSCanonical(nil, []byte(tc.in))
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, string(got), tc.in)
	}
	for _, bad := range []string{``, `{`, `{"a"}`, `[1,]`, `"\x"`, `tru`, `{"a":1}x`, "\"\x01\""} {
		_, err := appendJSCanonical(nil, []byte(bad))
		require.Error(t, err, bad)
	}
}

// Random JSON texts written the many ways JSON allows, each re-serialised
// by Go and by Node's own JSON.stringify(JSON.parse(text)): the bytes must
// be the same.
func TestJSCanonicalMatchesNode(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 2026))
	docs := []string{
		`{"a":1.0,"b":1e3,"c":1.50,"d":1e21,"e":"<>&/\u2028é","10":1,"9":2,"x":-0}`,
		`{"k":"\ud83d\ude00\ud83d","n":[1E400,-1e-400,0.1e1,12345678901234567890123]}`,
	}
	for range 1500 {
		docs = append(docs, genJSONObject(r, 0))
	}
	var want []string
	nodetest.Run(t, `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{
		process.stdout.write(JSON.stringify(JSON.parse(s).map(t=>Buffer.from(JSON.stringify(JSON.parse(t)),'utf8').toString('base64'))));
	});`, docs, &want)
	require.Len(t, want, len(docs))
	for i, doc := range docs {
		got, err := appendJSCanonical(nil, []byte(doc))
		require.NoError(t, err, doc)
		require.Equal(t, want[i], b64(got), "input %s\n got %s", doc, got)
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

var jsKeys = []string{"0", "1", "2", "10", "01", "-1", "4294967294", "4294967295", "a", "b", "z", "__proto__", "é", "\\u0061", "1.5", " 1"}

func genJSONObject(r *rand.Rand, depth int) string {
	var b strings.Builder
	b.WriteString(ws(r) + "{")
	n := r.IntN(6)
	for i := range n {
		if i > 0 {
			b.WriteString(ws(r) + ",")
		}
		b.WriteString(ws(r) + `"` + jsKeys[r.IntN(len(jsKeys))] + `"` + ws(r) + ":" + genJSONValue(r, depth+1))
	}
	b.WriteString(ws(r) + "}")
	return b.String()
}

func genJSONValue(r *rand.Rand, depth int) string {
	kind := r.IntN(8)
	if depth > 3 && kind < 2 {
		kind += 2
	}
	switch kind {
	case 0:
		return genJSONObject(r, depth)
	case 1:
		var parts []string
		for range r.IntN(4) {
			parts = append(parts, genJSONValue(r, depth+1))
		}
		return ws(r) + "[" + strings.Join(parts, ",") + "]"
	case 2, 3:
		return ws(r) + genNumber(r)
	case 4, 5:
		return ws(r) + genString(r)
	default:
		return ws(r) + []string{"true", "false", "null"}[r.IntN(3)]
	}
}

func genNumber(r *rand.Rand) string {
	switch r.IntN(6) {
	case 0:
		return strconv.FormatInt(r.Int64N(1<<62)-1<<61, 10)
	case 1:
		return strconv.FormatFloat(r.NormFloat64()*math.Pow(10, float64(r.IntN(60)-30)), 'g', -1, 64)
	case 2:
		return strconv.FormatFloat(r.Float64()*1e6, 'f', r.IntN(8), 64) + strings.Repeat("0", r.IntN(3))
	case 3:
		e := []string{"e", "E", "e+", "e-", "E-"}[r.IntN(5)]
		return strconv.Itoa(r.IntN(2000)-1000) + "." + strconv.Itoa(r.IntN(1000)) + e + strconv.Itoa(r.IntN(330))
	case 4:
		return []string{"0", "-0", "0.0", "1e21", "1e-7", "999999999999999999999", "0.000001", "5e-324", "1e309", "-1e-400"}[r.IntN(10)]
	default:
		return strconv.Itoa(r.IntN(100)) + "." + strings.Repeat("0", r.IntN(4)) + strconv.Itoa(r.IntN(100))
	}
}

func genString(r *rand.Rand) string {
	var b strings.Builder
	b.WriteByte('"')
	for range r.IntN(8) {
		switch r.IntN(12) {
		case 0:
			fmt.Fprintf(&b, `\u%04x`, r.IntN(0x20))
		case 1:
			fmt.Fprintf(&b, `\u%04X`, 0xD800+r.IntN(0x800)) // a lone surrogate, often
		case 2:
			b.WriteString(`\ud83d\ude00`)
		case 3:
			b.WriteString([]string{`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`}[r.IntN(8)])
		case 4:
			b.WriteString([]string{"\u2028", "\u2029", "<", ">", "&", "/", "\x7f", "é", "日本", "😀"}[r.IntN(10)])
		case 5:
			fmt.Fprintf(&b, `\u%04x`, r.IntN(0xD800))
		default:
			b.WriteByte(byte('a' + r.IntN(26)))
		}
	}
	b.WriteByte('"')
	return b.String()
}

func ws(r *rand.Rand) string {
	if r.IntN(4) == 0 {
		return []string{" ", "\n", "\t", "\r\n  "}[r.IntN(4)]
	}
	return ""
}
