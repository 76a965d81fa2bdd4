package main

import (
	"fmt"
	"net"
	"syscall"

	"github.com/hookd/hookd/internal/connlimit"
	"github.com/hookd/hookd/internal/metrics"
)

// MaxConnectionsDefault is HOOKD_MAX_CONNECTIONS when unset, lowered when
// the open-file limit leaves less room.
const MaxConnectionsDefault = 1024

// reservedFiles are the descriptors hookd needs besides API connections:
// the database pool, deliveries in flight and their keep-alive pools, the
// listener, logs and the odd file.
func reservedFiles(cfg Config) int { return cfg.DBMaxConns + 2*cfg.Workers + 64 }

// apiConnectionLimit returns how many API connections to allow at once:
// HOOKD_MAX_CONNECTIONS if set, else the default, in either case well below
// what the open-file limit leaves once reservedFiles are counted.
func apiConnectionLimit(cfg Config, fileLimit uint64) (int, error) {
	known := fileLimit > 0 && fileLimit < 1<<31
	headroom := 0
	if known {
		headroom = int(fileLimit) - reservedFiles(cfg)
	}
	if cfg.MaxConnections > 0 {
		if known && cfg.MaxConnections > headroom {
			return 0, fmt.Errorf("HOOKD_MAX_CONNECTIONS=%d leaves no room under the open-file limit (%d, of which %d are kept for the database pool and deliveries); lower it or raise the limit (ulimit -n)",
				cfg.MaxConnections, fileLimit, reservedFiles(cfg))
		}
		return cfg.MaxConnections, nil
	}
	n := MaxConnectionsDefault
	if known && n > headroom/2 {
		n = headroom / 2
	}
	if n < 1 {
		return 0, fmt.Errorf("the open-file limit (%d) leaves no room for API connections once %d are kept for the database pool and deliveries; raise it (ulimit -n) or lower HOOKD_WORKERS and HOOKD_DB_MAX_CONNS",
			fileLimit, reservedFiles(cfg))
	}
	return n, nil
}

// openFileLimit returns the soft RLIMIT_NOFILE (Go raises it to the hard
// limit at start), or 0 when it cannot be read.
func openFileLimit() uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0
	}
	return rl.Cur
}

// listenAPI listens on cfg.Addr with the API's connection cap.
func listenAPI(cfg Config) (net.Listener, int, error) {
	limit, err := apiConnectionLimit(cfg, openFileLimit())
	if err != nil {
		return nil, 0, err
	}
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, 0, fmt.Errorf("error listening on %s: %w", cfg.Addr, err)
	}
	return connlimit.NewListener(l, limit, metrics.ConnectionsRejected.Inc), limit, nil
}
