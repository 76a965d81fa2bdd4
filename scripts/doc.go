// Package scripts holds the shell scripts behind `make run`, `make test` and
// `make db-*` (devdb.sh, run.sh, test.sh). It has no Go code of its own: its
// tests run the scripts against a private cluster in a copy of the tree.
package scripts
