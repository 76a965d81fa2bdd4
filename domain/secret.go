package domain

import (
	"crypto/rand"
	"encoding/base64"
)

// SecretPrefix starts every signing secret hookd generates.
const SecretPrefix = "whsec_"

// NewSecret returns a signing secret: "whsec_" followed by 32 random bytes,
// base64url-encoded without padding (43 characters).
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return SecretPrefix + base64.RawURLEncoding.EncodeToString(b)
}
