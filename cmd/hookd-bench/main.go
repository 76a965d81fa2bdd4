// Command bench is hookd's load benchmark: it drives the real `hookd serve`
// binary against a real Postgres and a receiver running in its own process on
// loopback, through the public API only, and prints a table per scenario with
// the targets met or missed.
//
//	go run ./cmd/hookd-bench                       every scenario at full size (make bench)
//	go run ./cmd/hookd-bench -quick                a scaled-down run, well under a minute
//	go run ./cmd/hookd-bench -scenarios burst,fanout -json out.json
//	go run ./cmd/hookd-bench -hookd http://127.0.0.1:8080 -token T [-hookd-pid N]
//
// By default each scenario gets a freshly built hookd process and a fresh
// database (hookd_bench_<random>_<scenario>) on the server DATABASE_URL
// names, or on the private cluster scripts/devdb.sh starts when it is unset;
// the database is dropped afterwards. HOOKD_* variables set in the
// environment are passed through to hookd, so tuning such as HOOKD_WORKERS
// or HOOKD_DB_MAX_CONNS can be tried.
//
// `bench receiver -addr 127.0.0.1:0` is the hidden subcommand the benchmark
// re-executes itself as to run the receiver.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Scenario names, in the order they run.
var allScenarios = []string{
	"steady", "burst", "one-burst", "one-singles", "one-steady", "fanout", "fanout-formats", "fanout-filtered", "steady-formats",
	"slow", "hang", "noisy", "ratelimit", "backlog", "ordered",
}

// config is the benchmark's command line.
type config struct {
	// Scenarios to run, in allScenarios order. Default all.
	Scenarios []string
	// Rates are the steady scenario's events (= deliveries) per second.
	// Default 500, 1000, 2000.
	Rates []int
	// Duration is how long a paced producer emits. Default 30s.
	Duration time.Duration
	// OneRates are the one-steady scenario's rates. Default 1000, 2000.
	OneRates []int
	// Burst is how many events the burst scenarios emit. Default 50,000.
	Burst int
	// Singles is how many single emits the one-singles scenario makes.
	// Default 5,000.
	Singles int
	// HangRate is the hang scenario's rate to each of its two endpoints.
	// Default 1,000.
	HangRate int
	// NoisyRate is the noisy scenario's healthy tenant's rate. Default 500.
	NoisyRate int
	// NoiseRate is the noisy tenant's events a second, each to all of its
	// hanging webhooks. Default 20 (600 deliveries/s).
	NoiseRate int
	// LimitRate is the ratelimit scenario's unlimited webhooks' rate, all
	// together. Default 500.
	LimitRate int
	// Fanout is how many webhooks one event fans out to. Default 1,000.
	Fanout int
	// Backlog is how many deliveries are queued before hookd starts.
	// Default 1,000,000.
	Backlog int
	// SlowRate is the slow-neighbours scenario's rate. Default 1,000.
	SlowRate int
	// FormatsRate is the steady-formats scenario's rate. Default 1,000.
	FormatsRate int
	// Webhooks is how many webhooks (one tenant each) steady, burst, slow
	// and backlog spread their events over. Default 20.
	Webhooks int
	// Producers is how many HTTP requests the paced producer keeps in
	// flight at most. Default 256.
	Producers int
	// StallTimeout ends a wait for deliveries when none arrived for this
	// long. Default 60s.
	StallTimeout time.Duration
	// QueueSample is how often the backlog scenario reads
	// hookd_queue_jobs from /metrics. Default 1s.
	QueueSample time.Duration

	// HookdURL, when set, is an already running hookd to use instead of
	// starting one; Token authenticates to it and HookdPID, when given,
	// lets its CPU and memory be measured.
	HookdURL string
	Token    string
	HookdPID int
	// HookdBin is a hookd binary to run instead of building ./cmd/hookd.
	HookdBin string
	// Baseline, when set, is a git revision whose hookd runs each scenario
	// first, side by side with this one.
	Baseline string

	// Quick scales everything down to check the tool works.
	Quick bool
	// JSONPath, when set, also writes the results there.
	JSONPath string
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "receiver" {
		if err := runReceiver(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "bench receiver:", err)
			os.Exit(1)
		}
		return
	}
	cfg, err := parseConfig(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if err := runSignalled(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// quickValues are what -quick changes, unless the flag is given explicitly.
var quickValues = map[string]string{
	"rates":        "200",
	"duration":     "5s",
	"burst":        "2000",
	"one-rates":    "200",
	"singles":      "1000",
	"hang-rate":    "100",
	"noisy-rate":   "100",
	"noise-rate":   "5",
	"limit-rate":   "100",
	"fanout":       "100",
	"backlog":      "20000",
	"slow-rate":    "200",
	"formats-rate": "200",
}

func parseConfig(args []string) (config, error) {
	var (
		cfg       config
		scenarios string
		rates     string
		oneRates  string
	)
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&scenarios, "scenarios", strings.Join(allScenarios, ","), "scenarios to run: "+strings.Join(allScenarios, ","))
	fs.StringVar(&rates, "rates", "500,1000,2000", "steady scenario rates, events/s")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "how long the paced producer emits")
	fs.IntVar(&cfg.Burst, "burst", 50_000, "events in the burst scenarios")
	fs.StringVar(&oneRates, "one-rates", "1000,2000", "one-steady scenario rates, events/s")
	fs.IntVar(&cfg.Singles, "singles", 5_000, "single emits in the one-singles scenario")
	fs.IntVar(&cfg.HangRate, "hang-rate", 1_000, "hang scenario's rate to each endpoint, events/s")
	fs.IntVar(&cfg.NoisyRate, "noisy-rate", 500, "noisy scenario's healthy tenant's rate, events/s")
	fs.IntVar(&cfg.NoiseRate, "noise-rate", 20, "noisy scenario's noisy tenant's rate, events/s (each to its 30 hanging webhooks)")
	fs.IntVar(&cfg.LimitRate, "limit-rate", 500, "ratelimit scenario's rate to the unlimited webhooks, events/s")
	fs.IntVar(&cfg.Fanout, "fanout", 1_000, "webhooks in the fan-out scenario")
	fs.IntVar(&cfg.Backlog, "backlog", 1_000_000, "deliveries queued before the backlog scenario starts hookd")
	fs.IntVar(&cfg.SlowRate, "slow-rate", 1_000, "rate of the slow-neighbours scenario, events/s")
	fs.IntVar(&cfg.FormatsRate, "formats-rate", 1_000, "rate of the steady-formats scenario, events/s")
	fs.IntVar(&cfg.Webhooks, "webhooks", 20, "webhooks (one tenant each) the events are spread over")
	fs.IntVar(&cfg.Producers, "producers", 256, "most emit requests in flight at once")
	fs.DurationVar(&cfg.StallTimeout, "stall-timeout", 60*time.Second, "give up waiting for deliveries after this long without one")
	fs.DurationVar(&cfg.QueueSample, "queue-sample", time.Second, "how often the backlog scenario reads hookd_queue_jobs")
	fs.StringVar(&cfg.HookdURL, "hookd", "", "URL of an already running hookd to use instead of starting one")
	fs.StringVar(&cfg.Token, "token", os.Getenv("HOOKD_ADMIN_TOKEN"), "admin token of the hookd given by -hookd (default $HOOKD_ADMIN_TOKEN)")
	fs.IntVar(&cfg.HookdPID, "hookd-pid", 0, "pid of the hookd given by -hookd, to measure its CPU and memory")
	fs.StringVar(&cfg.HookdBin, "hookd-bin", "", "run this hookd binary instead of building ./cmd/hookd")
	fs.StringVar(&cfg.Baseline, "baseline", "", "git revision whose hookd runs each scenario first, for a side-by-side comparison")
	fs.BoolVar(&cfg.Quick, "quick", false, "a scaled-down run (5 s at 200/s, burst 2,000, fan-out 100, backlog 20,000)")
	fs.StringVar(&cfg.JSONPath, "json", "", "also write the results as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if cfg.Quick {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for name, v := range quickValues {
			if set[name] {
				continue
			}
			switch name {
			case "rates":
				rates = v
				continue
			case "one-rates":
				oneRates = v
				continue
			}
			if err := fs.Set(name, v); err != nil {
				return cfg, err
			}
		}
	}
	for _, s := range strings.Split(scenarios, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !slices.Contains(allScenarios, s) {
			return cfg, fmt.Errorf("unknown scenario %q (want some of %s)", s, strings.Join(allScenarios, ","))
		}
		if !slices.Contains(cfg.Scenarios, s) {
			cfg.Scenarios = append(cfg.Scenarios, s)
		}
	}
	slices.SortFunc(cfg.Scenarios, func(a, b string) int {
		return slices.Index(allScenarios, a) - slices.Index(allScenarios, b)
	})
	var err error
	if cfg.Rates, err = parseRates("-rates", rates); err != nil {
		return cfg, err
	}
	if cfg.OneRates, err = parseRates("-one-rates", oneRates); err != nil {
		return cfg, err
	}
	return cfg, cfg.validate()
}

func (c config) validate() error {
	switch {
	case len(c.Scenarios) == 0:
		return errors.New("no scenario selected")
	case c.Duration <= 0:
		return errors.New("-duration must be positive")
	case c.Burst <= 0 || c.Fanout <= 0 || c.Backlog <= 0 || c.SlowRate <= 0 || c.FormatsRate <= 0 ||
		c.Singles <= 0 || c.HangRate <= 0 || c.NoisyRate <= 0 || c.LimitRate <= 0:
		return errors.New("-burst, -fanout, -backlog, -slow-rate, -formats-rate, -singles, -hang-rate, -noisy-rate and -limit-rate must be positive")
	case c.Baseline != "" && (c.HookdURL != "" || c.HookdBin != ""):
		return errors.New("-baseline builds both hookds: it cannot be used with -hookd or -hookd-bin")
	case c.Webhooks < 10:
		return errors.New("-webhooks must be at least 10 (a tenth of them are slow in the slow scenario)")
	case c.Producers <= 0:
		return errors.New("-producers must be positive")
	case c.HookdURL != "" && c.Token == "":
		return errors.New("-hookd needs -token (or HOOKD_ADMIN_TOKEN)")
	case c.HookdURL == "" && c.HookdPID != 0:
		return errors.New("-hookd-pid goes with -hookd")
	}
	return nil
}

// runSignalled runs the benchmark until it ends or a signal stops it.
func runSignalled(cfg config) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, cfg)
}

// parseRates reads a comma-separated list of positive integers.
func parseRates(flagName, list string) ([]int, error) {
	var out []int
	for _, r := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(r))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%s: %q is not a positive integer", flagName, r)
		}
		out = append(out, n)
	}
	return out, nil
}
