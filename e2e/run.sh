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

# shellcheck source=../scripts/lib/throwaway-server.sh
source "$root/scripts/lib/throwaway-server.sh"
ts_prepare "$backend" e2e
# The local spawner runs service instances as an unprivileged account
# (postgres, else nobody) when the server runs as root: it needs to pass
# through the scratch directory to the data directory (search only).
chmod o+x "$ts_tmp"
export HABILIS_DIST_DIR="$root/dist"
export HABILIS_MAIL_POLL_MS=200
# Eight local worker slots for compute jobs (issue 17): scenario 9 fills
# them with sleeping jobs (no load) to show "why am I waiting".
export HABILIS_COMPUTE_SLOTS=8
ts_serve "$bin"

artifacts="$e2e_dir/artifacts/$backend"
rm -rf "$artifacts"
mkdir -p "$artifacts"
echo "e2e ($backend): server on $ts_base, screenshots in ${artifacts#"$root"/}" >&2

cd "$e2e_dir"
E2E_BASE="$ts_base" \
  E2E_ADMIN_EMAIL="$ts_admin_email" \
  E2E_ADMIN_PASSWORD="$ts_admin_password" \
  E2E_MAIL_DIR="$HABILIS_DATA_DIR/mail" \
  E2E_BACKEND="$backend" \
  E2E_BIN="$bin" \
  E2E_ARTIFACTS="$artifacts" \
  E2E_STATE="$ts_tmp/state.json" \
  node --test --test-concurrency=1 "${E2E_ONLY:-tests/}"
