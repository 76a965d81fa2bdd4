package domain

import (
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// FuzzValidateURL: whatever the input, validation does not panic, and
// whatever it accepts is an absolute http(s) URL with a host, no user-info,
// within the length limit, and not a forbidden literal address.
func FuzzValidateURL(f *testing.F) {
	for _, s := range []string{"https://example.com/hook", "http://127.0.0.1:80/", "https://[::1]/", "https://u:p@x.com",
		"https://example.com:99999", "ftp://x", "//x.com", "https://%zz", "https://[fe80::1%25eth0]/", "HTTPS://X.COM",
		"https://169.254.169.254/", "https://0x7f.0.0.1/", "https://2130706433/", "https://x.com/\x00",
		"https://0x7f.1/", "https://１２７.０.０.１/", "https://[::127.0.0.1]/", "https://127.0.0.1./"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, raw string, allowHTTP bool) {
		p := URLPolicy{AllowHTTP: allowHTTP}
		if p.ValidateURL(raw) != nil {
			return
		}
		if len(raw) > MaxURLLength {
			t.Fatalf("accepted an over-long URL")
		}
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("accepted an unparseable URL %q", raw)
		}
		scheme := strings.ToLower(u.Scheme)
		if scheme != "https" && (!allowHTTP || scheme != "http") {
			t.Fatalf("accepted scheme %q", u.Scheme)
		}
		if u.User != nil || u.Hostname() == "" {
			t.Fatalf("accepted %q with user-info or without host", raw)
		}
		if a, err := netip.ParseAddr(u.Hostname()); err == nil && (AddressPolicy{}).Check(a) != nil {
			t.Fatalf("accepted forbidden literal %q", raw)
		}
		if (AddressPolicy{}).CheckHost(u.Hostname()) != nil {
			t.Fatalf("accepted %q whose host the guard refuses", raw)
		}
	})
}

// FuzzMatches holds the pattern matcher to a plain reading of the rules.
func FuzzMatches(f *testing.F) {
	f.Add("comment.*", "comment.created", "comment")
	f.Add("*", "x", "x")
	f.Add("loyalty.prize.*", "loyalty.prize.created", "loyalty")
	f.Add("content.*", "content_published", "content")
	f.Add("a.b", "a.b", "a")
	f.Fuzz(func(t *testing.T, pattern, eventType, group string) {
		base, wildcard := strings.CutSuffix(pattern, ".*")
		want := pattern == "*" || pattern == eventType ||
			(wildcard && group != "" && base == group) ||
			(wildcard && strings.HasPrefix(eventType, base+"."))
		if got := Matches([]string{pattern}, eventType, group); got != want {
			t.Fatalf("Matches(%q, %q, %q) = %v, want %v", pattern, eventType, group, got, want)
		}
	})
}
