// Shared helpers of the browser tests: configuration from the environment
// (set by e2e/run.sh), Chromium, bounded waits, screenshots, the API, the
// mail folder and a small state file shared by the scenario files.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests through e2e/run.sh`);
  return v;
}

export const BASE = required('E2E_BASE').replace(/\/+$/, '');
export const API = `${BASE}/api/v1`;
export const ADMIN_EMAIL = required('E2E_ADMIN_EMAIL');
export const INITIAL_ADMIN_PASSWORD = required('E2E_ADMIN_PASSWORD');
export const MAIL_DIR = required('E2E_MAIL_DIR');
export const BACKEND = process.env.E2E_BACKEND || 'unknown';
export const ARTIFACTS = process.env.E2E_ARTIFACTS || join(process.cwd(), 'artifacts', BACKEND);
const STATE = process.env.E2E_STATE || join(tmpdir(), `habilis-e2e-state-${new URL(BASE).port}.json`);

/** Every wait is bounded by this (ms). */
export const TIMEOUT = 15_000;
/** The limit of one test step (ms). */
export const STEP_TIMEOUT = 90_000;

mkdirSync(ARTIFACTS, { recursive: true });

// ───────────────────────────── state between files ─────────────────────────────

/** The state shared by the scenario files of one run (the admin's current password). */
export function readState() {
  if (!existsSync(STATE)) return {};
  return JSON.parse(readFileSync(STATE, 'utf8'));
}

export function writeState(patch) {
  const next = { ...readState(), ...patch };
  const tmp = `${STATE}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(next, null, 2));
  renameSync(tmp, STATE);
  return next;
}

/** The admin's password right now (changed by whichever scenario settled it first). */
export function adminPassword() {
  return readState().adminPassword || INITIAL_ADMIN_PASSWORD;
}

/** A password the policy accepts (≥ 12 characters, not the e-mail). */
export function newPassword(who) {
  return `E2e-${who}-${randomBytes(6).toString('hex')}!`;
}

/** A short random suffix, so a scenario's accounts never clash with another run's. */
export function suffix() {
  return randomBytes(3).toString('hex');
}

// ───────────────────────────── waiting ─────────────────────────────

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Retries `fn` until it neither throws nor returns `false`, for at most
 * `timeout` ms; returns its value, or throws with the last error.
 */
export async function eventually(fn, { timeout = TIMEOUT, interval = 100, message } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v !== false) return v;
      last = new Error('condition is false');
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const err = new Error(`${message || 'condition not met'} within ${timeout} ms: ${last && last.message}`);
      err.cause = last;
      throw err;
    }
    await sleep(interval);
  }
}

export function pathOf(page) {
  return new URL(page.url()).pathname;
}

/** Waits until the page's path (client-side routing included) is `path`. */
export async function expectPath(page, path, timeout = TIMEOUT) {
  await eventually(() => assert.equal(pathOf(page), path), {
    timeout,
    message: `expected to be on ${path} (now on ${page.url()})`,
  });
}

/** Waits until `locator` is visible. */
export async function visible(locator, timeout = TIMEOUT) {
  await locator.first().waitFor({ state: 'visible', timeout });
  return locator;
}

/** Waits until `locator` matches no element. */
export async function hidden(locator, timeout = TIMEOUT) {
  await eventually(async () => assert.equal(await locator.count(), 0), { timeout, message: 'element still present' });
}

/** Waits until the locator's text matches `re`. */
export async function hasText(locator, re, timeout = TIMEOUT) {
  await eventually(
    async () => {
      const t = (await locator.first().textContent()) || '';
      assert.match(t, re);
    },
    { timeout, message: `text matching ${re}` },
  );
}

// ───────────────────────────── browser ─────────────────────────────

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium (never a downloaded browser). */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

/** Uncaught errors in any page (a WASM panic shows up here). */
export const pageErrors = [];
const openPages = new Set();

/**
 * A fresh browser context (cookies, storage) for one person, in English,
 * and its page.
 */
export async function person(browser, name) {
  const context = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 1280, height: 900 },
    baseURL: BASE,
  });
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`[${name}] ${page.url()}: ${e.message}`));
  openPages.add({ name, page });
  page.on('close', () => {
    for (const p of openPages) if (p.page === page) openPages.delete(p);
  });
  return { context, page, name };
}

/** Opens a path of the SPA (a full page load) and waits for it to boot. */
export async function open(page, path) {
  await page.goto(`${BASE}${path}`, { waitUntil: 'load' });
  await booted(page);
}

/** The SPA has rendered its shell and left "Loading…". */
export async function booted(page) {
  await visible(page.locator('header.top nav'));
  await eventually(async () => assert.equal(await page.locator('main p.loading').count(), 0), {
    message: 'the SPA is still loading',
  });
}

/**
 * Checks the page has a proper title ("<page> · Habilis") and saves a
 * full-page screenshot `NN-<name>.png` into E2E_ARTIFACTS.
 */
export async function shot(page, name) {
  await expectTitle(page);
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** `document.title` is "<something> · Habilis". */
export async function expectTitle(page) {
  await eventually(
    async () => {
      const title = await page.title();
      assert.match(title, /^\S.* · Habilis$/, `document.title is "${title}"`);
    },
    { message: `page ${pathOf(page)} has a title ending in "· Habilis"` },
  );
}

/** Screenshots of every open page, for a failed step. */
export async function shootOnFailure(label) {
  const safe = label.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 60);
  for (const { name, page } of openPages) {
    try {
      await page.screenshot({ path: join(ARTIFACTS, `FAILED-${safe}-${name}.png`), fullPage: true, timeout: 5000 });
    } catch {
      // the page may be gone
    }
  }
}

/**
 * Ordered steps of a story: a failed step skips the following ones (they
 * depend on it) and leaves screenshots of every open page.
 */
export function stepper() {
  let broken = null;
  return function step(name, fn) {
    test(name, { timeout: STEP_TIMEOUT }, async (t) => {
      if (broken) {
        t.skip(`skipped: the earlier step "${broken}" failed`);
        return;
      }
      try {
        await fn(t);
      } catch (e) {
        broken = name;
        await shootOnFailure(name);
        throw e;
      }
    });
  };
}

/** Every visible form field has a `<label for=id>` with text. */
export async function expectLabelledFields(page) {
  const problems = await page.evaluate(() => {
    const out = [];
    const fields = document.querySelectorAll('input:not([type=hidden]), select, textarea');
    if (fields.length === 0) out.push('no form field on the page');
    for (const el of fields) {
      const id = el.id;
      if (!id) {
        out.push(`${el.outerHTML.slice(0, 80)} has no id`);
        continue;
      }
      const label = document.querySelector(`label[for="${CSS.escape(id)}"]`);
      if (!label) out.push(`#${id} has no label[for]`);
      else if (!label.textContent.trim()) out.push(`label[for=${id}] is empty`);
    }
    return out;
  });
  assert.deepEqual(problems, [], `unlabelled fields on ${pathOf(page)}`);
}

// ───────────────────────────── SPA actions ─────────────────────────────

export function nav(page) {
  return page.getByRole('navigation', { name: 'Main' });
}

/**
 * Chooses a person in the people picker labelled `label`: types `typed`,
 * waits for the match whose text contains `match` (an e-mail address), and
 * clicks it.
 */
export async function pick(page, label, typed, match) {
  const input = page.getByRole('combobox', { name: label, exact: true });
  await input.fill(typed);
  const option = page.getByRole('option').filter({ hasText: match });
  await visible(option);
  await option.first().click();
  await eventually(async () => assert.ok((await input.inputValue()).includes(match)), {
    message: `${match} chosen in ${label}`,
  });
}

/** The sign-in form (English labels), filled and submitted with the mouse. */
export async function signIn(page, email, password, { screenshot } = {}) {
  if (pathOf(page) !== '/signin' || (await page.locator('#email').count()) === 0) {
    await open(page, '/signin');
  }
  await visible(page.getByRole('heading', { name: 'Sign in', level: 1 }));
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  if (screenshot) await shot(page, screenshot);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** The change-password form, submitted; lands on home. */
export async function changePassword(page, current, next, { screenshot } = {}) {
  await expectPath(page, '/password');
  await visible(page.getByRole('heading', { name: 'Change your password', level: 1 }));
  await page.getByLabel('Current password', { exact: true }).fill(current);
  await page.getByLabel('New password', { exact: true }).fill(next);
  await page.getByLabel('New password again', { exact: true }).fill(next);
  if (screenshot) await shot(page, screenshot);
  await page.getByRole('button', { name: 'Change password', exact: true }).click();
  await expectPath(page, '/');
  await visible(page.getByRole('heading', { name: 'Home', level: 1 }));
}

/**
 * Creates an account on /people/new through the form; returns the initial
 * password shown once.
 */
export async function createAccount(page, { first, last, email, profile }, { formShot, createdShot, check } = {}) {
  await expectPath(page, '/people/new');
  await visible(page.getByRole('heading', { name: 'Create an account', level: 1 }));
  if (check) await check(page);
  await page.getByLabel('First name', { exact: true }).fill(first);
  await page.getByLabel('Last name', { exact: true }).fill(last);
  await page.getByLabel('Professional e-mail', { exact: true }).fill(email);
  await page.getByLabel('Profile', { exact: true }).selectOption({ label: profile });
  if (formShot) await shot(page, formShot);
  await page.getByRole('button', { name: 'Create the account', exact: true }).click();
  await visible(page.getByRole('heading', { name: 'Account created', level: 1 }));
  const code = page.locator('#initial-password');
  await visible(code);
  const password = ((await code.textContent()) || '').trim();
  assert.ok(password.length >= 12, `initial password shown (${password.length} characters)`);
  if (createdShot) await shot(page, createdShot);
  return password;
}

// ───────────────────────────── API ─────────────────────────────

/** A JSON call to /api/v1; returns { status, body }. */
export async function api(method, path, { token, body } = {}) {
  const res = await fetch(`${API}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(TIMEOUT),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

export async function apiOk(method, path, opts) {
  const r = await api(method, path, opts);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function login(email, password) {
  return apiOk('POST', '/auth/login', { body: { email, password } });
}

/**
 * The admin's access token. A fresh admin (still on the initial password)
 * is settled first: its password is changed through the API and kept in
 * the state file, so the other scenario files know it.
 */
export async function adminToken() {
  const current = adminPassword();
  const pair = await login(ADMIN_EMAIL, current);
  if (!pair.must_change_password) return pair.access_token;
  const next = newPassword('admin');
  await apiOk('POST', '/auth/password', {
    token: pair.access_token,
    body: { current_password: current, new_password: next },
  });
  writeState({ adminPassword: next, adminSettledBy: 'api' });
  return (await login(ADMIN_EMAIL, next)).access_token;
}

/**
 * Creates an account through the API as `token`, replaces its initial
 * password, and with `charterVersion` accepts the charter. Returns
 * `{ id, name, email, password, token }`.
 */
export async function settledAccount(token, { email, first, last, profile, charterVersion }) {
  const created = await apiOk('POST', '/users', {
    token,
    body: { first_name: first, last_name: last, email, profile },
  });
  const password = newPassword(profile);
  await activate(email);
  const initial = await login(email, created.initial_password);
  await apiOk('POST', '/auth/password', {
    token: initial.access_token,
    body: { current_password: created.initial_password, new_password: password },
  });
  const pair = await login(email, password);
  if (charterVersion) {
    await apiOk('POST', '/me/charter', { token: pair.access_token, body: { version: charterVersion } });
  }
  return { id: created.user.id, name: `${first} ${last}`, email, password, token: pair.access_token };
}

/** A fresh browser context for `who`, signed in on the home page. */
export async function signedIn(browser, who, label) {
  const { page } = await person(browser, label);
  await signIn(page, who.email, who.password);
  await expectPath(page, '/');
  return page;
}

// ───────────────────────────── mail ─────────────────────────────

function headerValue(text, name) {
  const head = text.split(/\r?\n\r?\n/)[0];
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const m = unfolded.match(new RegExp(`^${name}:\\s*(.*)$`, 'im'));
  return m ? m[1].trim() : '';
}

/**
 * The activation token from the `.eml` (in E2E_MAIL_DIR) addressed to
 * `email` that carries an activation link; polls until it is written.
 */
export async function activationToken(email) {
  return eventually(
    () => {
      const files = existsSync(MAIL_DIR) ? readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml')) : [];
      for (const f of files) {
        const text = readFileSync(join(MAIL_DIR, f), 'utf8');
        if (!headerValue(text, 'To').toLowerCase().includes(email.toLowerCase())) continue;
        const m = text.match(/https?:\/\/\S+\/activate\?token=([A-Za-z0-9._~%-]+)/);
        if (m) return decodeURIComponent(m[1]);
      }
      return false;
    },
    { timeout: TIMEOUT, interval: 200, message: `an activation e-mail to ${email} in ${MAIL_DIR}` },
  );
}

/**
 * The token of a link to `email` whose address holds `marker`
 * (e.g. `/reset-password?token=`) in E2E_MAIL_DIR; polls until it is written.
 * With `not`, a token other than that one (a link sent again).
 */
export async function linkToken(email, marker, { not } = {}) {
  const escaped = marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`https?://\\S+${escaped}([A-Za-z0-9._~%-]+)`);
  return eventually(
    () => {
      const files = existsSync(MAIL_DIR) ? readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml')) : [];
      for (const f of files) {
        const text = readFileSync(join(MAIL_DIR, f), 'utf8');
        if (!headerValue(text, 'To').toLowerCase().includes(email.toLowerCase())) continue;
        const m = text.match(re);
        if (m && decodeURIComponent(m[1]) !== not) return decodeURIComponent(m[1]);
      }
      return false;
    },
    { timeout: TIMEOUT, interval: 200, message: `an e-mail to ${email} with a ${marker} link in ${MAIL_DIR}` },
  );
}

/**
 * Opens the activation link e-mailed to `email` through the API: a
 * `created` account signs in only after that.
 */
export async function activate(email) {
  const token = await activationToken(email);
  await apiOk('POST', '/auth/activate', { body: { token } });
}
