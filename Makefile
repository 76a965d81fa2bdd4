# The two commands: `make run` and `make test`. Both start a private Postgres
# under ./.hookd/ when DATABASE_URL is unset (scripts/devdb.sh).
SHELL := /bin/bash
GO    ?= go
BIN   := bin/hookd
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: all build run test lint vet fmt bench chaos db-start db-stop db-destroy clean

# golangci-lint runs from the Go module proxy at this version: no binary to install.
GOLANGCI_LINT_VERSION := v2.15.0

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/hookd

## run: hookd with its dashboard on http://127.0.0.1:8080 (private Postgres unless DATABASE_URL is set)
run: build
	@scripts/run.sh $(BIN)

## test: gofmt, vet, lint, the whole suite against real Postgres, and every Go benchmark once
test:
	@scripts/test.sh

## bench: load benchmark of the real hookd binary, Postgres and a receiver (BENCH_FLAGS=-quick for a short check)
bench:
	$(GO) run ./cmd/hookd-bench $(BENCH_FLAGS)

## chaos: fault injection (kill -9, database restart, misbehaving receivers, rolling SIGTERM) against real hookd processes and a private Postgres; CHAOS_FLAGS="-scale soak" for the long run
chaos:
	$(GO) run ./cmd/hookd-chaos $(CHAOS_FLAGS)

## lint: golangci-lint with .golangci.yml (the rules STYLE.md asks for)
lint:
	$(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION) run --allow-parallel-runners ./...

vet:
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

db-start:
	@scripts/devdb.sh start
db-stop:
	@scripts/devdb.sh stop
db-destroy:
	@scripts/devdb.sh destroy

clean:
	rm -rf bin
