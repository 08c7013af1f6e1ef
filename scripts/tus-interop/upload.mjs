// tus-js-client (pinned in package.json) against a running Habilis server:
// one upload of FILE to PATH in the dataset, in 1 MiB chunks, interrupted
// after the first chunk (abort), then resumed by a new Upload that finds
// the stored URL (FileUrlStorage + findPreviousUploads) and sends the rest.
// Prints the recorded file's id (the `Habilis-File-Id` of the last answer).
//
//   node upload.mjs BASE DATASET_ID TOKEN FILE PATH SHA256 URL_STORE
import fs from 'node:fs';
import { Upload, FileUrlStorage } from 'tus-js-client';

const [base, dataset, token, file, path, sha256, store] = process.argv.slice(2);
if (!store) {
  console.error('usage: node upload.mjs BASE DATASET_ID TOKEN FILE PATH SHA256 URL_STORE');
  process.exit(64);
}
const CHUNK = 1024 * 1024;
const size = fs.statSync(file).size;
const requests = [];

function options(extra) {
  return {
    endpoint: `${base}/api/v1/datasets/${dataset}/uploads`,
    headers: { Authorization: `Bearer ${token}` },
    chunkSize: CHUNK,
    metadata: { filename: path, filetype: 'application/octet-stream', sha256 },
    urlStorage: new FileUrlStorage(store),
    retryDelays: [],
    onBeforeRequest: (req) => requests.push(req.getMethod()),
    ...extra,
  };
}

// First attempt: stopped once the server has the first chunk.
const first = await new Promise((resolve, reject) => {
  const upload = new Upload(fs.createReadStream(file), options({
    onChunkComplete: (_chunk, accepted) => {
      upload.abort().then(() => resolve({ url: upload.url, accepted }), reject);
    },
    onSuccess: () => reject(new Error('the first attempt finished: it should have been interrupted')),
    onError: reject,
  }));
  upload.start();
});
if (first.accepted !== CHUNK || !first.url) {
  throw new Error(`interrupted at ${first.accepted} bytes (${first.url}), expected ${CHUNK}`);
}
console.error(`tus-js-client: interrupted after ${first.accepted} of ${size} bytes at ${first.url}`);

// The server kept exactly what it acknowledged.
const head = await fetch(first.url, {
  method: 'HEAD',
  headers: { Authorization: `Bearer ${token}`, 'Tus-Resumable': '1.0.0' },
});
if (head.status !== 200 || head.headers.get('upload-offset') !== String(CHUNK)) {
  throw new Error(`HEAD ${first.url}: ${head.status}, Upload-Offset ${head.headers.get('upload-offset')}`);
}

// Second attempt: a new Upload finds the stored URL and resumes.
requests.length = 0;
const fileId = await new Promise((resolve, reject) => {
  const upload = new Upload(fs.createReadStream(file), options({
    onSuccess: (payload) => {
      if (upload.url !== first.url) {
        reject(new Error(`resumed at ${upload.url}, not ${first.url}`));
        return;
      }
      resolve(payload.lastResponse.getHeader('Habilis-File-Id'));
    },
    onError: reject,
  }));
  upload.findPreviousUploads().then((previous) => {
    if (previous.length !== 1) {
      reject(new Error(`${previous.length} previous uploads found, expected 1`));
      return;
    }
    upload.resumeFromPreviousUpload(previous[0]);
    upload.start();
  }, reject);
});
if (requests.includes('POST') || requests[0] !== 'HEAD') {
  throw new Error(`the resumed upload sent ${requests.join(' ')}: a new upload, not a resume`);
}
if (!fileId) throw new Error('the last answer carries no Habilis-File-Id');
console.error(`tus-js-client: resumed with ${requests.join(' ')}; file ${fileId}`);
console.log(fileId);
