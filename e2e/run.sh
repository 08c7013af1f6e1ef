#!/usr/bin/env bash
# Browser tests against a fresh server: e2e/run.sh BACKEND BIN
#   BACKEND  sqlite | postgres (postgres needs HABILIS_TEST_PG_URL, see
#            scripts/with-postgres.sh; default postgres://postgres@127.0.0.1:5432)
#   BIN      the built `habilis` binary
# The SPA must already be built in dist/ (make spa). Screenshots land in
# e2e/artifacts/BACKEND/. Exits with the test runner's status.
set -euo pipefail

backend="${1:-}"
bin="${2:-}"
case "$backend" in
  sqlite | postgres) ;;
  *) echo "usage: $0 sqlite|postgres path/to/habilis" >&2; exit 64 ;;
esac
[ -n "$bin" ] && [ -x "$bin" ] || { echo "not an executable: '$bin'" >&2; exit 64; }
command -v node >/dev/null || { echo "node is required" >&2; exit 1; }

e2e_dir=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$e2e_dir/.." && pwd)
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
[ -f "$root/dist/index.html" ] || { echo "no SPA in $root/dist: run 'make spa' first" >&2; exit 1; }
[ -d "$e2e_dir/node_modules/playwright-core" ] || { echo "playwright-core missing: (cd e2e && npm ci)" >&2; exit 1; }

tmp=$(mktemp -d "/tmp/habilis-e2e-$backend.XXXXXX")
server=""
pg_base=""
db_name=""
status=1

cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$tmp/server.log" ]; then
    echo "── last server log lines ($backend) ──" >&2
    tail -n 40 "$tmp/server.log" >&2 || true
  fi
  if [ -n "$db_name" ]; then
    psql "$pg_base/postgres" -qAtc "DROP DATABASE IF EXISTS $db_name WITH (FORCE)" >/dev/null 2>&1 \
      || echo "warning: could not drop database $db_name" >&2
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

unset DATABASE_URL HABILIS_CONFIG HABILIS_POLICY HABILIS_SMTP_URL HABILIS_PUBLIC_URL
if [ "$backend" = postgres ]; then
  pg_base="${HABILIS_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}"
  pg_base="${pg_base%/}"
  name="habilis_e2e_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  psql "$pg_base/postgres" -qAtc "CREATE DATABASE $name" >/dev/null \
    || { echo "cannot create a database on $pg_base (is PostgreSQL up? see scripts/with-postgres.sh)" >&2; exit 1; }
  db_name="$name"
  export DATABASE_URL="$pg_base/$db_name"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export HABILIS_DATA_DIR="$tmp/data"
export HABILIS_BIND="127.0.0.1:$port"
export HABILIS_DIST_DIR="$root/dist"
export HABILIS_MAIL_POLL_MS=200
mkdir -p "$HABILIS_DATA_DIR"

admin_email=admin@inserm.fr
admin_password=$("$bin" bootstrap-admin --email "$admin_email" | sed -n 's/^  password: //p')
[ -n "$admin_password" ] || { echo "bootstrap-admin printed no password" >&2; exit 1; }

"$bin" serve >"$tmp/server.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
ready=""
for _ in $(seq 1 150); do
  if curl -sf "$base/readyz" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
[ -n "$ready" ] || { echo "the server did not become ready on $base" >&2; exit 1; }

artifacts="$e2e_dir/artifacts/$backend"
rm -rf "$artifacts"
mkdir -p "$artifacts"
echo "e2e ($backend): server on $base, screenshots in ${artifacts#"$root"/}" >&2

set +e
(
  cd "$e2e_dir" &&
    E2E_BASE="$base" \
    E2E_ADMIN_EMAIL="$admin_email" \
    E2E_ADMIN_PASSWORD="$admin_password" \
    E2E_MAIL_DIR="$HABILIS_DATA_DIR/mail" \
    E2E_BACKEND="$backend" \
    E2E_BIN="$bin" \
    E2E_ARTIFACTS="$artifacts" \
    E2E_STATE="$tmp/state.json" \
    node --test --test-concurrency=1 tests/
)
status=$?
set -e
exit "$status"
