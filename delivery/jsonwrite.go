package delivery

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// Small JSON tools for building format bodies from an event's compacted
// data without decoding it into Go values (which would reorder keys and
// reformat numbers).

const hexDigits = "0123456789abcdef"

// appendJSString appends s as a JSON string exactly as JavaScript's
// JSON.stringify writes it: `"` and `\` escaped, \b \f \n \r \t short,
// other control characters as \u00xx, lone surrogates (held in s in their
// WTF-8 form) as \udxxx, and everything else literal — non-ASCII, U+2028,
// DEL, <, >, & and / included. Bytes that are not UTF-8 become U+FFFD.
func appendJSString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, `\b`...)
			case '\f':
				dst = append(dst, `\f`...)
			case '\n':
				dst = append(dst, `\n`...)
			case '\r':
				dst = append(dst, `\r`...)
			case '\t':
				dst = append(dst, `\t`...)
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError || size != 1 {
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		if u, ok := wtf8Surrogate(s[i:]); ok {
			dst = append(dst, '\\', 'u', hexDigits[u>>12], hexDigits[u>>8&0xf], hexDigits[u>>4&0xf], hexDigits[u&0xf])
			i += 3
		} else {
			dst = append(dst, "\uFFFD"...)
			i++
		}
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// wtf8Surrogate decodes a surrogate code unit (U+D800–U+DFFF) encoded as
// UTF-8 would encode it, which is how decoded strings carry the lone
// surrogates a \u escape can produce.
func wtf8Surrogate(s string) (uint16, bool) {
	if len(s) < 3 || s[0] != 0xED || s[1] < 0xA0 || s[1] > 0xBF || s[2]&0xC0 != 0x80 {
		return 0, false
	}
	return 0xD000 | uint16(s[1]&0x3F)<<6 | uint16(s[2]&0x3F), true
}

var errNotObject = errors.New("not a JSON object")

// eachMember calls fn for every member of obj, a valid compact JSON object,
// in order: key is the member's name decoded, rawKey its quoted form as
// written, value its raw value.
func eachMember(obj []byte, fn func(key string, rawKey, value []byte)) error {
	if len(obj) < 2 || obj[0] != '{' {
		return errNotObject
	}
	i := 1
	for i < len(obj) && obj[i] != '}' {
		keyEnd := skipString(obj, i)
		rawKey := obj[i:keyEnd]
		i = keyEnd + 1 // the ':'
		valueEnd := skipValue(obj, i)
		if valueEnd < 0 || valueEnd > len(obj) {
			return errNotObject
		}
		fn(decodeKey(rawKey), rawKey, obj[i:valueEnd])
		i = valueEnd
		if i < len(obj) && obj[i] == ',' {
			i++
		}
	}
	return nil
}

// decodeKey returns a quoted JSON string's value.
func decodeKey(raw []byte) string {
	for _, c := range raw[1 : len(raw)-1] {
		if c == '\\' {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				return s
			}
			break
		}
	}
	return string(raw[1 : len(raw)-1])
}

// skipString returns the index just past the JSON string starting at i.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

// skipValue returns the index just past the compact JSON value starting at
// i, or -1 if there is none.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = skipString(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	default: // number, true, false, null
		j := i
		for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' {
			j++
		}
		return j
	}
}

// memberValue returns the raw value of obj's member named key.
func memberValue(obj []byte, key string) ([]byte, bool) {
	var out []byte
	found := false
	err := eachMember(obj, func(k string, _, v []byte) {
		if k == key {
			out, found = v, true // the last one wins, as in every JSON parser
		}
	})
	return out, err == nil && found
}
