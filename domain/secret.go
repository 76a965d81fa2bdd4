package domain

import (
	"crypto/rand"
	"encoding/base64"
)

// SecretPrefix starts every signing secret hookd generates.
const SecretPrefix = "whsec_"

// NewSecret returns a signing secret: "whsec_" followed by 32 random bytes
// in standard base64 with padding (44 characters), the form Standard
// Webhooks libraries decode; every other format uses the string as is.
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}
