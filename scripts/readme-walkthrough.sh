#!/usr/bin/env bash
# Runs the curl walkthrough of README.md, verbatim, against a fresh server
# on SQLite, exactly as a newcomer would after `make run`: only the two
# lines the reader is told to fill in (BASE, ADMIN_PASSWORD) are replaced.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${1:-${CARGO_TARGET_DIR:-target}/debug/habilis}"
work=$(mktemp -d /tmp/habilis-readme.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export HABILIS_DATA_DIR="$work/data" HABILIS_BIND="127.0.0.1:$port"
unset DATABASE_URL HABILIS_CONFIG HABILIS_POLICY

server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

password=$("$bin" bootstrap-admin --email admin@inserm.fr | sed -n 's/^  password: //p')
[ -n "$password" ] || { echo "bootstrap-admin printed no password" >&2; exit 1; }

"$bin" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

awk '/<!-- walkthrough:start -->/{on=1; next} /<!-- walkthrough:end -->/{on=0} on && !/^```/' README.md \
  | sed -e "s|^BASE=.*|BASE=http://127.0.0.1:$port/api/v1|" \
        -e "s|^ADMIN_PASSWORD=.*|ADMIN_PASSWORD='$password'|" >"$work/walkthrough.sh"

out=$(bash -euo pipefail "$work/walkthrough.sh") || {
  echo "README walkthrough failed; server log:" >&2
  tail -n 20 "$work/server.log" >&2
  exit 1
}
echo "$out"
grep -q '"email": *"paul.durand@inserm.fr"\|paul.durand@inserm.fr' <<<"$out"
grep -q '"allowed":false' <<<"$out"
grep -q 'creation.expert.expert' <<<"$out"
echo "README walkthrough: ok"
