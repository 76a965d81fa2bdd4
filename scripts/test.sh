#!/usr/bin/env bash
# make test: the whole suite against a real Postgres. Without DATABASE_URL
# (or TEST_DATABASE_URL) it starts the private cluster under ./.hookd/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
GO=${GO:-go}

if [[ -z ${TEST_DATABASE_URL:-} && -z ${DATABASE_URL:-} ]]; then
  DATABASE_URL=$(scripts/devdb.sh start)
  export DATABASE_URL
fi

# The dashboard's browser tests drive Debian's Chromium (never a test tool's
# own download), and its verification snippets run under Node, Python, Go
# and PHP; install what is missing when we can.
need() { # need COMMAND PACKAGE WHY
  command -v "$1" >/dev/null 2>&1 && return
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $2 for $3" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >&2 ||
      { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >&2; }
  else
    echo "warning: $1 is not installed; $3 will fail (apt-get install $2)" >&2
  fi
}
need chromium chromium "the browser tests"
need php php-cli "the PHP verification snippet's test"

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.hookd/*'))
if [[ -n $unformatted ]]; then
  echo "gofmt would change:" >&2; echo "$unformatted" >&2; exit 1
fi
$GO vet ./...
make --no-print-directory lint
$GO test -count=1 -timeout 15m "$@" ./...
# Every Go benchmark once, so they keep compiling and running.
bench_out=$($GO test -count=1 -run='^$' -bench=. -benchtime=1x ./... 2>&1) || { echo "$bench_out" >&2; exit 1; }
echo "benchmarks: $(grep -c '^Benchmark' <<<"$bench_out") ran once each"
