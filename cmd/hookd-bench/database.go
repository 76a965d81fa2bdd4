package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// dbServer is the Postgres server the benchmark creates its databases on.
type dbServer struct {
	// URL is where it was told to connect; databases are made by swapping
	// its path.
	URL string
	// Source says where URL came from.
	Source string
	// Version is the server's version().
	Version string
	// PostmasterPID is the server's main process when it runs on this
	// machine (found from a backend's parent), else 0.
	PostmasterPID int
}

func openDBServer(ctx context.Context, dsn, source string) (*dbServer, error) {
	if _, err := withDatabase(dsn, "x"); err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("error connecting to %s: %w", redactURL(dsn), err)
	}
	defer conn.Close(ctx)
	s := &dbServer{URL: dsn, Source: source}
	var backend int
	if err := conn.QueryRow(ctx, `SELECT version(), pg_backend_pid()`).Scan(&s.Version, &backend); err != nil {
		return nil, fmt.Errorf("error reading the server's version: %w", err)
	}
	if st, err := readProcStat(backend); err == nil && strings.Contains(procTitle(backend), "postgres") {
		s.PostmasterPID = st.PPID
	}
	return s, nil
}

// create makes a fresh, empty database and returns its URL.
func (s *dbServer) create(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("error creating database %s: %w", name, err)
	}
	return withDatabase(s.URL, name)
}

// drop removes a database the benchmark created, closing what is still
// connected to it.
func (s *dbServer) drop(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("error dropping database %s: %w", name, err)
	}
	return nil
}

// withDatabase returns dsn, a postgres:// URL, naming database name.
func withDatabase(dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("the database URL must be a postgres:// URL, got %q", redactURL(dsn))
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}

// databaseName is the database a postgres:// URL names.
func databaseName(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Path, "/")
}

// redactURL hides a URL's password.
func redactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// procTitle is a process's command line as ps shows it; a Postgres
// process sets it to e.g. "postgres: user db 127.0.0.1(5432) idle".
func procTitle(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
}
