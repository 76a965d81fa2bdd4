package scripts_test

import (
	"context"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// tree is a throwaway copy of the repository's scripts: devdb.sh finds its
// root from its own location, so the copy gets a .hookd/ and a cluster of its
// own.
type tree struct {
	t    *testing.T
	root string
	// port is the cluster's, free when the tree was made: the default port
	// may be the repository's own cluster's, and a port the script picks for
	// itself on each start could be taken between a stop and the restart.
	// 0 lets the script pick.
	port int
}

func newTree(t *testing.T) *tree {
	t.Helper()
	// Reachable by the unprivileged user the cluster runs as under root
	// (t.TempDir is mode 700), like a checkout under /home or /work.
	root, err := os.MkdirTemp("", "hookd-devdb-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(root, 0o755))
	require.NoError(t, os.Mkdir(filepath.Join(root, "scripts"), 0o755))
	for _, name := range []string{"devdb.sh", "run.sh"} {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(root, "scripts", name), b, 0o755))
	}
	tr := &tree{t: t, root: root, port: freePort(t)}
	t.Cleanup(func() {
		_, _ = tr.script("devdb.sh", "destroy")
		_ = os.RemoveAll(root)
	})
	return tr
}

// freePort is a loopback TCP port no one listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// script runs one of the copied scripts with an environment that names no
// database, as a fresh shell would, and returns its stdout.
func (tr *tree) script(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(tr.root, "scripts", name), args...)
	cmd.Dir = tr.root
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "DATABASE_URL" && !strings.HasPrefix(k, "HOOKD_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if tr.port != 0 {
		cmd.Env = append(cmd.Env, "HOOKD_DEVDB_PORT="+strconv.Itoa(tr.port))
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tr.t.Logf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out)), err
}

// testSetup is make test's database setup (scripts/test.sh): start the
// private cluster and take its URL.
func (tr *tree) testSetup() string {
	tr.t.Helper()
	url, err := tr.script("devdb.sh", "start")
	require.NoError(tr.t, err)
	return url
}

// runSetup is make run up to the point where hookd takes over: the cluster,
// the kept encryption key and admin token. /bin/true stands in for hookd.
func (tr *tree) runSetup() {
	tr.t.Helper()
	_, err := tr.script("run.sh", "/bin/true")
	require.NoError(tr.t, err)
}

// checkpoint forces a CHECKPOINT (which rewrites global/pg_control by its
// absolute path) and checks the server is still there afterwards.
func (tr *tree) checkpoint(url string) {
	tr.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(tr.t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CHECKPOINT")
	require.NoError(tr.t, err, "CHECKPOINT; postgres.log:\n%s", tr.postgresLog())
	var one int
	require.NoError(tr.t, conn.QueryRow(ctx, "SELECT 1").Scan(&one), "the server after CHECKPOINT")
}

func (tr *tree) restart() string {
	tr.t.Helper()
	_, err := tr.script("devdb.sh", "stop")
	require.NoError(tr.t, err)
	url, err := tr.script("devdb.sh", "start")
	require.NoError(tr.t, err, "restarting; postgres.log:\n%s", tr.postgresLog())
	return url
}

func (tr *tree) postgresLog() string {
	b, _ := os.ReadFile(filepath.Join(tr.root, ".hookd", "pg", "postgres.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// requireReachable checks the cluster's owner can search every directory
// down to its data, and that make run's secrets stay private.
func (tr *tree) requireReachable() {
	tr.t.Helper()
	state := filepath.Join(tr.root, ".hookd")
	data, err := filepath.EvalSymlinks(filepath.Join(state, "pg", "data"))
	require.NoError(tr.t, err)
	fi, err := os.Stat(data)
	require.NoError(tr.t, err)
	owner := fi.Sys().(*syscall.Stat_t).Uid
	if u, err := user.Current(); err == nil && u.Uid != strconv.Itoa(int(owner)) {
		for dir := filepath.Dir(data); strings.HasPrefix(dir, tr.root); dir = filepath.Dir(dir) {
			fi, err := os.Stat(dir)
			require.NoError(tr.t, err)
			require.NotZero(tr.t, fi.Mode().Perm()&0o001, "%s is %v: the cluster's user cannot search it", dir, fi.Mode().Perm())
		}
	}
	for _, name := range []string{"admin-token", "encryption.key"} {
		fi, err := os.Stat(filepath.Join(state, name))
		if err == nil {
			require.Equal(tr.t, fs.FileMode(0o600), fi.Mode().Perm(), name)
		}
	}
}

func (tr *tree) chmodState(mode fs.FileMode) {
	tr.t.Helper()
	require.NoError(tr.t, os.Chmod(filepath.Join(tr.root, ".hookd"), mode))
}

func requireTools(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("the scripts need bash")
	}
}

// The private cluster survives make test and make run in either order, a
// forced checkpoint and a restart; each command corrects what the other (or
// an older version of run.sh, which left .hookd/ at mode 700) left behind.
func TestPrivateClusterEitherOrder(t *testing.T) {
	requireTools(t)

	t.Run("TestThenRun", func(t *testing.T) {
		tr := newTree(t)
		url := tr.testSetup()
		tr.runSetup()
		tr.checkpoint(url)
		tr.requireReachable()
		url = tr.restart()
		tr.checkpoint(url)
	})

	t.Run("RunThenTest", func(t *testing.T) {
		tr := newTree(t)
		tr.runSetup()
		url := tr.testSetup()
		tr.requireReachable()
		tr.checkpoint(url)
		url = tr.restart()
		tr.checkpoint(url)
	})

	t.Run("RepairsAStateDirLockedByAnOlderRunSh", func(t *testing.T) {
		tr := newTree(t)
		tr.testSetup()
		_, err := tr.script("devdb.sh", "stop")
		require.NoError(t, err)
		tr.chmodState(0o700) // what run.sh did before devdb.sh owned the directory
		url := tr.testSetup()
		tr.requireReachable()
		tr.checkpoint(url)

		tr.chmodState(0o700) // and with the cluster running: run.sh repairs it too
		tr.runSetup()
		tr.requireReachable()
		tr.checkpoint(url)
	})
}

// A port the script found free can be taken before postgres binds it — by
// a client connection's ephemeral port, which no listener check sees. The
// script then moves to another port instead of failing make test.
func TestPrivateClusterMovesOffAPortTakenAsItStarts(t *testing.T) {
	requireTools(t)
	tr := newTree(t)
	taken := freePort(t)
	tr.port = 0 // the script picks: first what its port file says
	require.NoError(t, os.MkdirAll(filepath.Join(tr.root, ".hookd", "pg"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(tr.root, ".hookd", "pg", "port"), []byte(strconv.Itoa(taken)+"\n"), 0o644))

	// Hold the port as a client does: bound, connected, not listening.
	server, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer server.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := server.Accept(); err == nil {
			accepted <- c
		}
	}()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: taken}}
	client, err := d.Dial("tcp", server.Addr().String())
	require.NoError(t, err)
	defer client.Close()
	peer := <-accepted
	defer peer.Close()

	url, err := tr.script("devdb.sh", "start")
	require.NoError(t, err, "the script moved to another port")
	require.NotContains(t, url, ":"+strconv.Itoa(taken)+"/")
	tr.checkpoint(url)
}
