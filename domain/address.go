package domain

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"golang.org/x/net/idna"
)

// ErrAddressNotAllowed is returned for a destination the SSRF guard refuses.
var ErrAddressNotAllowed = errors.New("destination address not allowed")

// ErrNumericHost is returned for a host written as a number a resolver
// would turn into an IPv4 address (2130706433, 0x7f.1, 0177.0.0.1): no
// webhook needs such a spelling, and it exists to slip past checks.
var ErrNumericHost = errors.New("numeric host form not allowed")

// ErrInvalidHost is returned for a host name that cannot be converted to
// the ASCII form a resolver is asked for.
var ErrInvalidHost = errors.New("invalid host name")

// globalUnicast is the only IPv6 space allocated for the public Internet;
// everything outside it (loopback, ::/96 IPv4-compatible, ::ffff:0:0/96
// SIIT, 100::/64 discard, unique-local, link-local, multicast, …) is refused
// without listing each.
var globalUnicast = netip.MustParsePrefix("2000::/3")

// forbiddenPrefixes are ranges netip's predicates do not name but no
// webhook should reach.
var forbiddenPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (carrier NAT)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation (TEST-NET-1)
	netip.MustParsePrefix("192.88.99.0/24"),  // deprecated 6to4 relay anycast
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation (TEST-NET-2)
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation (TEST-NET-3)
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast included
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64 (RFC 8215)
	netip.MustParsePrefix("2001::/23"),       // IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("3fff::/20"),       // documentation (RFC 9637)
	netip.MustParsePrefix("5f00::/16"),       // SRv6 segment identifiers
}

// Prefixes that carry an IPv4 address inside an IPv6 one: well-known NAT64
// and 6to4 could otherwise smuggle 127.0.0.1 past the check, so their
// embedded address is checked instead.
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
	// Own, when set, reports whether an address belongs to this host's own
	// network interfaces, which are refused like loopback: a service bound
	// to 0.0.0.0 answers on the host's public address too.
	Own func(netip.Addr) bool
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

// Check returns ErrAddressNotAllowed when a may not be connected to:
// loopback, private, link-local (cloud metadata included), shared,
// unspecified, multicast, broadcast, documentation, benchmarking and other
// reserved addresses, IPv6 outside global unicast, also when written as
// IPv4-mapped, NAT64 or 6to4 IPv6; and the host's own addresses.
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
	if forbidden(a) || (p.Own != nil && (p.Own(a) || p.Own(a.Unmap()))) {
		return ErrAddressNotAllowed
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
		case !globalUnicast.Contains(a):
			return true
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
// lookup: a literal forbidden address (a trailing dot included), a numeric
// form a resolver would read as IPv4 (ErrNumericHost), or localhost. The
// host is first mapped as net/http maps it before dialling (IDNA: full-width
// digits and ideographic dots become ASCII), so no spelling of 127.0.0.1
// passes here and is dialled there.
func (p AddressPolicy) CheckHost(host string) error {
	if p.AllowPrivate {
		return nil
	}
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return p.Check(a)
	}
	h, err := NormalizeHost(host)
	if err != nil {
		return err
	}
	if a, err := netip.ParseAddr(h); err == nil {
		return p.Check(a)
	}
	if endsInNumber(h) {
		return ErrNumericHost
	}
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		if p.Check(netip.MustParseAddr("127.0.0.1")) != nil {
			return ErrAddressNotAllowed
		}
	}
	return nil
}

// NormalizeHost returns a host name as a resolver is asked for it: IDNA
// mapped to ASCII (as net/http does), lower case, without a trailing dot.
func NormalizeHost(host string) (string, error) {
	h := host
	for i := 0; i < len(h); i++ {
		if h[i] >= 0x80 {
			ascii, err := idna.Lookup.ToASCII(h)
			if err != nil {
				return "", ErrInvalidHost
			}
			h = ascii
			break
		}
	}
	return strings.TrimSuffix(strings.ToLower(h), "."), nil
}

// endsInNumber is the WHATWG URL rule for hosts that are parsed as IPv4: the
// last label is decimal digits or 0x-prefixed hex. inet_aton and browsers
// read such hosts as addresses (2130706433, 0x7f000001, 127.1, 0177.0.0.1);
// a canonical a.b.c.d never gets here, netip has parsed it already.
func endsInNumber(host string) bool {
	last := host
	if i := strings.LastIndexByte(host, '.'); i >= 0 {
		last = host[i+1:]
	}
	if last == "" {
		return false
	}
	if rest, ok := strings.CutPrefix(last, "0x"); ok {
		for i := 0; i < len(rest); i++ {
			if !isHexDigit(rest[i]) {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(last); i++ {
		if last[i] < '0' || last[i] > '9' {
			return false
		}
	}
	return true
}

func isHexDigit(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
}
