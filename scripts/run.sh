#!/usr/bin/env bash
# make run: start hookd for local use. Without DATABASE_URL it starts the
# private cluster; it keeps an encryption key and an admin token under
# ./.hookd/ so a restart finds the same secrets and the same login.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BIN=${1:-$ROOT/bin/hookd}
STATE=$ROOT/.hookd
# devdb.sh owns .hookd/ and its permissions (the cluster may live inside it).
"$ROOT/scripts/devdb.sh" prepare

if [[ -z ${DATABASE_URL:-} ]]; then
  DATABASE_URL=$("$ROOT/scripts/devdb.sh" start)
  export DATABASE_URL
fi

# Secrets are created once, readable only by their owner.
keep() { # keep FILE COMMAND...: print FILE's content, creating it with COMMAND's output first
  local file=$1; shift
  if [[ ! -s $file ]]; then (umask 077; "$@" > "$file"); fi
  cat "$file"
}
random_b64() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }
# hookd refuses an admin token under 32 characters: this one has 74.
random_token() { printf 'hkd_admin_%s' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }

export HOOKD_ENCRYPTION_KEY=${HOOKD_ENCRYPTION_KEY:-$(keep "$STATE/encryption.key" random_b64)}
# A token kept from before hookd required 32 characters is replaced.
if [[ -s $STATE/admin-token && $(wc -c < "$STATE/admin-token") -lt 32 ]]; then rm -f "$STATE/admin-token"; fi
export HOOKD_ADMIN_TOKEN=${HOOKD_ADMIN_TOKEN:-$(keep "$STATE/admin-token" random_token)}
# Local development delivers to local receivers over plain http.
export HOOKD_ALLOW_HTTP=${HOOKD_ALLOW_HTTP:-true}
export HOOKD_ALLOW_PRIVATE_NETWORKS=${HOOKD_ALLOW_PRIVATE_NETWORKS:-true}
export HOOKD_ADDR=${HOOKD_ADDR:-127.0.0.1:8080}

cat >&2 <<MSG

  hookd is starting
    API and dashboard  http://$HOOKD_ADDR/
    admin token        $HOOKD_ADMIN_TOKEN   (kept in .hookd/admin-token)
    database           ${DATABASE_URL%%\?*}

  Try: curl -H "Authorization: Bearer \$(cat .hookd/admin-token)" http://$HOOKD_ADDR/v2/admin/webhooks

MSG
exec "$BIN" serve
