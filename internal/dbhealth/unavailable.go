package dbhealth

import (
	"strings"

	"github.com/hookd/hookd/store"
)

// Unavailable reports whether err means the database cannot be reached:
// store's one classification.
func Unavailable(err error) bool { return store.IsUnavailable(err) }

// outageTexts are how the errors Unavailable recognises read once they are
// text: River and hookd's own components log err.Error(), not the error.
// A log record is all this decides: nothing answers a client on it.
var outageTexts = []string{
	"the database is unavailable", // domain.ErrUnavailable's message, which store wraps them in
	"failed to connect to",
	"connection refused",
	"connection reset",
	"broken pipe",
	"conn closed",
	"unexpected eof",
	"i/o timeout",
	"server closed the connection",
	"sqlstate 57p0",
	"sqlstate 08",
}

// unavailableText is Unavailable for an error's text.
func unavailableText(s string) bool {
	s = strings.ToLower(s)
	for _, t := range outageTexts {
		if strings.Contains(s, t) {
			return true
		}
	}
	return false
}
