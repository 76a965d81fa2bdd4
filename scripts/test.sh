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

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.hookd/*'))
if [[ -n $unformatted ]]; then
  echo "gofmt would change:" >&2; echo "$unformatted" >&2; exit 1
fi
$GO vet ./...
$GO test -count=1 -timeout 15m "$@" ./...
