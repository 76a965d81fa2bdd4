package server

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// hostSource is a CSP host-source an operator may allow to frame the
// portal: an http(s) origin, its host optionally a "*." wildcard.
var hostSource = regexp.MustCompile(`^https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?$`)

// validateFrameAncestors checks the portal's frame-ancestors sources: each
// an origin or 'self', or 'none' alone. Anything else could smuggle another
// directive into the header.
func validateFrameAncestors(sources []string) error {
	for _, src := range sources {
		switch {
		case src == "'self'" || hostSource.MatchString(src):
		case src == "'none'":
			if len(sources) > 1 {
				return errors.New("the portal's frame ancestors: 'none' cannot be combined with other sources")
			}
		default:
			return fmt.Errorf("the portal's frame ancestors: %q is not an origin such as https://app.example.com, nor 'self' or 'none'", src)
		}
	}
	return nil
}

// frameAncestors is the CSP directive's value: 'none' when no source is
// given.
func frameAncestors(sources []string) string {
	if len(sources) == 0 {
		return "'none'"
	}
	return strings.Join(sources, " ")
}

// validatePublicURL checks the base of portal links: an absolute http(s)
// URL without query or fragment (the token goes in the fragment).
func validatePublicURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(raw, "#") || strings.HasSuffix(raw, "?") {
		return fmt.Errorf("the public URL %q must be an absolute http(s) URL such as https://hooks.example.com, without query or fragment", raw)
	}
	return nil
}
