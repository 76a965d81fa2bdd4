package domain

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAddressPolicy(t *testing.T) {
	t.Parallel()
	guard := AddressPolicy{}
	forbiddenAddrs := []struct{ addr, why string }{
		{"127.0.0.1", "loopback"}, {"127.255.0.1", "loopback"}, {"::1", "loopback"},
		{"10.0.0.1", "private"}, {"172.16.0.1", "private"}, {"172.31.255.255", "private"}, {"192.168.1.1", "private"},
		{"fc00::1", "unique local"}, {"fd12:3456::1", "unique local"},
		{"169.254.169.254", "cloud metadata"}, {"169.254.0.1", "link-local"}, {"fe80::1", "link-local"}, {"fe80::1%eth0", "zoned"},
		{"100.64.0.1", "shared"}, {"100.127.255.255", "shared"},
		{"0.0.0.0", "unspecified"}, {"::", "unspecified"}, {"0.1.2.3", "this network"},
		{"224.0.0.1", "multicast"}, {"239.255.255.255", "multicast"}, {"ff02::1", "multicast"},
		{"255.255.255.255", "broadcast"}, {"240.0.0.1", "reserved"},
		{"192.0.0.8", "IETF protocol assignments"}, {"198.18.0.1", "benchmarking"}, {"192.88.99.1", "6to4 relay anycast"},
		{"::ffff:127.0.0.1", "IPv4-mapped"}, {"::ffff:10.0.0.1", "IPv4-mapped"}, {"::ffff:169.254.169.254", "IPv4-mapped"},
		{"64:ff9b::7f00:1", "NAT64 of 127.0.0.1"}, {"64:ff9b::a9fe:a9fe", "NAT64 of metadata"},
		{"2002:7f00:1::", "6to4 of 127.0.0.1"}, {"2002:a00:1::", "6to4 of 10.0.0.1"},
		// RFC 8215 local-use NAT64, whatever it embeds.
		{"64:ff9b:1::7f00:1", "local-use NAT64"}, {"64:ff9b:1::808:808", "local-use NAT64"}, {"64:ff9b:1:ffff::1", "local-use NAT64"},
		// IPv4-compatible (deprecated), whatever it embeds.
		{"::127.0.0.1", "IPv4-compatible"}, {"::7f00:1", "IPv4-compatible"}, {"::8.8.8.8", "IPv4-compatible"}, {"::a9fe:a9fe", "IPv4-compatible"},
		// SIIT IPv4-translated ::ffff:0:a.b.c.d.
		{"::ffff:0:127.0.0.1", "SIIT"}, {"::ffff:0:7f00:1", "SIIT"}, {"::ffff:0:8.8.8.8", "SIIT"},
		// Teredo and the rest of 2001::/23.
		{"2001::1", "Teredo"}, {"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"}, {"2001:2::1", "benchmarking"}, {"2001:10::1", "ORCHID"},
		{"100::1", "discard-only"}, {"100::ffff:ffff:ffff:ffff", "discard-only"},
		// Documentation.
		{"192.0.2.1", "TEST-NET-1"}, {"198.51.100.7", "TEST-NET-2"}, {"203.0.113.200", "TEST-NET-3"},
		{"2001:db8::1", "IPv6 documentation"}, {"2001:db8:ffff::1", "IPv6 documentation"}, {"3fff::1", "IPv6 documentation"}, {"3fff:fff::1", "IPv6 documentation"},
		{"::ffff:192.0.2.1", "IPv4-mapped documentation"},
		// Nothing outside IPv6 global unicast.
		{"1::1", "unallocated"}, {"4000::1", "unallocated"}, {"5f00::1", "SRv6"},
	}
	for _, tt := range forbiddenAddrs {
		t.Run(tt.why+"/"+tt.addr, func(t *testing.T) {
			t.Parallel()
			require.ErrorIs(t, guard.Check(netip.MustParseAddr(tt.addr)), ErrAddressNotAllowed)
			require.NoError(t, AddressPolicy{AllowPrivate: true}.Check(netip.MustParseAddr(tt.addr)))
		})
	}
	for _, s := range []string{"93.184.216.34", "8.8.8.8", "2606:4700::1111", "172.32.0.1", "100.128.0.1", "::ffff:8.8.8.8",
		"64:ff9b::808:808", "2002:808:808::1", "2001:200::1", "3fff:1000::1", "192.0.3.1", "203.0.114.1", "2a00:1450::1"} {
		require.NoError(t, guard.Check(netip.MustParseAddr(s)), s)
	}

	cidrs, err := ParseCIDRs("10.20.0.0/16, 127.0.0.1")
	require.NoError(t, err)
	some := AddressPolicy{Allowed: cidrs}
	require.NoError(t, some.Check(netip.MustParseAddr("10.20.3.4")))
	require.NoError(t, some.Check(netip.MustParseAddr("127.0.0.1")))
	require.NoError(t, some.Check(netip.MustParseAddr("::ffff:10.20.3.4")))
	require.Error(t, some.Check(netip.MustParseAddr("127.0.0.2")))
	require.Error(t, some.Check(netip.MustParseAddr("10.21.0.1")))

	_, err = ParseCIDRs("10.0.0.0/33")
	require.Error(t, err)
	_, err = ParseCIDRs("nope")
	require.Error(t, err)
}

// TestAddressPolicyOwnAddresses: the host's own addresses are refused like
// loopback, in either spelling, unless opened explicitly.
func TestAddressPolicyOwnAddresses(t *testing.T) {
	t.Parallel()
	public := netip.MustParseAddr("93.184.216.34")
	own := func(a netip.Addr) bool { return a == public }
	guard := AddressPolicy{Own: own}
	require.ErrorIs(t, guard.Check(public), ErrAddressNotAllowed)
	require.ErrorIs(t, guard.Check(netip.MustParseAddr("::ffff:93.184.216.34")), ErrAddressNotAllowed)
	require.ErrorIs(t, guard.CheckHost("93.184.216.34"), ErrAddressNotAllowed)
	require.NoError(t, guard.Check(netip.MustParseAddr("8.8.8.8")))
	require.NoError(t, AddressPolicy{Own: own, Allowed: []netip.Prefix{netip.MustParsePrefix("93.184.216.0/24")}}.Check(public))
	require.NoError(t, AddressPolicy{Own: own, AllowPrivate: true}.Check(public))
}

func TestCheckHost(t *testing.T) {
	t.Parallel()
	guard := AddressPolicy{}
	tests := []struct {
		host string
		want error
	}{
		{"127.0.0.1", ErrAddressNotAllowed}, {"[::1]", ErrAddressNotAllowed}, {"::1", ErrAddressNotAllowed},
		{"localhost", ErrAddressNotAllowed}, {"LOCALHOST.", ErrAddressNotAllowed}, {"x.localhost", ErrAddressNotAllowed},
		{"169.254.169.254", ErrAddressNotAllowed}, {"127.0.0.1.", ErrAddressNotAllowed}, {"[::127.0.0.1]", ErrAddressNotAllowed},
		{"[64:ff9b:1::a9fe:a9fe]", ErrAddressNotAllowed}, {"[2001::1]", ErrAddressNotAllowed}, {"203.0.113.5", ErrAddressNotAllowed},
		// Numeric forms a resolver (inet_aton, browsers) reads as IPv4.
		{"2130706433", ErrNumericHost},          // decimal 127.0.0.1
		{"017700000001", ErrNumericHost},        // octal
		{"0x7f000001", ErrNumericHost},          // hex
		{"0X7F000001", ErrNumericHost},          // hex, upper case
		{"0x7f.0.0.1", ErrNumericHost},          // mixed
		{"0177.0.0.1", ErrNumericHost},          // octal first octet
		{"0177.0000.0000.0001", ErrNumericHost}, // octal everywhere
		{"127.1", ErrNumericHost},               // short form
		{"127.0.1", ErrNumericHost},             // short form
		{"010.0.0.1", ErrNumericHost},           // leading zero (octal 8.0.0.1)
		{"127.000.000.001", ErrNumericHost},     // zero-padded
		{"0", ErrNumericHost},                   // 0.0.0.0
		{"0x", ErrNumericHost},
		{"134744072", ErrNumericHost}, // 8.8.8.8: the form itself is refused
		{"2130706433.", ErrNumericHost},
		{"a.2130706433", ErrNumericHost}, // ends in a number: parsed as IPv4, or fails
		// Unicode spellings net/http maps to ASCII before dialling.
		{"１２７.０.０.１", ErrAddressNotAllowed}, {"127。0。0。1", ErrAddressNotAllowed}, {"ⓛocalhost", ErrAddressNotAllowed},
		{"０x7f000001", ErrNumericHost},
	}
	for _, tt := range tests {
		require.ErrorIs(t, guard.CheckHost(tt.host), tt.want, tt.host)
		require.NoError(t, AddressPolicy{AllowPrivate: true}.CheckHost(tt.host), tt.host)
	}
	for _, h := range []string{"example.com", "93.184.216.34", "localhost.example.com", "8.8.8.8", "0x7f.example.com",
		"1password.com", "123.example", "例え.jp", "[2606:4700::1111]", "a1.b2.c3"} {
		require.NoError(t, guard.CheckHost(h), h)
	}
}
