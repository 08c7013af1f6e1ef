#!/usr/bin/env bash
# Runs the curl walkthrough of README.md, verbatim, against a fresh server
# on SQLite, exactly as a newcomer would after `make run`: only the two
# lines the reader is told to fill in (BASE, ADMIN_PASSWORD) are replaced.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${1:-${CARGO_TARGET_DIR:-target}/debug/habilis}"
# shellcheck source=lib/throwaway-server.sh
source scripts/lib/throwaway-server.sh
ts_prepare sqlite readme
ts_serve "$bin"
work=$ts_tmp

awk '/<!-- walkthrough:start -->/{on=1; next} /<!-- walkthrough:end -->/{on=0} on && !/^```/' README.md \
  | sed -e "s|^BASE=.*|BASE=$ts_base/api/v1|" \
        -e "s|^ADMIN_PASSWORD=.*|ADMIN_PASSWORD='$ts_admin_password'|" >"$work/walkthrough.sh"

out=$(bash -euo pipefail "$work/walkthrough.sh") || {
  echo "README walkthrough failed" >&2
  exit 1
}
echo "$out"
grep -q '"email": *"paul.durand@inserm.fr"\|paul.durand@inserm.fr' <<<"$out"
grep -q '"allowed":false' <<<"$out"
grep -q 'creation.expert.expert' <<<"$out"
echo "README walkthrough: ok"
