package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// A process killed in the middle of a statement does not stop the
// statement: Postgres runs it to its end (a commit included) and only then
// finds the client gone. Until the backends of the killed processes have
// exited, what they were writing may still land — read hookd's record
// before that and a batch of jobs completed by a dead process looks like
// jobs stranded by it.

// suiteAppName is the application_name of the suite's own connections.
const suiteAppName = "hookd-chaos"

// waitDeadBackends waits up to d until no Postgres backend of the stage's
// database serves a hookd process that is gone: every client backend but
// the suite's own must belong to one of the live processes (by the TCP
// port it connected from). It returns how long that took.
func waitDeadBackends(ctx context.Context, s *stage, d time.Duration) (time.Duration, error) {
	start := time.Now()
	var left []string
	ok := waitFor(ctx, d, 20*time.Millisecond, func() bool {
		var err error
		left, err = deadBackends(ctx, s.db, s.liveProcs())
		return err == nil && len(left) == 0
	})
	if !ok {
		return time.Since(start), fmt.Errorf("backends of killed hookd processes still running after %s: %s", d, strings.Join(first(left, 5), "; "))
	}
	return time.Since(start), nil
}

// deadBackends lists the client backends, the suite's own aside, whose
// client port is none of the live processes'. The ports are read after the backends, so a
// connection a live process opens in between cannot be taken for a dead
// one.
func deadBackends(ctx context.Context, db *pgxpool.Pool, live []*proc) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT pid, client_port, state, left(query, 60) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name <> $1 AND backend_type = 'client backend'`, suiteAppName)
	if err != nil {
		return nil, err
	}
	type backend struct {
		pid, port   int
		state, what string
	}
	var all []backend
	for rows.Next() {
		var b backend
		var state, query *string
		if err := rows.Scan(&b.pid, &b.port, &state, &query); err != nil {
			return nil, err
		}
		if state != nil {
			b.state = *state
		}
		if query != nil {
			b.what = *query
		}
		all = append(all, b)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ports := map[int]bool{}
	for _, p := range live {
		if !p.alive() {
			continue
		}
		for _, port := range localTCPPorts(p.pid) {
			ports[port] = true
		}
	}
	var out []string
	for _, b := range all {
		if !ports[b.port] {
			out = append(out, fmt.Sprintf("backend %d (%s: %s)", b.pid, b.state, b.what))
		}
	}
	return out, nil
}

// localTCPPorts returns the local ports of process pid's TCP sockets, from
// /proc: its socket inodes, looked up in its network namespace's tables.
func localTCPPorts(pid int) []int {
	dir := fmt.Sprintf("/proc/%d", pid)
	fds, err := os.ReadDir(filepath.Join(dir, "fd"))
	if err != nil {
		return nil
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join(dir, "fd", fd.Name()))
		if err == nil && strings.HasPrefix(target, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]")] = true
		}
	}
	var ports []int
	for _, table := range []string{"tcp", "tcp6"} {
		b, err := os.ReadFile(filepath.Join(dir, "net", table))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
			f := strings.Fields(line)
			if len(f) < 10 || !inodes[f[9]] {
				continue
			}
			i := strings.LastIndexByte(f[1], ':')
			if port, err := strconv.ParseInt(f[1][i+1:], 16, 32); err == nil {
				ports = append(ports, int(port))
			}
		}
	}
	return ports
}
