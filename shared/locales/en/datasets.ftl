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
