# datasets
datasets-project-not-active = { $state ->
    [pending] This project is still awaiting approval: its datasets are read-only.
    [rejected] This project was rejected: its datasets are read-only.
   *[closed] This project is closed: its datasets are read-only.
}
datasets-name-taken = The project already has a dataset with this name.
datasets-not-empty = Delete the files of this dataset first.
datasets-path-invalid = A file path is relative (no leading "/"), at most 1024 bytes, without ".." segments, backslashes or control characters.
datasets-file-too-large = This file ({ $size } bytes) is larger than the { $limit } bytes a file may have.
datasets-quota-exceeded = This project stores { $used } bytes; { $size } more would exceed its { $limit } bytes.
datasets-digest-malformed = The expected digest is not a base64 SHA-256 (`sha-256=:…:`).
datasets-digest-mismatch = The file that arrived does not have the expected SHA-256; nothing was stored.
datasets-range-invalid = The requested range lies outside the file ({ $size } bytes).
datasets-changed = The file changed meanwhile; try again.

# resumable uploads (tus)
datasets-upload-tus-version = This endpoint speaks tus 1.0.0: send the header `Tus-Resumable: 1.0.0`.
datasets-upload-content-type = The bytes of an upload are sent with `Content-Type: application/offset+octet-stream`.
datasets-upload-offset-header = `Upload-Offset` must be a non-negative integer.
datasets-upload-offset-mismatch = The upload holds { $offset } bytes: send the next ones with `Upload-Offset: { $offset }`.
datasets-upload-length-header = Send either `Upload-Length` (a non-negative integer) or `Upload-Defer-Length: 1`.
datasets-upload-length-fixed = The upload's length is { $length } bytes and cannot change.
datasets-upload-length-short = The length sent ({ $length } bytes) is less than the { $offset } bytes already received.
datasets-upload-too-long = These bytes would go past the upload's length ({ $length } bytes).
datasets-upload-metadata = `Upload-Metadata` is a comma-separated list of `key base64-value` pairs and must name the `filename`.
datasets-upload-sha256 = The `sha256` metadata must be the base64 of the 64 lowercase hexadecimal digits of a SHA-256.
datasets-upload-checksum-header = `Upload-Checksum` is `sha1 <base64>` or `sha256 <base64>`.
datasets-upload-checksum-mismatch = This chunk does not have the checksum that came with it; it was discarded: send it again.
datasets-upload-expired = This upload expired and its bytes were removed: start a new one.
datasets-upload-locked = Another request is sending bytes to this upload; try again in a moment.
datasets-uploads-pending = Uploads to this dataset are in progress: finish or cancel them first.
