#!/usr/bin/env bash
# The OpenAPI document generates a complete Python client, and that client
# works against a fresh server:
#   scripts/python-client.sh BIN [sqlite|postgres]
#   BIN       the built `habilis` binary (a debug build is fine)
#   backend   sqlite (default), or postgres (needs HABILIS_TEST_PG_URL, see
#             scripts/with-postgres.sh)
# openapi-python-client (PyPI, pinned) is installed into a virtualenv under
# ~/.cache/habilis-tools (skipped when present). The client is generated
# from openapi/openapi.json into a temporary directory; any warning of the
# generator fails the run (a warning means a dropped operation or model).
# Then scripts/python_client_check.py signs in, creates an account and lists
# accounts through it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bin="${1:-}"
backend="${2:-sqlite}"
[ -n "$bin" ] && [ -x "$bin" ] || { echo "usage: $0 path/to/habilis [sqlite|postgres]" >&2; exit 64; }

version="${OPENAPI_PYTHON_CLIENT_VERSION:-0.29.1}"
venv="${HOME}/.cache/habilis-tools/openapi-python-client-$version"
if [ ! -x "$venv/bin/openapi-python-client" ]; then
  echo "installing openapi-python-client $version into $venv" >&2
  rm -rf "$venv"
  { python3 -m venv "$venv" \
    && "$venv/bin/pip" install -q --disable-pip-version-check "openapi-python-client==$version"; } \
    || { rm -rf "$venv"; exit 1; }
fi

# shellcheck source=lib/throwaway-server.sh
source "$root/scripts/lib/throwaway-server.sh"
TS_LOG_FILTER='ERROR|WARN|panick'
ts_prepare "$backend" python-client
export HABILIS_DIST_DIR="$ts_tmp/no-dist"

# Generate: no warning allowed (the generator drops what it cannot model
# and says so only as a warning).
# tus bodies (application/offset+octet-stream) are bytes, as the generator
# knows them.
printf 'project_name_override: habilis-client\npackage_name_override: habilis_client\npost_hooks: []\ncontent_type_overrides:\n  application/offset+octet-stream: application/octet-stream\n' >"$ts_tmp/config.yml"
gen_log="$ts_tmp/generate.log"
if ! "$venv/bin/openapi-python-client" generate --path "$root/openapi/openapi.json" \
  --config "$ts_tmp/config.yml" --meta none --output-path "$ts_tmp/client/habilis_client" >"$gen_log" 2>&1; then
  cat "$gen_log" >&2
  echo "openapi-python-client failed" >&2
  exit 1
fi
if grep -qiE 'warning|error|unable|cannot' "$gen_log"; then
  cat "$gen_log" >&2
  echo "openapi-python-client warned: the generated client is incomplete" >&2
  exit 1
fi

ts_serve "$bin"
"$venv/bin/python" "$root/scripts/python_client_check.py" "$ts_tmp/client" "$ts_base" "$ts_admin_email" "$ts_admin_password"
