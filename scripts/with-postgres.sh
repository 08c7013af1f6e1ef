#!/usr/bin/env bash
# Runs a command with HABILIS_TEST_PG_URL pointing at a PostgreSQL server
# that answers. In order: the given/default URL; the machine's own cluster,
# started if it is down; a throwaway cluster in a temporary directory
# (installing Debian's `postgresql` package first if no server binaries are
# found). Tests create and drop their own databases on that server.
set -euo pipefail

url="${HABILIS_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}"

answers() { psql "$1/postgres" -Atqc 'select 1' >/dev/null 2>&1; }

run() {
  export HABILIS_TEST_PG_URL="$1"; shift
  echo "PostgreSQL for tests: $HABILIS_TEST_PG_URL" >&2
  "$@"
}

if ! command -v psql >/dev/null 2>&1; then
  echo "installing the PostgreSQL client and server (Debian packages)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

if answers "$url"; then run "$url" "$@"; exit $?; fi

# The machine's cluster, if it only needs starting.
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  for ver in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start >/dev/null 2>&1 || true
  done
  for _ in $(seq 1 20); do answers "$url" && break; sleep 0.5; done
  if answers "$url"; then run "$url" "$@"; exit $?; fi
fi

# A throwaway cluster on a free port, removed on exit.
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ]; then
  echo "installing the PostgreSQL server (Debian package postgresql)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
dir=$(mktemp -d /tmp/habilis-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg=()
if [ "$(id -u)" = 0 ]; then
  # initdb refuses to run as root.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${as_pg[@]}" "$bindir/initdb" -D "$dir/data" --auth=trust -U postgres >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
run "postgres://postgres@127.0.0.1:$port" "$@"
