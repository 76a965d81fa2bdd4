package domain

import (
	"strings"
	"unicode/utf8"
)

// ValidateText refuses what no text field may hold: NUL, which Postgres
// text cannot store, and invalid UTF-8. field names the offending field in
// the error.
func ValidateText(field, v string) error {
	if strings.IndexByte(v, 0) >= 0 {
		return InvalidParam(field, "%s must not contain NUL characters.", field)
	}
	if !utf8.ValidString(v) {
		return InvalidParam(field, "%s must be valid UTF-8.", field)
	}
	return nil
}
