package domain

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAddressPolicy(t *testing.T) {
	t.Parallel()
	guard := AddressPolicy{}
	forbiddenAddrs := []string{
		"127.0.0.1", "127.255.0.1", "::1", // loopback
		"10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "fc00::1", "fd12:3456::1", // private
		"169.254.169.254", "169.254.0.1", "fe80::1", // link-local, cloud metadata
		"100.64.0.1", "100.127.255.255", // shared
		"0.0.0.0", "::", "0.1.2.3", // unspecified, this network
		"224.0.0.1", "239.255.255.255", "ff02::1", // multicast
		"255.255.255.255", "240.0.0.1", // broadcast, reserved
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", // IPv4-mapped
		"64:ff9b::7f00:1", "2002:7f00:1::", // NAT64 and 6to4 carrying 127.0.0.1
		"fe80::1%eth0", // zoned
	}
	for _, s := range forbiddenAddrs {
		require.ErrorIs(t, guard.Check(netip.MustParseAddr(s)), ErrAddressForbidden, s)
	}
	for _, s := range []string{"93.184.216.34", "8.8.8.8", "2606:4700::1111", "172.32.0.1", "100.128.0.1", "::ffff:8.8.8.8", "64:ff9b::808:808"} {
		require.NoError(t, guard.Check(netip.MustParseAddr(s)), s)
	}

	open := AddressPolicy{AllowPrivate: true}
	for _, s := range forbiddenAddrs {
		require.NoError(t, open.Check(netip.MustParseAddr(s)), s)
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

func TestCheckHost(t *testing.T) {
	t.Parallel()
	guard := AddressPolicy{}
	for _, h := range []string{"127.0.0.1", "[::1]", "::1", "localhost", "LOCALHOST.", "x.localhost", "169.254.169.254"} {
		require.Error(t, guard.CheckHost(h), h)
	}
	for _, h := range []string{"example.com", "93.184.216.34", "localhost.example.com"} {
		require.NoError(t, guard.CheckHost(h), h)
	}
}
