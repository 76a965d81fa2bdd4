package delivery

import (
	"fmt"
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
			return fmt.Errorf("%w: unparseable address", ErrAddressNotAllowed)
		}
		if policy.Check(ap.Addr()) != nil {
			return ErrAddressNotAllowed
		}
		return nil
	}
}
