package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

func runToken(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{"usage: hookd token create --name N --scopes a,b [--tenant T]"}
	}
	var name, scopes, tenant string
	if _, err := parseFlags("token create", &cfg, args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "a name to recognise the token by (required)")
		fs.StringVar(&scopes, "scopes", "", "comma-separated: "+strings.Join(domain.AllScopes, ","))
		fs.StringVar(&tenant, "tenant", "", "bind the token to one tenant")
	}); err != nil {
		return err
	}
	if err := domain.ValidateName(name); err != nil {
		return usageError{"--name: " + err.Error()}
	}
	list := strings.Split(scopes, ",")
	for i := range list {
		list[i] = strings.TrimSpace(list[i])
	}
	if scopes == "" {
		list = nil
	}
	if err := domain.ValidateScopes(list); err != nil {
		return usageError{"--scopes: " + err.Error()}
	}
	var tenantPtr *string
	if tenant != "" {
		if err := domain.ValidateTenant(tenant); err != nil {
			return usageError{"--tenant: " + err.Error()}
		}
		tenantPtr = &tenant
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	pool, err := openPool(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer pool.Close()
	// Tokens are stored as hashes; no encryption key is involved.
	_, value, err := store.New(nil).CreateToken(ctx, pool, store.CreateTokenParams{Name: name, Scopes: list, Tenant: tenantPtr})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, value)
	return nil
}
