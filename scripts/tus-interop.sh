#!/usr/bin/env bash
# Two tus clients that are not ours upload to a fresh server (issue 15):
#   scripts/tus-interop.sh BIN [sqlite|postgres]
#   BIN       the built `habilis` binary (a debug build is fine)
#   backend   sqlite (default), or postgres (needs HABILIS_TEST_PG_URL, see
#             scripts/with-postgres.sh)
# The account that uploads is a contributor of an organisation, participant
# of its active project, made through the REST API (tus_interop_seed.py).
# Then:
#   (a) tuspy (PyPI, pinned, in a virtualenv under ~/.cache/habilis-tools,
#       installed when missing) sends a 5 MiB file in 1 MiB chunks with
#       chunk checksums, stops after two chunks and resumes from the URL;
#   (b) tus-js-client (npm, pinned in scripts/tus-interop/package.json,
#       installed when missing; Node 18 or later) sends another 5 MiB file,
#       aborted after the first chunk and resumed by a new Upload through
#       findPreviousUploads.
# Each file must then be listed in the dataset with the SHA-256 of its
# source (sha256sum) and download identical.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bin="${1:-}"
backend="${2:-sqlite}"
[ -n "$bin" ] && [ -x "$bin" ] || { echo "usage: $0 path/to/habilis [sqlite|postgres]" >&2; exit 64; }

tuspy_version="${TUSPY_VERSION:-1.1.0}"
venv="${HOME}/.cache/habilis-tools/tuspy-$tuspy_version"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import tusclient' 2>/dev/null; then
  echo "installing tuspy $tuspy_version into $venv" >&2
  rm -rf "$venv"
  { python3 -m venv "$venv" \
    && "$venv/bin/pip" install -q --disable-pip-version-check "tuspy==$tuspy_version"; } \
    || { rm -rf "$venv"; exit 1; }
fi
js="$root/scripts/tus-interop"
if [ ! -d "$js/node_modules/tus-js-client" ]; then
  echo "installing tus-js-client (scripts/tus-interop/package-lock.json)" >&2
  (cd "$js" && npm ci --no-audit --no-fund --silent)
fi

# shellcheck source=lib/throwaway-server.sh
source "$root/scripts/lib/throwaway-server.sh"
TS_LOG_FILTER='ERROR|WARN|panick|uploads'
ts_prepare "$backend" tus-interop
export HABILIS_DIST_DIR="$ts_tmp/no-dist"
ts_serve "$bin"

seed=$(python3 "$root/scripts/tus_interop_seed.py" "$ts_base" "$ts_admin_email" "$ts_admin_password")
field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$seed" "$1"; }
token=$(field token)
dataset=$(field dataset)
auth=(-H "Authorization: Bearer $token")

# checks PATH SOURCE [FILE_ID]: listed with the source's size and digest
# (and the id the client was told), then downloaded byte for byte.
check() {
  local path=$1 source=$2 told=${3:-}
  local digest size listed id
  digest=$(sha256sum "$source" | cut -d' ' -f1)
  size=$(stat -c %s "$source")
  listed=$(curl -sSf "${auth[@]}" "$ts_base/api/v1/datasets/$dataset/files?limit=100")
  id=$(python3 - "$listed" "$path" "$digest" "$size" <<'PY'
import json, sys
page, path, digest, size = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
found = [f for f in page["items"] if f["path"] == path]
if len(found) != 1:
    sys.exit(f"{path}: {len(found)} files listed at that path: {page['items']}")
f = found[0]
if f["sha256"] != digest or f["size"] != size:
    sys.exit(f"{path}: listed as {f['size']} bytes, sha256 {f['sha256']}; the source is {size} bytes, {digest}")
print(f["id"])
PY
)
  if [ -n "$told" ] && [ "$told" != "$id" ]; then
    echo "$path: the client was told file $told, the dataset lists $id" >&2
    return 1
  fi
  curl -sSf "${auth[@]}" -o "$ts_tmp/downloaded" "$ts_base/api/v1/files/$id/content"
  cmp "$source" "$ts_tmp/downloaded"
  echo "ok: $path listed with sha256 $digest, $size bytes, downloaded identical"
}

# (a) tuspy.
head -c $((5 * 1024 * 1024)) /dev/urandom >"$ts_tmp/tuspy.bin"
"$venv/bin/python" "$root/scripts/tus_interop_tuspy.py" "$ts_base" "$dataset" "$token" \
  "$ts_tmp/tuspy.bin" interop/tuspy.bin "$(sha256sum "$ts_tmp/tuspy.bin" | cut -d' ' -f1)"
check interop/tuspy.bin "$ts_tmp/tuspy.bin"

# (b) tus-js-client, with an interruption and a resume.
head -c $((5 * 1024 * 1024 + 12345)) /dev/urandom >"$ts_tmp/tus-js-client.bin"
file_id=$(node "$js/upload.mjs" "$ts_base" "$dataset" "$token" "$ts_tmp/tus-js-client.bin" \
  "interop/tus js client/data.bin" "$(sha256sum "$ts_tmp/tus-js-client.bin" | cut -d' ' -f1)" \
  "$ts_tmp/tus-urls.json")
check "interop/tus js client/data.bin" "$ts_tmp/tus-js-client.bin" "$file_id"

echo "tus interop ($backend): tuspy $tuspy_version and tus-js-client $(node -p 'require(process.argv[1]).version' "$js/node_modules/tus-js-client/package.json") uploaded, resumed, listed and downloaded"
