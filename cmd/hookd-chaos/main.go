// Command chaos is hookd's fault-injection suite. It builds hookd, starts a
// private Postgres cluster it can stop, runs real hookd processes against
// it under load and injects faults from outside: kill -9 of every process
// (crash), a database outage (dbrestart), misbehaving receivers (receiver)
// and rolling SIGTERM restarts (rolling); "mixed" draws faults at random
// for a while (the soak). Each scenario prints what was accepted,
// delivered, failed, duplicated and lost, and its checks.
//
//	go run ./cmd/hookd-chaos [-scenarios crash,dbrestart,receiver,rolling] [-scale quick|full|soak]
//
// The exit status is 1 when any check fails.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// scenarioFuncs are the scenarios by name, in the order they run.
var scenarioFuncs = []struct {
	name string
	run  func(context.Context, *lab) *result
}{
	{"crash", runCrash},
	{"dbrestart", runDBRestart},
	{"receiver", runReceiverChaos},
	{"rolling", runRolling},
	{"mixed", runMixed},
}

// options are one run's settings.
type options struct {
	Scenarios []string
	Scale     scale
	Seed      uint64
	// Keep leaves the run directory; it is kept anyway when a check fails.
	Keep bool
	Out  io.Writer
}

// defaultScenarios is what runs unless -scenarios says otherwise: the soak
// adds the mixed-fault run.
func defaultScenarios(sc scale) []string {
	if sc.Name == "soak" {
		return []string{"crash", "dbrestart", "receiver", "rolling", "mixed"}
	}
	return []string{"crash", "dbrestart", "receiver", "rolling"}
}

// run runs the scenarios and prints their tables and a summary. It returns
// the results; err is set when the run could not start.
func run(ctx context.Context, o options) ([]*result, error) {
	for _, name := range o.Scenarios {
		if !knownScenario(name) {
			return nil, fmt.Errorf("unknown scenario %q: crash, dbrestart, receiver, rolling or mixed", name)
		}
	}
	start := time.Now()
	fmt.Fprintf(o.Out, "hookd chaos: scenarios %s, %s scale, seed %d\n", strings.Join(o.Scenarios, ","), o.Scale.Name, o.Seed)
	l, err := newLab(ctx, o.Scale, o.Seed, o.Out)
	if err != nil {
		if l != nil {
			l.close(false)
		}
		return nil, err
	}
	var results []*result
	for _, sf := range scenarioFuncs {
		if !contains(o.Scenarios, sf.name) || ctx.Err() != nil {
			continue
		}
		t := time.Now()
		l.progress("scenario %s: start", sf.name)
		m := watchMachine()
		r := sf.run(ctx, l)
		r.Took = time.Since(t)
		m.report(r)
		results = append(results, r)
		r.print(o.Out)
	}
	ok := printSummary(o.Out, results)
	fmt.Fprintf(o.Out, "took %s\n", time.Since(start).Round(time.Second))
	l.close(o.Keep || !ok)
	return results, nil
}

func knownScenario(name string) bool {
	for _, sf := range scenarioFuncs {
		if sf.name == name {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func main() {
	var (
		scenarios = flag.String("scenarios", "", "comma-separated: crash, dbrestart, receiver, rolling, mixed (default: the first four; soak adds mixed)")
		scaleName = flag.String("scale", "full", "quick (CI), full or soak")
		seed      = flag.Uint64("seed", 1, "seed of the receivers' misbehaviour and the soak's faults")
		keep      = flag.Bool("keep", false, "keep the run directory (hookd logs, Postgres data) even when every check passes")
		mixedFor  = flag.Duration("mixed-duration", 0, "how long the mixed-fault soak injects faults (default: 1m quick, 3m full, 10m soak)")
	)
	flag.Parse()
	sc, err := scaleNamed(*scaleName)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(2)
	}
	if *mixedFor > 0 {
		sc.MixedDuration = *mixedFor
	}
	list := defaultScenarios(sc)
	if *scenarios != "" {
		list = strings.Split(*scenarios, ",")
	}
	results, err := runSignalled(options{Scenarios: list, Scale: sc, Seed: *seed, Keep: *keep, Out: os.Stdout})
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		if errors.Is(err, errNoPostgres) {
			os.Exit(2)
		}
		os.Exit(1)
	}
	for _, r := range results {
		if !r.passed() {
			os.Exit(1)
		}
	}
}

// runSignalled runs the scenarios until they end or a signal stops them.
func runSignalled(o options) ([]*result, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, o)
}
