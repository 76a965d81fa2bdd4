// Package migrations embeds hookd's SQL schema migrations, applied by
// golang-migrate (see store.Migrate).
package migrations

import "embed"

// FS holds the numbered up and down migration files.
//
//go:embed *.sql
var FS embed.FS
