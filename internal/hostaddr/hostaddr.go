// Package hostaddr answers whether an IP address is one of this host's own,
// for the SSRF guard: a service listening on 0.0.0.0 is reachable through
// the host's public address as well as through loopback.
package hostaddr

import (
	"net"
	"net/netip"
	"sync"
	"time"
)

// refreshEvery bounds how stale the list may be: addresses change rarely
// (DHCP, a new container network), and reading them costs a syscall.
const refreshEvery = 5 * time.Second

var (
	mu      sync.Mutex
	addrs   map[netip.Addr]bool
	readAt  time.Time
	listErr error
)

// Own reports whether a is assigned to one of this host's network
// interfaces. If the interfaces cannot be listed it answers true, so the
// guard fails closed.
func Own(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	mu.Lock()
	defer mu.Unlock()
	if addrs == nil || time.Since(readAt) > refreshEvery {
		addrs, listErr = list()
		readAt = time.Now()
	}
	if listErr != nil {
		return true
	}
	return addrs[a]
}

func list() (map[netip.Addr]bool, error) {
	ifaddrs, err := net.InterfaceAddrs()
	if err != nil {
		return map[netip.Addr]bool{}, err
	}
	out := make(map[netip.Addr]bool, len(ifaddrs))
	for _, ia := range ifaddrs {
		var ip net.IP
		switch v := ia.(type) {
		case *net.IPNet:
			ip = v.IP
		case *net.IPAddr:
			ip = v.IP
		}
		if a, ok := netip.AddrFromSlice(ip); ok {
			out[a.Unmap().WithZone("")] = true
		}
	}
	return out, nil
}
