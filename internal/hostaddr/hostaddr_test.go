package hostaddr

import (
	"net"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOwn(t *testing.T) {
	t.Parallel()
	ifaddrs, err := net.InterfaceAddrs()
	require.NoError(t, err)
	require.NotEmpty(t, ifaddrs)
	for _, ia := range ifaddrs {
		a, ok := netip.AddrFromSlice(ia.(*net.IPNet).IP)
		require.True(t, ok)
		require.True(t, Own(a), "%s is this host's", a)
		if a.Is4() {
			require.True(t, Own(netip.AddrFrom16(a.As16())), "%s IPv4-mapped", a)
		}
	}
	for _, s := range []string{"93.184.216.34", "2606:4700::1111"} {
		require.False(t, Own(netip.MustParseAddr(s)), s)
	}
}
