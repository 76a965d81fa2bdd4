package domain

import "strings"

// MaxOrderingKey is the longest ordering key.
const MaxOrderingKey = 255

// ValidateOrderingKey checks an event's ordering key: 1–255 printable
// ASCII characters, without leading or trailing spaces. It travels as the
// Hookd-Ordering-Key header, where only such characters are safe.
func ValidateOrderingKey(key string) error {
	if key == "" || len(key) > MaxOrderingKey {
		return InvalidParam("ordering_key", "ordering_key must be 1-%d characters.", MaxOrderingKey)
	}
	if strings.TrimSpace(key) != key {
		return InvalidParam("ordering_key", "ordering_key must not start or end with a space.")
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < ' ' || c > '~' {
			return InvalidParam("ordering_key", "ordering_key must be printable ASCII characters (such as post:42).")
		}
	}
	return nil
}
