#!/usr/bin/env bash
# Schemathesis against openapi/openapi.json and a fresh server:
#   scripts/schemathesis.sh BIN [sqlite|postgres [SCHEMATHESIS ARGS…]]
#   BIN       the built `habilis` binary (a debug build is fine)
#   backend   sqlite (default), or postgres (needs HABILIS_TEST_PG_URL, see
#             scripts/with-postgres.sh; default postgres://postgres@127.0.0.1:5432)
#   the rest  passed to `schemathesis run`, e.g. `--report ndjson` to keep
#             every request and answer, or `--include-path-regex users`
# The schemathesis CLI comes from $SCHEMATHESIS (default: `schemathesis` on
# PATH; `make schemathesis` installs a pinned one outside the clone).
#
# After seeding a few real objects (scripts/schemathesis_seed.py), every
# documented operation is called with a bounded, seeded set of generated
# requests (valid and invalid) as the first admin, then the works and
# projects operations again as an expert who owns a work and manages the
# organisation; both through personal access tokens (read and write
# scopes). Fails on any 5xx, undocumented status code or content type,
# response that does not match its schema, or response header that does not
# match the document.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bin="${1:-}"
backend="${2:-sqlite}"
shift $(($# < 2 ? $# : 2))
extra=("$@")
[ -n "$bin" ] && [ -x "$bin" ] || { echo "usage: $0 path/to/habilis [sqlite|postgres [schemathesis args…]]" >&2; exit 64; }
case "$backend" in
  sqlite | postgres) ;;
  *) echo "usage: $0 path/to/habilis [sqlite|postgres [schemathesis args…]]" >&2; exit 64 ;;
esac
st="${SCHEMATHESIS:-schemathesis}"
command -v "$st" >/dev/null || { echo "schemathesis not found ($st): run 'make schemathesis'" >&2; exit 1; }

# Bounds: examples per operation and phase, and the seed. schemathesis's own
# --max-time is not a cap (with it, fuzzing repeats until the time is spent),
# so the run is bounded by the number of examples, and `timeout` fails the
# step if it ever hangs.
max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-20}"
seed="${SCHEMATHESIS_SEED:-20240607}"
time_limit="${SCHEMATHESIS_TIME_LIMIT:-240}"

# shellcheck source=lib/throwaway-server.sh
source "$root/scripts/lib/throwaway-server.sh"
TS_LOG_FILTER='ERROR|panick'
ts_prepare "$backend" schemathesis
# No SPA: only the API is under test.
export HABILIS_DIST_DIR="$ts_tmp/no-dist"
ts_serve "$bin"
base=$ts_base
tmp=$ts_tmp

# The admin settles the account, a few real objects are made (people, a
# work, an organisation, projects, a departure, a secondment) and personal
# access tokens are issued: see scripts/schemathesis_seed.py.
python3 "$root/scripts/schemathesis_seed.py" "$base" "$ts_admin_email" "$ts_admin_password" >"$tmp/seed.json"
cred() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]][sys.argv[3]])" "$tmp/seed.json" "$1" "$2"; }
# The hooks drop the calls that would end the run's own credential (see there).
export SCHEMATHESIS_HOOKS="$root/scripts/schemathesis_hooks.py"
# A minimal, explicit configuration: no schemathesis.toml picked up by
# chance, no crash cache (.schemathesis/) left in the clone. The examples
# database is off too, so a run depends on the seed only.
# A body over `HABILIS_BODY_LIMIT` is refused with 413 on every operation
# that takes one (documented on each): a string far over its `maxLength`
# can be refused for its size before its length is checked, and that is a
# rejection too. The tus operations (tag `uploads`) also refuse a request
# without `Tus-Resumable: 1.0.0` with 412, as tus says, and an upload over
# the limits with 413 (`quota_exceeded`).
cat >"$tmp/schemathesis.toml" <<'TOML'
[cache]
enabled = false

[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]

[[operations]]
include-tag = "uploads"
checks.negative_data_rejection.expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "412", "413", "415", "422", "428", "429"]
TOML

# One worker: with two threads, hypothesis describes its lambdas with
# `ast.parse` in both at once, and CPython 3.11's AST constructor then fails
# now and then with "AST constructor recursion depth mismatch"
# (python/cpython#106905), a runtime error of the tool on an operation it
# never sent; the passes take seconds either way.
# run WHO [FILTERS…]: one schemathesis pass with WHO's token.
run() {
  local who=$1 token
  shift
  token=$(cred "$who" token)
  echo "schemathesis ($backend, as the $who): at most $max_examples examples per operation and phase, seed $seed" >&2
  set +e
  HABILIS_ST_USER_ID=$(cred "$who" user_id) HABILIS_ST_TOKEN_ID=$(cred "$who" token_id) \
    timeout "$time_limit" "$st" --config-file "$tmp/schemathesis.toml" run "$root/openapi/openapi.json" \
    --url "$base" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,negative_data_rejection \
    --phases examples,coverage,fuzzing \
    --max-examples "$max_examples" \
    --seed "$seed" \
    --generation-database none \
    --request-timeout 10 \
    --workers 1 \
    --no-color \
    --output-truncate true \
    "$@" "${extra[@]}"
  local rc=$?
  set -e
  [ "$rc" -ne 124 ] || echo "schemathesis ($backend, as the $who): stopped after ${time_limit}s" >&2
  # A run whose credential died half-way would pass while testing nothing.
  if ! curl -sf "$base/api/v1/me" -H "authorization: Bearer $token" >/dev/null; then
    echo "schemathesis ($backend, as the $who): the token no longer works after the run" >&2
    rc=1
  fi
  return "$rc"
}

status=0
# Every operation as the admin.
run admin || status=1
# Works and projects again as the expert who owns the work and manages the
# organisation: an admin may not record works nor manage projects, so the
# first pass only sees 403/404 there.
run expert --include-path-regex '^/api/v1/(works|projects)' || status=1
[ "$status" -ne 0 ] || echo "schemathesis ($backend): ok" >&2
exit "$status"
