// Scenario 7 (issue 15): a project's Data tab. The owner of an active
// project creates a dataset; a file put through the API is listed with its
// size and SHA-256, downloads identically and is in the manifest; small
// files are uploaded through the page, one and then three at once; a
// generated 20 MB file is uploaded through the page (tus) with its progress
// bar moving, paused, resumed, interrupted by a page reload and finished
// after it from where it stopped; its SHA-256 is the source's, its download
// is identical, and it is deleted; an interrupted upload is forgotten (the
// server drops it).

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';

import {
  API,
  adminToken,
  apiOk,
  booted,
  eventually,
  expectLabelledFields,
  expectPath,
  hasText,
  hidden,
  launch,
  open,
  pageErrors,
  settledAccount,
  shot,
  signedIn,
  stepper,
  suffix,
  visible,
} from './helpers.mjs';

const sfx = suffix();
/** The client's chunk (frontend/src/tus.rs `CHUNK`). */
const CHUNK = 4 * 1024 * 1024;
const BIG = 5 * CHUNK;

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/**
 * Holds every tus PATCH whose `Upload-Offset` is at or past `limit` until
 * the limit moves past it. A held request the page aborts (pause, reload)
 * is simply never sent.
 */
function patchGate() {
  let limit = 0;
  const held = [];
  const offsets = [];
  return {
    async handler(route) {
      const req = route.request();
      if (req.method() !== 'PATCH') {
        await route.continue();
        return;
      }
      const offset = Number(req.headers()['upload-offset']);
      offsets.push(offset);
      if (offset >= limit) await new Promise((resolve) => held.push({ offset, resolve }));
      await route.continue().catch(() => {});
    },
    /** Lets the PATCHes below `n` through. */
    open(n) {
      limit = n;
      for (const h of held.splice(0)) {
        if (h.offset < limit) h.resolve();
        else held.push(h);
      }
    },
    /** Is a PATCH at `offset` being held? */
    holds(offset) {
      return held.some((h) => h.offset === offset);
    },
    /** The offsets of every PATCH seen, in order. */
    offsets,
  };
}

/** The `<progress>` value of the upload of `name`. */
async function progressOf(page, name) {
  return page.locator('#uploads li', { hasText: name }).locator('progress').evaluate((p) => p.value);
}

async function expectProgress(page, name, value) {
  await eventually(async () => assert.equal(await progressOf(page, name), value), {
    message: `the progress of ${name} at ${value}`,
  });
}

async function expectPhase(page, name, phase) {
  await eventually(
    async () =>
      assert.equal(await page.locator('#uploads li', { hasText: name }).getAttribute('data-phase'), phase),
    { message: `the upload of ${name} ${phase}` },
  );
}

/** The row of `path` in the files table. */
function fileRow(page, path) {
  return page.locator('#files tbody tr', { has: page.locator('td.path', { hasText: path }) });
}

/** Clicks `button` and returns the bytes of the download it starts. */
async function downloaded(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return readFileSync(await download.path());
}

describe('datasets and files: tus uploads in the browser', () => {
  const step = stepper();
  let browser;
  let owner;
  let projectId;
  let datasetPath;
  let page;
  const gate = patchGate();
  const dir = mkdtempSync(join(tmpdir(), 'habilis-e2e-data-'));
  const projectName = `Sediment cores ${sfx}`;
  const datasetName = `Raw scans ${sfx}`;
  const bigPath = join(dir, 'cores-20MB.bin');
  const big = randomBytes(BIG);
  const smallPath = join(dir, 'readme.txt');
  const small = Buffer.from(`Sediment cores, ${sfx}\n`);
  const notes = Buffer.from(`notes ${sfx}\n`.repeat(100));

  before(async () => {
    writeFileSync(bigPath, big);
    writeFileSync(smallPath, small);
    browser = await launch();
    const admin = await adminToken();
    const { charter_version: charterVersion } = await apiOk('GET', '/policy');
    const account = (first, last) =>
      settledAccount(admin, {
        email: `s7.${last.toLowerCase()}.${sfx}@inserm.fr`,
        first,
        last: `${last}-${sfx}`,
        profile: 'expert',
        charterVersion,
      });
    owner = await account('Olga', 'Owner');
    const sponsor = await account('Simon', 'Sponsor');
    const steward = await account('Stella', 'Steward');
    const org = await apiOk('POST', '/organizations', { token: admin, body: { name: `Core lab ${sfx}` } });
    await apiOk('POST', `/organizations/${org.id}/invitations`, {
      token: admin,
      body: { emails: [owner.email], role: 'manager' },
    });
    await apiOk('POST', `/organizations/${org.id}/invitations`, {
      token: admin,
      body: { emails: [sponsor.email, steward.email], role: 'user' },
    });
    const project = await apiOk('POST', '/projects', {
      token: owner.token,
      body: {
        organization_id: org.id,
        name: projectName,
        data_class: 'standard',
        domain: 'ecology',
        sponsor_id: sponsor.id,
        data_steward_id: steward.id,
      },
    });
    projectId = project.id;
    for (const who of [sponsor, steward]) {
      const inbox = await apiOk('GET', '/approvals', { token: who.token });
      const approval = inbox.items.find((a) => a.subject_id === projectId);
      assert.ok(approval, `an approval for ${who.email}`);
      await apiOk('POST', `/approvals/${approval.id}/decision`, { token: who.token, body: { decision: 'approve' } });
    }
    const active = await apiOk('GET', `/projects/${projectId}`, { token: owner.token });
    assert.equal(active.state, 'active');
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  step("the owner opens the project's Data tab and creates a dataset", async () => {
    page = await signedIn(browser, owner, 'owner');
    page.on('dialog', (d) => d.accept());
    await page.route('**/api/v1/uploads/**', (route) => gate.handler(route));
    await open(page, `/projects/${projectId}`);
    await page.getByRole('navigation', { name: 'Project sections' }).getByRole('link', { name: 'Data' }).click();
    await expectPath(page, `/projects/${projectId}/data`);
    await visible(page.locator('#no-datasets'));
    await page.getByLabel('Name', { exact: true }).fill(datasetName);
    await page.getByLabel('Description', { exact: true }).fill('CT scans of the spring cores');
    await page.getByRole('button', { name: 'Create the dataset' }).click();
    await visible(page.getByRole('heading', { name: datasetName, level: 2 }));
    datasetPath = new URL(page.url()).pathname;
    assert.match(datasetPath, new RegExp(`^/projects/${projectId}/data/[0-9a-f-]+$`));
    await visible(page.locator('#no-files'));
    await visible(page.locator('#datasets [aria-current=page]', { hasText: datasetName }));
    await expectLabelledFields(page);
    await shot(page, '71-dataset-created');
  });

  step('a file put through the API is listed with its size and SHA-256, downloads identically, and is in the manifest', async () => {
    const datasetId = datasetPath.split('/').pop();
    const res = await fetch(`${API}/datasets/${datasetId}/files/notes.txt`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'text/plain' },
      body: notes,
    });
    assert.equal(res.status, 201, await res.text());
    await page.reload();
    await booted(page);
    const row = fileRow(page, 'notes.txt');
    await visible(row);
    assert.equal(await row.locator('code').getAttribute('data-sha256'), sha256(notes));
    await hasText(row.locator('td').nth(1), new RegExp(`^${(notes.length / 1000).toFixed(1)}\u00a0kB$`));
    const copy = await downloaded(page, row.getByRole('button', { name: 'Download notes.txt' }));
    assert.equal(sha256(copy), sha256(notes));
    const manifest = await downloaded(page, page.getByRole('button', { name: 'Download the SHA-256 manifest' }));
    assert.equal(manifest.toString('utf8'), `${sha256(notes)}  notes.txt\n`);
    await shot(page, '72-files');
  });

  step('small files are uploaded through the page, one and then several at once', async () => {
    gate.open(Infinity);
    await page.setInputFiles('#upload-files', smallPath);
    await expectPhase(page, 'readme.txt', 'done');
    const row = fileRow(page, 'readme.txt');
    await visible(row);
    assert.equal(await row.locator('code').getAttribute('data-sha256'), sha256(small));
    await page.locator('#uploads li', { hasText: 'readme.txt' }).getByRole('button', { name: 'Dismiss' }).click();
    await hidden(page.locator('#uploads li', { hasText: 'readme.txt' }));
    // Three at once: two are sent while the third waits its turn.
    const several = ['core-a.csv', 'core-b.csv', 'core-c.csv'].map((name, i) => {
      const path = join(dir, name);
      const body = Buffer.from(`depth,density\n${i},${sfx}\n`);
      writeFileSync(path, body);
      return { name, path, body };
    });
    await page.setInputFiles('#upload-files', several.map((f) => f.path));
    for (const f of several) {
      await expectPhase(page, f.name, 'done');
      await visible(fileRow(page, f.name));
      assert.equal(await fileRow(page, f.name).locator('code').getAttribute('data-sha256'), sha256(f.body));
      await page.locator('#uploads li', { hasText: f.name }).getByRole('button', { name: 'Dismiss' }).click();
    }
    await hidden(page.locator('#uploads'));
  });

  step('a 20 MB upload shows its progress, pauses and resumes', async () => {
    gate.open(CHUNK);
    await page.setInputFiles('#upload-files', bigPath);
    const item = page.locator('#uploads li', { hasText: 'cores-20MB.bin' });
    await visible(item.locator('progress'));
    await expectProgress(page, 'cores-20MB.bin', CHUNK);
    await eventually(() => gate.holds(CHUNK), { message: 'the second chunk is on its way' });
    // The bar moves as the server acknowledges chunks.
    gate.open(2 * CHUNK);
    await expectProgress(page, 'cores-20MB.bin', 2 * CHUNK);
    await hasText(item.locator('.upload-progress'), /^8\.4\u00a0MB of 21\.0\u00a0MB \(40 %\)/);
    await eventually(() => gate.holds(2 * CHUNK), { message: 'the third chunk is on its way' });
    await shot(page, '73-upload-progress');
    await item.getByRole('button', { name: 'Pause' }).click();
    await expectPhase(page, 'cores-20MB.bin', 'paused');
    await hasText(item.getByRole('status'), /^Paused$/);
    assert.equal(await progressOf(page, 'cores-20MB.bin'), 2 * CHUNK);
    await shot(page, '74-upload-paused');
    gate.open(3 * CHUNK);
    await item.getByRole('button', { name: 'Resume' }).click();
    await expectProgress(page, 'cores-20MB.bin', 3 * CHUNK);
    await eventually(() => gate.holds(3 * CHUNK), { message: 'the fourth chunk is on its way' });
    await expectPhase(page, 'cores-20MB.bin', 'running');
  });

  step('a page reload mid-upload; choosing the file again resumes it where it stopped', async () => {
    await page.reload();
    await booted(page);
    const unfinished = page.locator('#unfinished');
    await visible(unfinished);
    await hasText(unfinished, /cores-20MB\.bin/);
    await shot(page, '75-upload-interrupted');
    const seen = gate.offsets.length;
    await page.setInputFiles('#upload-files', bigPath);
    // Resumed from the server's offset: the bar starts at 3 chunks and
    // the first PATCH sent after the reload is at that offset.
    await expectProgress(page, 'cores-20MB.bin', 3 * CHUNK);
    await eventually(() => gate.offsets.length > seen, { message: 'a PATCH after the reload' });
    assert.equal(gate.offsets[seen], 3 * CHUNK);
    await hidden(page.locator('#unfinished'));
    gate.open(Infinity);
    await expectPhase(page, 'cores-20MB.bin', 'done');
    await expectProgress(page, 'cores-20MB.bin', BIG);
    await shot(page, '76-upload-done');
    await page.locator('#uploads li', { hasText: 'cores-20MB.bin' }).getByRole('button', { name: 'Dismiss' }).click();
    await hidden(page.locator('#uploads'));
  });

  step("the uploaded file has the source's SHA-256, downloads identically, and is deleted", async () => {
    const row = fileRow(page, 'cores-20MB.bin');
    await visible(row);
    assert.equal(await row.locator('code').getAttribute('data-sha256'), sha256(big));
    const copy = await downloaded(page, row.getByRole('button', { name: 'Download cores-20MB.bin' }));
    assert.equal(copy.length, BIG);
    assert.equal(sha256(copy), sha256(big));
    const manifest = (
      await downloaded(page, page.getByRole('button', { name: 'Download the SHA-256 manifest' }))
    ).toString('utf8');
    assert.ok(manifest.includes(`${sha256(big)}  cores-20MB.bin\n`), manifest);
    await row.getByRole('button', { name: 'Delete cores-20MB.bin' }).click();
    await hidden(fileRow(page, 'cores-20MB.bin'));
    await visible(fileRow(page, 'notes.txt'));
    // Nothing left to resume in this browser.
    assert.equal(await page.evaluate(() => localStorage.getItem('habilis.uploads')), null);
    await shot(page, '77-file-deleted');
  });

  step('an interrupted upload can be forgotten: the server drops it', async () => {
    gate.open(CHUNK);
    await page.setInputFiles('#upload-files', bigPath);
    await expectProgress(page, 'cores-20MB.bin', CHUNK);
    await page.reload();
    await booted(page);
    const unfinished = page.locator('#unfinished');
    await visible(unfinished);
    // What the browser keeps: where the upload is and which file, no token.
    const kept = await page.evaluate(() => localStorage.getItem('habilis.uploads'));
    const [modified, size, datasetId, url, name] = kept.trim().split('\t');
    assert.equal(name, 'cores-20MB.bin');
    assert.equal(Number(size), BIG);
    assert.ok(Number(modified) > 0);
    assert.equal(datasetId, datasetPath.split('/').pop());
    assert.match(url, /^\/api\/v1\/uploads\/[^/]+$/);
    assert.ok(!kept.includes(owner.token), 'no token in localStorage');
    const head = () =>
      fetch(`${new URL(API).origin}${url}`, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${owner.token}`, 'tus-resumable': '1.0.0' },
      });
    assert.equal((await head()).status, 200);
    await unfinished.getByRole('button', { name: 'Forget the upload of cores-20MB.bin' }).click();
    await hidden(page.locator('#unfinished'));
    assert.equal(await page.evaluate(() => localStorage.getItem('habilis.uploads')), null);
    assert.equal((await head()).status, 404);
    assert.deepEqual(pageErrors, [], 'no uncaught error in any page');
  });
});
