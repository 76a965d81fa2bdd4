package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hookd/hookd/internal/hookdbin"
)

// hookdDefaults is how the benchmark runs hookd unless the user's HOOKD_*
// say otherwise: plain http to private addresses (the receiver is on
// loopback), no API rate limit (the producer is the product, not an admin),
// attempts ending 2 s in (slow neighbours hang past it), no webhook cap
// (fan-out needs 1,000 in a tenant).
//
// The log level is info, not warn: "hookd serving ... addr=", the line the
// benchmark learns hookd's address from, is logged at info. hookd logs
// nothing per request or per delivery at info, so it costs nothing
// measurable; the report counts the warnings and errors.
var hookdDefaults = []string{
	"HOOKD_ALLOW_HTTP=true",
	"HOOKD_ALLOW_PRIVATE_NETWORKS=true",
	"HOOKD_RATE_LIMIT=0",
	"HOOKD_DELIVERY_TIMEOUT=2s",
	"HOOKD_MAX_WEBHOOKS_PER_TENANT=0",
}

// runner runs the selected scenarios and keeps what later ones compare
// against.
type runner struct {
	cfg     config
	root    string
	bin     string    // hookd binary; "" with -hookd
	tmpDir  string    // where bin was built, removed at the end
	db      *dbServer // nil with -hookd and no DATABASE_URL
	runID   string
	key     string // HOOKD_ENCRYPTION_KEY of every hookd started
	token   string // HOOKD_ADMIN_TOKEN of every hookd started
	machine machine

	// steadyBase is the steady scenario's outcome by rate, for the slow one.
	steadyBase map[int]steadyBaseline
	// burstRate is the burst scenario's deliveries/s, for the backlog one.
	burstRate float64
	// baseline is the -baseline build and what its scenarios keep; nil
	// without -baseline.
	baseline *build
}

func run(ctx context.Context, cfg config) error {
	r := &runner{cfg: cfg, runID: randomHex(3), key: randomKey(), token: "bench_" + randomHex(16),
		steadyBase: map[int]steadyBaseline{}}
	r.machine = describeMachine()
	r.machine.Quick = cfg.Quick
	var err error
	if r.root, err = hookdbin.RepoRoot(); err != nil {
		return err
	}
	err = r.prepare(ctx)
	if r.tmpDir != "" {
		defer os.RemoveAll(r.tmpDir)
	}
	if err != nil {
		return err
	}
	printMachine(os.Stdout, r.machine)

	var results []*result
	for _, name := range cfg.Scenarios {
		if r.baseline != nil {
			results = append(results, r.runBaseline(ctx, name)...)
		}
		rs := r.runScenario(ctx, name)
		for _, res := range rs {
			printResult(os.Stdout, res)
		}
		results = append(results, rs...)
		if ctx.Err() != nil {
			break
		}
	}
	if r.baseline != nil {
		printComparison(os.Stdout, results)
	}
	printSummary(os.Stdout, results)
	r.machine.LoadEnd = loadAvg()
	r.machine.Elapsed = time.Since(r.machine.Started).Round(time.Second).String()
	fmt.Printf("\n  load average %s at end; took %s\n", r.machine.LoadEnd, r.machine.Elapsed)
	if cfg.JSONPath != "" {
		if err := writeJSON(cfg.JSONPath, report{Machine: r.machine, Results: results}); err != nil {
			return fmt.Errorf("error writing %s: %w", cfg.JSONPath, err)
		}
		fmt.Printf("  results written to %s\n", cfg.JSONPath)
	}
	return ctx.Err()
}

// runScenario runs one scenario; some give a result per phase or rate.
func (r *runner) runScenario(ctx context.Context, name string) []*result {
	switch name {
	case "steady":
		var rs []*result
		for _, rate := range r.cfg.Rates {
			rs = append(rs, r.steady(ctx, rate))
		}
		return rs
	case "burst":
		return []*result{r.burst(ctx)}
	case "one-burst":
		return []*result{r.oneBurst(ctx)}
	case "one-singles":
		return []*result{r.oneSingles(ctx)}
	case "one-steady":
		var rs []*result
		for _, rate := range r.cfg.OneRates {
			rs = append(rs, r.oneSteady(ctx, rate))
		}
		return rs
	case "fanout":
		return []*result{r.fanout(ctx)}
	case "fanout-formats":
		return []*result{r.fanoutFormats(ctx)}
	case "fanout-filtered":
		return []*result{r.fanoutFiltered(ctx)}
	case "steady-formats":
		return r.steadyFormats(ctx)
	case "slow":
		return []*result{r.slow(ctx)}
	case "hang":
		return r.hang(ctx)
	case "noisy":
		return r.noisy(ctx)
	case "ratelimit":
		return r.ratelimit(ctx)
	case "backlog":
		return []*result{r.backlog(ctx)}
	case "ordered":
		return r.ordered(ctx)
	}
	return nil
}

// prepare finds or builds hookd and finds the database server.
func (r *runner) prepare(ctx context.Context) error {
	r.machine.Postgres, r.machine.PostgresFrom = "not measured", "-hookd without DATABASE_URL"
	dsn := os.Getenv("DATABASE_URL")
	if r.cfg.HookdURL != "" {
		api := newAPIClient(strings.TrimRight(r.cfg.HookdURL, "/"), r.cfg.Token, 4)
		v, err := api.healthVersion(ctx)
		if err != nil {
			return fmt.Errorf("error reaching %s: %w", r.cfg.HookdURL, err)
		}
		r.machine.Hookd, r.machine.HookdFrom = v, "already running at "+r.cfg.HookdURL
		r.machine.HookdEnv = []string{"(its own)"}
		if dsn != "" {
			// Only to find the server's processes and version.
			if r.db, err = openDBServer(ctx, dsn, "DATABASE_URL, hookd's database"); err != nil {
				return err
			}
			r.machine.Postgres, r.machine.PostgresFrom = r.db.Version, r.db.Source
		}
		return nil
	}

	if r.cfg.HookdBin != "" {
		r.bin = r.cfg.HookdBin
		r.machine.HookdFrom = r.bin
	} else {
		var err error
		if r.tmpDir, err = os.MkdirTemp("", "hookd-bench-"); err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "bench: building ./cmd/hookd")
		if r.bin, err = hookdbin.Build(ctx, r.root, r.tmpDir); err != nil {
			return err
		}
		r.machine.HookdFrom = "built from " + r.root
		if r.cfg.Baseline != "" {
			if r.baseline, err = buildBaseline(ctx, r.root, r.tmpDir, r.cfg.Baseline); err != nil {
				return err
			}
			r.machine.HookdFrom += "; baseline " + r.cfg.Baseline + " built from the same repository"
		}
	}
	r.machine.Hookd = binaryVersion(r.bin)
	source := "DATABASE_URL's server, a fresh database per scenario"
	if dsn == "" {
		var err error
		if dsn, err = devdbStart(ctx, r.root); err != nil {
			return err
		}
		source = "private cluster of scripts/devdb.sh, a fresh database per scenario"
	}
	var err error
	if r.db, err = openDBServer(ctx, dsn, source); err != nil {
		return err
	}
	r.machine.Postgres, r.machine.PostgresFrom = r.db.Version, r.db.Source
	r.machine.HookdEnv = append([]string(nil), hookdDefaults...)
	r.machine.UserEnv = userHookdEnv()
	return nil
}

// steadyBaseline is what the slow scenario compares with.
type steadyBaseline struct {
	P99 time.Duration
	// Sustained is false when hookd fell behind the offered rate: then its
	// p99 is a queueing delay, and a ratio to it says nothing.
	Sustained bool
}

// system is what one scenario runs against: a receiver, and a hookd with
// a database of its own (or the one given by -hookd).
type system struct {
	name   string
	rcv    *receiverProcess
	hookd  atomic.Pointer[hookdProcess] // nil with -hookd
	api    *apiClient
	dbName string // "" with -hookd
	dbURL  string
	env    []string // hookd's environment, for a restart
	// tenant prefixes the tenants the scenario creates, so runs against a
	// shared hookd do not mix.
	tenant string
}

// apiConns is how many connections the benchmark keeps to hookd's API.
func (r *runner) apiConns() int { return r.cfg.Producers + 16 }

// startSystem starts a receiver and, unless -hookd was given, a fresh
// database and hookd with extraEnv added to the defaults.
func (r *runner) startSystem(ctx context.Context, name string, extraEnv ...string) (*system, error) {
	rcv, err := startReceiver(ctx)
	if err != nil {
		return nil, err
	}
	s := &system{name: name, rcv: rcv, tenant: "bench-" + r.runID + "-" + name}
	if r.cfg.HookdURL != "" {
		s.api = newAPIClient(strings.TrimRight(r.cfg.HookdURL, "/"), r.cfg.Token, r.apiConns())
		return s, nil
	}
	s.dbName = "hookd_bench_" + r.runID + "_" + name
	if s.dbURL, err = r.db.create(ctx, s.dbName); err != nil {
		s.dbName = ""
		r.closeSystem(s, nil)
		return nil, err
	}
	level := "HOOKD_LOG_LEVEL=info"
	if strings.EqualFold(os.Getenv("HOOKD_LOG_LEVEL"), "debug") {
		level = "HOOKD_LOG_LEVEL=debug"
	}
	s.env = hookdEnv(append(append([]string(nil), hookdDefaults...), extraEnv...), []string{
		level,
		"DATABASE_URL=" + s.dbURL,
		"HOOKD_ADDR=127.0.0.1:0",
		"HOOKD_ADMIN_TOKEN=" + r.token,
		"HOOKD_ENCRYPTION_KEY=" + r.key,
		"HOOKD_LOG_FORMAT=text", // the benchmark reads hookd's log lines
		"HOOKD_AUTO_MIGRATE=true",
	})
	if err := r.startHookd(ctx, s); err != nil {
		r.closeSystem(s, nil)
		return nil, err
	}
	return s, nil
}

// startHookd (re)starts the system's hookd and points its API client at it.
func (r *runner) startHookd(ctx context.Context, s *system) error {
	p, err := startHookd(ctx, r.bin, s.env)
	if err != nil {
		return err
	}
	s.hookd.Store(p)
	s.api = newAPIClient("http://"+p.Addr, r.token, r.apiConns())
	return nil
}

// hookdGrace is how long a SIGTERM'd hookd may take; its own default
// shutdown timeout is 30 s.
const hookdGrace = 45 * time.Second

// stopHookd stops the system's hookd, noting an unclean exit in res.
func (r *runner) stopHookd(s *system, res *result) {
	p := s.hookd.Load()
	if p == nil {
		return
	}
	start := time.Now()
	err := p.stop(hookdGrace)
	if res == nil {
		return
	}
	if res.HookdLog == nil {
		l := p.log.summary()
		res.HookdLog = &l
	}
	if err != nil {
		res.notef("hookd did not stop cleanly on SIGTERM after %s: %v", time.Since(start).Round(time.Millisecond), err)
	}
}

// closeSystem stops everything startSystem started and drops its database.
func (r *runner) closeSystem(s *system, res *result) {
	r.stopHookd(s, res)
	if s.dbName != "" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := r.db.drop(ctx, s.dbName); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
	}
	s.rcv.stop()
}

// hookdDone fires when the system's hookd exits (never with -hookd).
func (s *system) hookdDone() <-chan struct{} {
	if p := s.hookd.Load(); p != nil {
		return p.Done()
	}
	return nil
}

// spreadWebhooks creates n webhooks, webhook i alone in tenant
// <prefix>-i, hanging when slow(i), in formats[i % len(formats)] (hookd's
// when none are given); it returns the tenants.
func (r *runner) spreadWebhooks(ctx context.Context, s *system, n int, slow func(int) bool, formats ...string) ([]string, []int64, error) {
	tenants := make([]string, n)
	specs := make([]webhookSpec, n)
	for i := range specs {
		tenants[i] = s.tenant + "-" + strconv.Itoa(i)
		specs[i] = webhookSpec{Tenant: tenants[i], URL: s.rcv.hookURL(i, slow != nil && slow(i))}
		if len(formats) > 0 {
			specs[i].Format = formats[i%len(formats)]
		}
	}
	ids, err := s.api.createWebhooks(ctx, specs)
	return tenants, ids, err
}

// failed finishes a result that could not run to the end.
func failed(res *result, err error) *result {
	if err != nil && res.Error == "" {
		res.Error = err.Error()
	}
	return res
}

// eventIDs names a scenario's events <prefix>N, so an arrival's
// Hookd-Event-Id gives back N.
type eventIDs struct{ prefix string }

func (r *runner) eventIDs(scenario string) eventIDs {
	return eventIDs{prefix: "bench-" + r.runID + "-" + scenario + "-"}
}

func (e eventIDs) id(n int) string { return e.prefix + strconv.Itoa(n) }

// index is N of an id, or -1 for an id that is not the scenario's.
func (e eventIDs) index(id string) int {
	rest, ok := strings.CutPrefix(id, e.prefix)
	if !ok {
		return -1
	}
	n, err := strconv.Atoi(rest)
	if err != nil {
		return -1
	}
	return n
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randomKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}
