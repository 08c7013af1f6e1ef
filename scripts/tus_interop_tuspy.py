#!/usr/bin/env python3
"""tuspy (pinned, see scripts/tus-interop.sh) against a running Habilis
server: FILE to PATH in the dataset in 1 MiB chunks, each with its
`Upload-Checksum` (tuspy's sha1), the expected whole-file SHA-256 in the
metadata. The upload stops after two chunks and a second uploader, given
the upload's URL, asks the server where it stands (HEAD) and sends the
rest: what a client restarted after a crash does.

    tus_interop_tuspy.py BASE DATASET_ID TOKEN FILE PATH SHA256
"""

import sys

from tusclient import client

base, dataset, token, path_on_disk, path, sha256 = sys.argv[1:7]
CHUNK = 1024 * 1024

tus = client.TusClient(f"{base}/api/v1/datasets/{dataset}/uploads",
                       headers={"Authorization": f"Bearer {token}"})
metadata = {"filename": path, "filetype": "application/octet-stream", "sha256": sha256}
first = tus.uploader(path_on_disk, chunk_size=CHUNK, metadata=metadata, upload_checksum=True)
first.upload(stop_at=2 * CHUNK)
if first.offset != 2 * CHUNK or not first.url:
    sys.exit(f"tuspy: stopped at {first.offset} ({first.url}), expected {2 * CHUNK}")
print(f"tuspy: stopped after {first.offset} of {first.get_file_size()} bytes at {first.url}", file=sys.stderr)

again = tus.uploader(path_on_disk, url=first.url, chunk_size=CHUNK, metadata=metadata, upload_checksum=True)
if again.offset != 2 * CHUNK:
    sys.exit(f"tuspy: the server says {again.offset} bytes arrived, not {2 * CHUNK}")
again.upload()
if again.offset != again.get_file_size():
    sys.exit(f"tuspy: finished at {again.offset} of {again.get_file_size()}")
print(f"tuspy: resumed and finished at {again.url}", file=sys.stderr)
