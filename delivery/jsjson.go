package delivery

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// appendJSCanonical appends the JSON text src as JavaScript's
// JSON.stringify(JSON.parse(src)) writes it, byte for byte:
//
//   - object keys in the order a JavaScript object keeps them: array-index
//     keys ("0" … "4294967294", no leading zeros) first in ascending numeric
//     order, then the others in the order first seen; a repeated key keeps
//     its first position and its last value;
//   - numbers as JavaScript prints a double: 1.0 → 1, 1e3 → 1000,
//     1.50 → 1.5, 1e21 → 1e+21, 1e-7 → 1e-7, -0 → 0, and values beyond the
//     double range (1e400) → null, as JSON.parse makes them Infinity;
//   - strings re-escaped as appendJSString does (escapes decoded, only what
//     JSON.stringify escapes escaped again);
//   - no whitespace.
//
// This is what a receiver sees when it verifies a signature over its
// framework's re-serialised body (Express's JSON.stringify(req.body)).
func appendJSCanonical(dst, src []byte) ([]byte, error) {
	p := jsCanon{src: src}
	p.skipSpace()
	out, err := p.value(dst)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i != len(p.src) {
		return nil, errJSSyntax
	}
	return out, nil
}

var errJSSyntax = errors.New("invalid JSON")

type jsCanon struct {
	src []byte
	i   int
	// scratch is reused for decoding escaped strings.
	scratch []byte
}

func (p *jsCanon) skipSpace() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsCanon) value(dst []byte) ([]byte, error) {
	if p.i >= len(p.src) {
		return nil, errJSSyntax
	}
	switch p.src[p.i] {
	case '{':
		return p.object(dst)
	case '[':
		return p.array(dst)
	case '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return appendJSString(dst, s), nil
	case 't':
		return p.literal(dst, "true")
	case 'f':
		return p.literal(dst, "false")
	case 'n':
		return p.literal(dst, "null")
	default:
		return p.number(dst)
	}
}

func (p *jsCanon) literal(dst []byte, word string) ([]byte, error) {
	if len(p.src)-p.i < len(word) || string(p.src[p.i:p.i+len(word)]) != word {
		return nil, errJSSyntax
	}
	p.i += len(word)
	return append(dst, word...), nil
}

func (p *jsCanon) array(dst []byte) ([]byte, error) {
	p.i++ // [
	dst = append(dst, '[')
	p.skipSpace()
	if p.i < len(p.src) && p.src[p.i] == ']' {
		p.i++
		return append(dst, ']'), nil
	}
	for {
		var err error
		p.skipSpace()
		if dst, err = p.value(dst); err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.i >= len(p.src) {
			return nil, errJSSyntax
		}
		switch p.src[p.i] {
		case ',':
			p.i++
			dst = append(dst, ',')
		case ']':
			p.i++
			return append(dst, ']'), nil
		default:
			return nil, errJSSyntax
		}
	}
}

// jsMember is one member of an object written to the output: its span
// there ("key":value) and its decoded key.
type jsMember struct {
	key        string
	start, end int
	index      uint32 // the numeric value of an array-index key
	isIndex    bool
}

// object writes members in place as they come, which is the right order
// unless a key is an array index or repeated; then the object's span of
// the output is rebuilt in JavaScript's order.
func (p *jsCanon) object(dst []byte) ([]byte, error) {
	p.i++ // {
	open := len(dst)
	dst = append(dst, '{')
	var members []jsMember
	reorder := false
	p.skipSpace()
	if p.i < len(p.src) && p.src[p.i] == '}' {
		p.i++
		return append(dst, '}'), nil
	}
	for {
		p.skipSpace()
		if p.i >= len(p.src) || p.src[p.i] != '"' {
			return nil, errJSSyntax
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		m := jsMember{key: key, start: len(dst)}
		m.index, m.isIndex = arrayIndex(key)
		if m.isIndex || slices.ContainsFunc(members, func(o jsMember) bool { return o.key == key }) {
			reorder = true
		}
		dst = appendJSString(dst, key)
		dst = append(dst, ':')
		p.skipSpace()
		if p.i >= len(p.src) || p.src[p.i] != ':' {
			return nil, errJSSyntax
		}
		p.i++
		p.skipSpace()
		if dst, err = p.value(dst); err != nil {
			return nil, err
		}
		m.end = len(dst)
		members = append(members, m)
		p.skipSpace()
		if p.i >= len(p.src) {
			return nil, errJSSyntax
		}
		if p.src[p.i] == ',' {
			p.i++
			dst = append(dst, ',')
			continue
		}
		if p.src[p.i] != '}' {
			return nil, errJSSyntax
		}
		p.i++
		break
	}
	if !reorder {
		return append(dst, '}'), nil
	}
	return rebuildObject(dst, open, members), nil
}

// rebuildObject rewrites dst[open:] (an object written in source order)
// in JavaScript's property order.
func rebuildObject(dst []byte, open int, members []jsMember) []byte {
	// A repeated key keeps its first position and takes its last value.
	order := make([]jsMember, 0, len(members))
	for _, m := range members {
		if j := slices.IndexFunc(order, func(o jsMember) bool { return o.key == m.key }); j >= 0 {
			order[j].start, order[j].end = m.start, m.end
			continue
		}
		order = append(order, m)
	}
	slices.SortStableFunc(order, func(a, b jsMember) int {
		switch {
		case a.isIndex && b.isIndex:
			return int(int64(a.index) - int64(b.index))
		case a.isIndex:
			return -1
		case b.isIndex:
			return 1
		}
		return 0
	})
	out := make([]byte, 0, len(dst)-open+1)
	out = append(out, '{')
	for i, m := range order {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, dst[m.start:m.end]...)
	}
	out = append(out, '}')
	return append(dst[:open], out...)
}

// arrayIndex reports whether key is a canonical array index, which
// JavaScript objects list first: "0", or digits without a leading zero,
// up to 2^32 − 2.
func arrayIndex(key string) (uint32, bool) {
	if key == "" || len(key) > 10 || (key[0] == '0' && len(key) > 1) {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if n > math.MaxUint32-1 {
		return 0, false
	}
	return uint32(n), true
}

// str decodes the JSON string at p.i. Escaped surrogates pair up as
// JavaScript's UTF-16 strings do; a lone one is kept in its WTF-8 form so
// appendJSString can write it back as \udxxx.
func (p *jsCanon) str() (string, error) {
	start := p.i + 1
	j := start
	for j < len(p.src) && p.src[j] != '"' && p.src[j] != '\\' && p.src[j] >= 0x20 {
		j++
	}
	if j < len(p.src) && p.src[j] == '"' && utf8.Valid(p.src[start:j]) {
		p.i = j + 1
		return string(p.src[start:j]), nil
	}
	b := appendUTF8(p.scratch[:0], p.src[start:j])
	for {
		if j >= len(p.src) {
			return "", errJSSyntax
		}
		c := p.src[j]
		switch {
		case c == '"':
			p.i = j + 1
			p.scratch = b
			return string(b), nil
		case c < 0x20:
			return "", errJSSyntax
		case c != '\\':
			k := j
			for k < len(p.src) && p.src[k] != '"' && p.src[k] != '\\' && p.src[k] >= 0x20 {
				k++
			}
			b = appendUTF8(b, p.src[j:k])
			j = k
			continue
		}
		if j+1 >= len(p.src) {
			return "", errJSSyntax
		}
		switch e := p.src[j+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
			j += 2
		case 'b':
			b, j = append(b, '\b'), j+2
		case 'f':
			b, j = append(b, '\f'), j+2
		case 'n':
			b, j = append(b, '\n'), j+2
		case 'r':
			b, j = append(b, '\r'), j+2
		case 't':
			b, j = append(b, '\t'), j+2
		case 'u':
			u, ok := hex4(p.src, j+2)
			if !ok {
				return "", errJSSyntax
			}
			j += 6
			if u >= 0xD800 && u <= 0xDBFF {
				if lo, ok := escapedLowSurrogate(p.src, j); ok {
					b = utf8.AppendRune(b, 0x10000+(rune(u)-0xD800)<<10+(rune(lo)-0xDC00))
					j += 6
					continue
				}
			}
			if u >= 0xD800 && u <= 0xDFFF {
				b = append(b, 0xED, byte(0x80|(u>>6)&0x3F), byte(0x80|u&0x3F))
				continue
			}
			b = utf8.AppendRune(b, rune(u))
		default:
			return "", errJSSyntax
		}
	}
}

// appendUTF8 appends raw string bytes, each byte that is not UTF-8 as
// U+FFFD (as a decoder does), so only an escape can put a surrogate in a
// decoded string.
func appendUTF8(dst, raw []byte) []byte {
	for len(raw) > 0 {
		r, size := utf8.DecodeRune(raw)
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, raw[:size]...)
		}
		raw = raw[size:]
	}
	return dst
}

func escapedLowSurrogate(b []byte, j int) (uint16, bool) {
	if j+1 >= len(b) || b[j] != '\\' || b[j+1] != 'u' {
		return 0, false
	}
	u, ok := hex4(b, j+2)
	return u, ok && u >= 0xDC00 && u <= 0xDFFF
}

func hex4(b []byte, i int) (uint16, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var u uint16
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		u = u<<4 | uint16(c)
	}
	return u, true
}

func (p *jsCanon) number(dst []byte) ([]byte, error) {
	start := p.i
	for p.i < len(p.src) {
		c := p.src[p.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			p.i++
			continue
		}
		break
	}
	f, err := strconv.ParseFloat(string(p.src[start:p.i]), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, errJSSyntax
	}
	return appendJSNumber(dst, f), nil
}

// appendJSNumber writes f as JavaScript's Number.prototype.toString does
// (ECMA-262 Number::toString): the shortest digits that round-trip, fixed
// notation when the decimal point falls within 21 digits to the left and
// 6 zeros to the right, exponent form ("1e+21", "1.5e-7") otherwise. JSON
// has no Infinity or NaN: JSON.stringify writes null.
func appendJSNumber(dst []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(dst, "null"...)
	}
	if f == 0 {
		return append(dst, '0') // -0 too
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, 64) // d[.ddd]e±xx
	mant, exp := e, 0
	for i, c := range e {
		if c == 'e' {
			mant = e[:i]
			x, _ := strconv.Atoi(string(e[i+1:]))
			exp = x
			break
		}
	}
	var digits [24]byte
	k := 0
	for _, c := range mant {
		if c != '.' {
			digits[k] = c
			k++
		}
	}
	d := digits[:k]
	n := exp + 1 // the decimal point's position after the first n digits
	switch {
	case k <= n && n <= 21:
		dst = append(dst, d...)
		for range n - k {
			dst = append(dst, '0')
		}
	case 0 < n && n <= 21:
		dst = append(dst, d[:n]...)
		dst = append(dst, '.')
		dst = append(dst, d[n:]...)
	case -6 < n && n <= 0:
		dst = append(dst, '0', '.')
		for range -n {
			dst = append(dst, '0')
		}
		dst = append(dst, d...)
	default:
		dst = append(dst, d[0])
		if k > 1 {
			dst = append(dst, '.')
			dst = append(dst, d[1:]...)
		}
		dst = append(dst, 'e')
		if n-1 >= 0 {
			dst = append(dst, '+')
		}
		dst = strconv.AppendInt(dst, int64(n-1), 10)
	}
	return dst
}
