# shellcheck shell=bash
# Sourced, not run: a fresh `habilis serve` for one test script (the browser
# tests, schemathesis, the README walkthrough), on a free port, with its own
# data directory and, on PostgreSQL, its own database; all of it is gone when
# the script exits, and when the script fails the server's log is shown.
#
#   source scripts/lib/throwaway-server.sh
#   ts_prepare BACKEND NAME   # sqlite|postgres; NAME names the scratch dir and database
#   export HABILIS_…=…        # anything else the server should see
#   ts_serve BIN              # bootstrap admin, serve, wait until ready
#
# After ts_prepare: $ts_tmp (scratch directory), HABILIS_DATA_DIR, HABILIS_BIND
# and, on PostgreSQL, DATABASE_URL (a database on HABILIS_TEST_PG_URL, see
# scripts/with-postgres.sh) are set. After ts_serve: $ts_base
# (http://127.0.0.1:PORT), $ts_admin_email, $ts_admin_password, $ts_log.
# TS_LOG_FILTER (an extended regex) picks the log lines shown on failure;
# the last 40 lines by default.
# The library owns the EXIT trap: a script that sources it sets none.

ts_tmp=""
ts_server=""
ts_pg_base=""
ts_db_name=""
ts_backend=""
ts_log=""

ts_cleanup() {
  local rc=$?
  if [ -n "$ts_server" ]; then
    kill "$ts_server" 2>/dev/null || true
    wait "$ts_server" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -n "$ts_log" ] && [ -f "$ts_log" ]; then
    echo "── server log ($ts_backend) ──" >&2
    if [ -n "${TS_LOG_FILTER:-}" ]; then
      grep -E "$TS_LOG_FILTER" "$ts_log" | tail -n 40 >&2 || true
    else
      tail -n 40 "$ts_log" >&2 || true
    fi
  fi
  if [ -n "$ts_db_name" ]; then
    psql "$ts_pg_base/postgres" -qAtc "DROP DATABASE IF EXISTS $ts_db_name WITH (FORCE)" >/dev/null 2>&1 \
      || echo "warning: could not drop database $ts_db_name" >&2
  fi
  [ -z "$ts_tmp" ] || rm -rf "$ts_tmp"
  return "$rc"
}
trap ts_cleanup EXIT
trap 'exit 130' INT TERM

# ts_prepare BACKEND NAME
ts_prepare() {
  ts_backend=$1
  local name=$2
  case "$ts_backend" in
    sqlite | postgres) ;;
    *) echo "ts_prepare: unknown backend '$ts_backend'" >&2; return 64 ;;
  esac
  ts_tmp=$(mktemp -d "/tmp/habilis-$name-$ts_backend.XXXXXX")
  # Nothing from the caller's environment decides where the server writes.
  unset DATABASE_URL HABILIS_CONFIG HABILIS_POLICY HABILIS_SMTP_URL HABILIS_PUBLIC_URL
  if [ "$ts_backend" = postgres ]; then
    ts_pg_base="${HABILIS_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}"
    ts_pg_base="${ts_pg_base%/}"
    local db
    db="habilis_${name//[^a-z0-9]/_}_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    psql "$ts_pg_base/postgres" -qAtc "CREATE DATABASE $db" >/dev/null \
      || { echo "cannot create a database on $ts_pg_base (is PostgreSQL up? see scripts/with-postgres.sh)" >&2; return 1; }
    ts_db_name=$db
    export DATABASE_URL="$ts_pg_base/$ts_db_name"
  fi
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export HABILIS_DATA_DIR="$ts_tmp/data" HABILIS_BIND="127.0.0.1:$port"
  mkdir -p "$HABILIS_DATA_DIR"
  ts_base="http://127.0.0.1:$port"
}

# ts_serve BIN: the first admin (its one-time password kept), then the server.
ts_serve() {
  local bin=$1
  ts_admin_email=admin@inserm.fr
  ts_admin_password=$("$bin" bootstrap-admin --email "$ts_admin_email" | sed -n 's/^  password: //p')
  [ -n "$ts_admin_password" ] || { echo "bootstrap-admin printed no password" >&2; return 1; }
  ts_log="$ts_tmp/server.log"
  "$bin" serve >"$ts_log" 2>&1 &
  ts_server=$!
  local _
  for _ in $(seq 1 150); do
    if curl -sf "$ts_base/readyz" >/dev/null 2>&1; then return 0; fi
    kill -0 "$ts_server" 2>/dev/null || break
    sleep 0.1
  done
  echo "the server did not become ready on $ts_base" >&2
  return 1
}
