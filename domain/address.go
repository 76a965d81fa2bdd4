package domain

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// ErrAddressForbidden is returned for a destination the SSRF guard refuses.
var ErrAddressForbidden = errors.New("destination address not allowed")

// forbiddenPrefixes are ranges netip's predicates do not name but no
// webhook should reach: "this network", shared address space (carrier NAT),
// IETF protocol assignments, benchmarking, and reserved (incl. broadcast).
var forbiddenPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("fec0::/10"),
}

// Prefixes that carry an IPv4 address inside an IPv6 one: NAT64 and 6to4
// could otherwise smuggle 127.0.0.1 past the check.
var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// AddressPolicy is the SSRF guard's rule for which IP addresses deliveries
// may connect to.
type AddressPolicy struct {
	// AllowPrivate lifts the guard (HOOKD_ALLOW_PRIVATE_NETWORKS), for local
	// development.
	AllowPrivate bool
	// Allowed opens only these ranges (HOOKD_ALLOWED_CIDRS).
	Allowed []netip.Prefix
}

// ParseCIDRs reads a comma-separated list of CIDR ranges or single addresses.
func ParseCIDRs(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !strings.Contains(item, "/") {
			a, err := netip.ParseAddr(item)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or CIDR range", item)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or CIDR range", item)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Check returns ErrAddressForbidden when a may not be connected to:
// loopback, private, link-local (cloud metadata included), shared,
// unspecified, multicast, broadcast and reserved addresses, also when
// written as IPv4-mapped, NAT64 or 6to4 IPv6.
func (p AddressPolicy) Check(a netip.Addr) error {
	if p.AllowPrivate {
		return nil
	}
	a = a.WithZone("")
	for _, allowed := range p.Allowed {
		if allowed.Contains(a) || (a.Is4In6() && allowed.Contains(a.Unmap())) {
			return nil
		}
	}
	if forbidden(a) {
		return ErrAddressForbidden
	}
	return nil
}

func forbidden(a netip.Addr) bool {
	if !a.IsValid() {
		return true
	}
	a = a.Unmap()
	if a.Is6() {
		b := a.As16()
		switch {
		case nat64Prefix.Contains(a):
			return forbidden(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
		case sixToFour.Contains(a):
			return forbidden(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
		}
	}
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return true
	}
	for _, p := range forbiddenPrefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// CheckHost refuses a URL host that names a forbidden destination without a
// lookup: a literal forbidden address, or localhost.
func (p AddressPolicy) CheckHost(host string) error {
	if p.AllowPrivate {
		return nil
	}
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return p.Check(a)
	}
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		if p.Check(netip.MustParseAddr("127.0.0.1")) != nil {
			return ErrAddressForbidden
		}
	}
	return nil
}
