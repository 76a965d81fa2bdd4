package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/hookd/hookd/store"
)

func runMigrate(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"usage: hookd migrate up|down [--all]|version"}
	}
	action := args[0]
	var all bool
	if _, err := parseFlags("migrate "+action, &cfg, args[1:], stderr, func(fs *flag.FlagSet) {
		if action == "down" {
			fs.BoolVar(&all, "all", false, "revert every hookd migration and River's tables")
		}
	}); err != nil {
		return err
	}
	if action != "up" && action != "down" && action != "version" {
		return usageError{fmt.Sprintf("unknown migrate action %q; use up, down or version", action)}
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)
	pool, err := openPool(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer pool.Close()
	switch action {
	case "up":
		if err := store.MigrateUp(ctx, pool, logger); err != nil {
			return err
		}
		if err := sealPlaintext(ctx, cfg, pool, stdout); err != nil {
			return err
		}
	case "down":
		if err := store.MigrateDown(ctx, pool, all, logger); err != nil {
			return err
		}
	}
	v, err := store.Version(ctx, pool)
	if err != nil {
		return err
	}
	dirty := ""
	if v.Dirty {
		dirty = " (dirty: a migration failed halfway; fix it and run migrate up)"
	}
	fmt.Fprintf(stdout, "hookd schema %d of %d%s\nriver schema %d of %d\n", v.Hookd, v.HookdLatest, dirty, v.River, v.RiverLatest)
	return nil
}
