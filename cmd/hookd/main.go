// Command hookd delivers webhooks: it serves the admin API and dashboard,
// runs delivery workers, applies its schema and manages API tokens.
//
//	hookd serve                  API, dashboard and delivery workers
//	hookd worker                 delivery workers only
//	hookd migrate up|down|version
//	hookd token create --name N --scopes a,b [--tenant T]
//	hookd keys rotate
//	hookd version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// it comes from the module's build info.
var version = ""

func hookdVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

func main() {
	// Every delivery allocates a little (pgx encoding, HTTP, River); with a
	// live heap of a few tens of MiB, collecting at 2× rather than 1× the
	// live heap halves the GC's share of a busy process's CPU for a few
	// tens of MiB more. GOGC, when set, still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	os.Exit(runMain())
}

// gcPercent is hookd's GOGC unless the environment sets one.
const gcPercent = 200

// runMain is main with its deferred calls run before the process exits.
func runMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "hookd:", err)
		}
		return exitCode(err)
	}
	return 0
}

// usageError marks a mistake on the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

const usage = `usage: hookd <command> [flags]

commands:
  serve                      run the API, the dashboard and delivery workers
  worker                     run delivery workers only (scale out: more processes, one database)
  migrate up|down|version    apply, revert (one step; --all for everything) or show the schema
  token create --name N --scopes a,b [--tenant T]
                             create an API token and print it once
  keys rotate                re-encrypt stored secrets under HOOKD_ENCRYPTION_KEY (old key in HOOKD_ENCRYPTION_KEY_OLD)
  version                    print the version

Configuration comes from the environment (see README); flags override it.
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, cfg, args[1:], stderr, false)
	case "worker":
		return runServe(ctx, cfg, args[1:], stderr, true)
	case "migrate":
		return runMigrate(ctx, cfg, args[1:], stdout, stderr)
	case "token":
		return runToken(ctx, cfg, args[1:], stdout, stderr)
	case "keys":
		return runKeys(ctx, cfg, args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "hookd", hookdVersion())
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// parseFlags binds cfg's flags plus extra ones and parses args.
func parseFlags(name string, cfg *Config, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (*flag.FlagSet, error) {
	fs := flag.NewFlagSet("hookd "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.bindFlags(fs)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usageError{err.Error()}
	}
	return fs, nil
}
