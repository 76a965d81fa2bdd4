package delivery

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"github.com/hookd/hookd/domain"
)

// DialGuard returns a net.Dialer Control hook enforcing policy on the address
// actually dialled, after DNS: a name that resolves (or re-resolves) to a
// forbidden address is refused just like a literal one, and redirects are
// never followed, so none can lead there either.
func DialGuard(policy domain.AddressPolicy) func(network, address string, c syscall.RawConn) error {
	if policy.AllowPrivate {
		return nil
	}
	return func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: unparseable address", domain.ErrAddressNotAllowed)
		}
		if policy.Check(ap.Addr()) != nil {
			return domain.ErrAddressNotAllowed
		}
		return nil
	}
}

// hostGuard returns a check of the host a request names, before any lookup:
// a numeric form such as 2130706433, a full-width spelling of 127.0.0.1 or
// localhost is refused at connect time as it is when a URL is saved, so a
// URL stored before a rule existed (or given to the Go API) cannot reach one.
func hostGuard(policy domain.AddressPolicy) func(host string) error {
	if policy.AllowPrivate {
		return nil
	}
	return func(host string) error {
		if policy.CheckHost(host) != nil {
			return domain.ErrAddressNotAllowed
		}
		return nil
	}
}

// guardDial wraps dial with check on the host of each address dialled.
func guardDial(dial func(ctx context.Context, network, address string) (net.Conn, error), check func(string) error) func(ctx context.Context, network, address string) (net.Conn, error) {
	if check == nil {
		return dial
	}
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return nil, fmt.Errorf("%w: unparseable address", domain.ErrAddressNotAllowed)
		}
		if err := check(host); err != nil {
			return nil, err
		}
		return dial(ctx, network, address)
	}
}
