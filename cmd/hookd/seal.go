package main

import (
	"context"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookd/hookd/internal/secretbox"
	"github.com/hookd/hookd/store"
)

// sealPlaintext seals what migrations could not (they have no key): custom
// header values stored before they were sealed. Without HOOKD_ENCRYPTION_KEY
// it says what is left for serve, worker or keys rotate to do.
func sealPlaintext(ctx context.Context, cfg Config, pool *pgxpool.Pool, stdout io.Writer) error {
	if cfg.EncryptionKey == "" {
		fmt.Fprintln(stdout, "HOOKD_ENCRYPTION_KEY is not set: custom header values stored in plaintext stay so until `hookd serve`, `hookd worker` or `hookd keys rotate` run with it")
		return nil
	}
	k, err := keyring(cfg)
	if err != nil {
		return err
	}
	keys, err := secretbox.NewKeyring(k.current, k.old...)
	if err != nil {
		return err
	}
	n, err := store.New(keys).SealPlaintextHeaders(ctx, pool, 100)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(stdout, "sealed the custom headers of %d webhooks\n", n)
	}
	return nil
}
