// Package web holds hookd's dashboard: static files embedded in the binary,
// with nothing to build and nothing fetched from elsewhere. The dashboard is
// a client of the public REST API like any other.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// FS is the dashboard's files, index.html at the root.
var FS, _ = fs.Sub(static, "static")
