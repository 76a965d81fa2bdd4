package domain

import (
	"regexp"
	"strings"
	"time"
)

// TestEventType is the event a test-fire sends. It is never fanned out.
const TestEventType = "webhook.test"

// EventType is an entry of the event catalog. Tenant is nil for the
// built-in catalog every tenant shares, and names the tenant a custom type
// belongs to.
type EventType struct {
	Name        string
	Description string
	Group       string
	Source      string
	Tenant      *string
	CreatedAt   time.Time
}

var eventTypeNamePattern = regexp.MustCompile(`^[a-z0-9]+(?:[_-][a-z0-9]+)*(?:\.[a-z0-9]+(?:[_-][a-z0-9]+)*)*$`)

// ValidateEventTypeName checks a custom event type name: lower-case words
// joined by "_" or "-", in dot-separated segments, at most 100 characters.
func ValidateEventTypeName(name string) error {
	if name == "" || len(name) > 100 || !eventTypeNamePattern.MatchString(name) {
		return InvalidParam("name", "name must be 1-100 lower-case letters, digits, '_' or '-', in dot-separated segments (e.g. invoice.paid).")
	}
	return nil
}

// DefaultGroup derives a group for a new event type: the text before the
// first dot, or before the first underscore for undotted names
// (content_published → content), or the name itself.
func DefaultGroup(name string) string {
	if i := strings.IndexByte(name, '.'); i > 0 {
		return name[:i]
	}
	if i := strings.IndexByte(name, '_'); i > 0 {
		return name[:i]
	}
	return name
}
