package main

import (
	"context"
	"fmt"
	"io"

	"github.com/hookd/hookd/internal/secretbox"
	"github.com/hookd/hookd/store"
)

// runKeys re-encrypts stored credentials under HOOKD_ENCRYPTION_KEY. The
// rotation: give every process the new key and the old one
// (HOOKD_ENCRYPTION_KEY_OLD), run `hookd keys rotate`, then drop the old.
func runKeys(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "rotate" {
		return usageError{"usage: hookd keys rotate   (with HOOKD_ENCRYPTION_KEY = the new key, HOOKD_ENCRYPTION_KEY_OLD = the old one)"}
	}
	if _, err := parseFlags("keys rotate", &cfg, args[1:], stderr, nil); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	if cfg.EncryptionKey == "" {
		return usageError{"HOOKD_ENCRYPTION_KEY must be set to the new key"}
	}
	k, err := keyring(cfg)
	if err != nil {
		return err
	}
	keys, err := secretbox.NewKeyring(k.current, k.old...)
	if err != nil {
		return err
	}
	pool, err := openPool(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer pool.Close()
	res, err := store.New(keys).ResealCredentials(ctx, pool, 100)
	if err != nil {
		return err
	}
	if res.HeadersSealed > 0 {
		fmt.Fprintf(stdout, "sealed the plaintext custom headers of %d webhooks\n", res.HeadersSealed)
	}
	fmt.Fprintf(stdout, "re-encrypted %d of %d webhooks under key %s\n", res.Resealed, res.Webhooks, keys.CurrentKeyID())
	return nil
}
