#!/usr/bin/env bash
# Runs a command with HABILIS_TEST_STORAGE_URL naming a bucket on a real
# S3-compatible server, and the AWS credentials for it in the environment.
# When HABILIS_TEST_STORAGE_URL is already set (your own MinIO, Ceph…), it
# is used as it is. Otherwise moto's S3 server (PyPI `moto[server]`,
# pinned, in a virtualenv under ~/.cache/habilis-tools, installed once) is
# started on a free port of 127.0.0.1 with a fresh bucket, and stopped
# afterwards. The command's exit status is kept. Tests put their objects
# under a prefix of their own in that bucket.
set -euo pipefail

MOTO_VERSION=5.2.5
venv="${HOME}/.cache/habilis-tools/moto-${MOTO_VERSION}"

if [ -n "${HABILIS_TEST_STORAGE_URL:-}" ]; then
  echo "S3 for tests: $HABILIS_TEST_STORAGE_URL (given)" >&2
  exec "$@"
fi

if [ ! -x "$venv/bin/moto_server" ]; then
  echo "installing moto[server]==$MOTO_VERSION into $venv" >&2
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv" \
    && "$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" \
    || { rm -rf "$venv"; echo "could not install moto" >&2; exit 1; }
fi

port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp /tmp/habilis-moto.XXXXXX)
# S3's real rule, stated rather than assumed: every part of a multipart
# upload but the last is at least 5 MiB (moto's default, kept explicit).
S3_UPLOAD_PART_MIN_SIZE=5242880 "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
}
trap stop EXIT

bucket=habilis-test
endpoint="http://127.0.0.1:$port"
ready=""
for _ in $(seq 1 100); do
  if "$venv/bin/python" - "$endpoint/$bucket" <<'EOF' 2>/dev/null; then ready=1; break; fi
import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="PUT"), timeout=2).read()
EOF
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "moto's S3 server did not start:" >&2
  cat "$log" >&2
  exit 1
fi

export AWS_ACCESS_KEY_ID=habilis-test AWS_SECRET_ACCESS_KEY=habilis-test-secret AWS_REGION=us-east-1
unset AWS_SESSION_TOKEN AWS_ENDPOINT AWS_ENDPOINT_URL AWS_PROFILE

# The server must refuse what S3 refuses, or the tests prove nothing about
# it: a multipart upload whose first part is under 5 MiB does not complete.
if ! "$venv/bin/python" - "$endpoint" "$bucket" <<'EOF'; then
import sys, boto3, botocore
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1")
b, k = sys.argv[2], "_fidelity-check"
up = s3.create_multipart_upload(Bucket=b, Key=k)["UploadId"]
parts = [{"PartNumber": n, "ETag": s3.upload_part(Bucket=b, Key=k, UploadId=up, PartNumber=n, Body=b"x" * (1 << 20))["ETag"]} for n in (1, 2)]
try:
    s3.complete_multipart_upload(Bucket=b, Key=k, UploadId=up, MultipartUpload={"Parts": parts})
except botocore.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "EntityTooSmall", e
    s3.abort_multipart_upload(Bucket=b, Key=k, UploadId=up)
    sys.exit(0)
s3.delete_object(Bucket=b, Key=k)
sys.exit(1)
EOF
  echo "the S3 server for tests completed a multipart upload with a part under 5 MiB" >&2
  exit 1
fi
export HABILIS_TEST_STORAGE_URL="s3://$bucket?endpoint=$endpoint&region=us-east-1"
echo "S3 for tests: $HABILIS_TEST_STORAGE_URL (moto $MOTO_VERSION, pid $pid)" >&2
status=0
"$@" || status=$?
exit $status
