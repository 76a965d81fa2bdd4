package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// cluster is a private PostgreSQL cluster the suite can stop and start at
// will: never the machine's own server. As root it runs as the unprivileged
// postgres user, since initdb and postgres refuse to run as root.
type cluster struct {
	bin  string // the server's bin directory (initdb, pg_ctl)
	base string // holds data/, sock/ and postgres.log
	data string
	sock string
	log  string
	port int
	// asUser is the OS user the server runs as when we are root, else "".
	asUser string
}

// errNoPostgres means no PostgreSQL server binaries were found.
var errNoPostgres = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL (apt-get install postgresql)")

// postgresBin finds the server binaries: pg_config --bindir when it has
// initdb, else the newest /usr/lib/postgresql/*/bin, else initdb on PATH.
func postgresBin() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if isExecutable(filepath.Join(dir, "initdb")) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) < versionOf(dirs[j]) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if isExecutable(filepath.Join(dirs[i], "initdb")) {
			return dirs[i], nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errNoPostgres
}

// versionOf reads the major version out of /usr/lib/postgresql/<v>/bin.
func versionOf(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// newCluster runs initdb in base (a fresh directory the server's user can
// reach) and starts the server on a free port.
func newCluster(ctx context.Context, base string) (*cluster, error) {
	bin, err := postgresBin()
	if err != nil {
		return nil, err
	}
	c := &cluster{bin: bin, base: base, data: filepath.Join(base, "data"), sock: filepath.Join(base, "sock"),
		log: filepath.Join(base, "postgres.log")}
	if os.Geteuid() == 0 {
		if _, err := exec.LookPath("runuser"); err != nil {
			return nil, errors.New("running as root needs runuser (util-linux) to start Postgres as the postgres user")
		}
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, errors.New("running as root needs an OS user named postgres to run the server (useradd --system postgres)")
		}
		c.asUser = "postgres"
	}
	if err := os.MkdirAll(c.sock, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(c.log, nil, 0o644); err != nil {
		return nil, err
	}
	if err := os.Mkdir(c.data, 0o700); err != nil {
		return nil, err
	}
	if err := c.giveAway(c.base, c.sock, c.log, c.data); err != nil {
		return nil, err
	}
	if out, err := c.pg(ctx, "initdb", "-D", c.data, "--auth=trust", "--username=postgres",
		"--encoding=UTF8", "--locale=C", "--no-sync"); err != nil {
		return nil, fmt.Errorf("initdb failed: %w\n%s", err, out)
	}
	if c.port, err = freePort(); err != nil {
		return nil, err
	}
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// giveAway hands paths to the server's user when we are root.
func (c *cluster) giveAway(paths ...string) error {
	if c.asUser == "" {
		return nil
	}
	u, err := user.Lookup(c.asUser)
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	for _, p := range paths {
		if err := os.Chown(p, uid, gid); err != nil {
			return err
		}
	}
	return nil
}

// pg runs one of the server's programs, as the server's user when we are
// root, from / (that user may not reach our working directory).
func (c *cluster) pg(ctx context.Context, program string, args ...string) ([]byte, error) {
	name := filepath.Join(c.bin, program)
	if c.asUser != "" {
		args = append([]string{"-u", c.asUser, "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = "/"
	return cmd.CombinedOutput()
}

// Start starts the server and waits until it accepts connections.
func (c *cluster) Start(ctx context.Context) error {
	// Durable commits (fsync, synchronous_commit) are kept on purpose: an
	// immediate stop must not be able to lose what the server acknowledged.
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=300 "+
		"-c shared_buffers=128MB -c unix_socket_permissions=0777", c.port, c.sock)
	out, err := c.pg(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", c.data, "-l", c.log, "-o", opts)
	if err != nil {
		return fmt.Errorf("pg_ctl start failed: %w\n%s\n%s", err, out, tailFile(c.log, 20))
	}
	return nil
}

// Stop stops the server: mode "fast" is a clean shutdown, "immediate" kills
// every server process without a checkpoint, like a crash.
func (c *cluster) Stop(ctx context.Context, mode string) error {
	out, err := c.pg(ctx, "pg_ctl", "stop", "-w", "-t", "60", "-m", mode, "-D", c.data)
	if err != nil {
		return fmt.Errorf("pg_ctl stop -m %s failed: %w\n%s", mode, err, out)
	}
	return nil
}

// Destroy stops the server if it runs; its files go with the run's
// directory.
func (c *cluster) Destroy() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := os.Stat(filepath.Join(c.data, "postmaster.pid")); err == nil {
		_ = c.Stop(ctx, "immediate")
	}
}

// URL is the connection URL of database name.
func (c *cluster) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}

// CreateDatabase makes a fresh, empty database and returns its URL.
func (c *cluster) CreateDatabase(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return "", fmt.Errorf("error connecting to the chaos cluster: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("error creating database %s: %w", name, err)
	}
	return c.URL(name), nil
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tailFile returns the last n lines of a file, for error messages.
func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Freeze stops every server process with SIGSTOP: the database neither
// answers nor refuses, like a partition or a stalled host. Thaw resumes it.
func (c *cluster) Freeze() error { return c.signalAll(syscall.SIGSTOP) }

// Thaw resumes a frozen server.
func (c *cluster) Thaw() error { return c.signalAll(syscall.SIGCONT) }

// signalAll signals the postmaster and its children: the postmaster first
// when stopping (so it starts nothing new), last when resuming.
func (c *cluster) signalAll(sig syscall.Signal) error {
	b, err := os.ReadFile(filepath.Join(c.data, "postmaster.pid"))
	if err != nil {
		return fmt.Errorf("error reading postmaster.pid: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		return fmt.Errorf("postmaster.pid: %w", err)
	}
	pids := append([]int{pid}, childrenOf(pid)...)
	if sig == syscall.SIGCONT {
		for i, j := 0, len(pids)-1; i < j; i, j = i+1, j-1 {
			pids[i], pids[j] = pids[j], pids[i]
		}
	}
	for _, p := range pids {
		if err := syscall.Kill(p, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("error signalling postgres process %d: %w", p, err)
		}
	}
	return nil
}

// childrenOf lists the processes whose parent is pid, from /proc.
func childrenOf(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after ')'.
		rest := string(stat[strings.LastIndexByte(string(stat), ')')+1:])
		fields := strings.Fields(rest)
		if len(fields) > 1 {
			if ppid, _ := strconv.Atoi(fields[1]); ppid == pid {
				out = append(out, child)
			}
		}
	}
	return out
}
