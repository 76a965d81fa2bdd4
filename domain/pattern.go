package domain

import (
	"fmt"
	"strings"
)

// WildcardAll subscribes a webhook to every event.
const WildcardAll = "*"

// Catalog answers the questions pattern validation needs about the event
// type catalog.
type Catalog struct {
	groups   map[string]bool
	names    map[string]string // name → group
	prefixes map[string]bool   // every dot prefix of every name
}

// NewCatalog indexes the given event types.
func NewCatalog(types []EventType) *Catalog {
	c := &Catalog{groups: map[string]bool{}, names: map[string]string{}, prefixes: map[string]bool{}}
	for _, t := range types {
		c.names[t.Name] = t.Group
		c.groups[t.Group] = true
		for i := 0; i < len(t.Name); i++ {
			if t.Name[i] == '.' {
				c.prefixes[t.Name[:i]] = true
			}
		}
	}
	return c
}

// Has reports whether name is a registered event type.
func (c *Catalog) Has(name string) bool {
	_, ok := c.names[name]
	return ok
}

// ValidatePatterns checks a webhook's event list: non-empty, no duplicates,
// each a catalog name, "*", or "<group>.*". The error names the offending
// entry.
func (c *Catalog) ValidatePatterns(patterns []string) error {
	if len(patterns) == 0 {
		return InvalidParam("events", "events must list at least one event type.")
	}
	seen := make(map[string]bool, len(patterns))
	for i, p := range patterns {
		if seen[p] {
			return InvalidParam("events", "events[%d]: %q is listed more than once.", i, p)
		}
		seen[p] = true
		if err := c.validatePattern(p); err != nil {
			return InvalidParam("events", "events[%d]: %s", i, err)
		}
	}
	return nil
}

func (c *Catalog) validatePattern(p string) error {
	switch {
	case p == WildcardAll:
		return nil
	case p == TestEventType:
		return fmt.Errorf("%q is sent only by test-fires and cannot be subscribed to", p)
	case strings.HasSuffix(p, ".*"):
		base := strings.TrimSuffix(p, ".*")
		if c.groups[base] || c.prefixes[base] {
			return nil
		}
		return fmt.Errorf("%q matches no event group", p)
	case c.Has(p):
		return nil
	default:
		return fmt.Errorf("%q is not a known event type", p)
	}
}

// MatchPatterns lists every subscription pattern that selects an event of
// the given type and group: the name itself, "*", "<group>.*", and
// "<prefix>.*" for each dot prefix of the name. A webhook receives the event
// when its patterns and these overlap, which the store checks with one
// array-overlap query.
func MatchPatterns(eventType, group string) []string {
	out := make([]string, 0, 4)
	out = append(out, eventType, WildcardAll)
	if group != "" {
		out = append(out, group+".*")
	}
	for i := 0; i < len(eventType); i++ {
		if eventType[i] == '.' {
			if p := eventType[:i] + ".*"; p != group+".*" {
				out = append(out, p)
			}
		}
	}
	return out
}

// Matches reports whether any of patterns selects an event of the given type
// and group. It is the in-memory twin of the store's overlap query.
func Matches(patterns []string, eventType, group string) bool {
	for _, want := range MatchPatterns(eventType, group) {
		for _, p := range patterns {
			if p == want {
				return true
			}
		}
	}
	return false
}
