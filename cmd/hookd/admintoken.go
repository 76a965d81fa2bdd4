package main

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// minAdminTokenLength is the shortest HOOKD_ADMIN_TOKEN serve accepts: the
// token holds every scope for every tenant, and the API only slows guessing
// down, so its length is what protects it.
const minAdminTokenLength = 32

// validateAdminToken refuses a bootstrap token that is short or could never
// be sent as a bearer token (the API trims spaces).
func validateAdminToken(token string) error {
	if token == "" {
		return nil
	}
	if utf8.RuneCountInString(token) < minAdminTokenLength {
		return errors.New("HOOKD_ADMIN_TOKEN must be at least 32 characters: it holds every scope for every tenant (generate one with `openssl rand -hex 32`)")
	}
	if strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return errors.New("HOOKD_ADMIN_TOKEN must not contain spaces or control characters")
	}
	return nil
}
