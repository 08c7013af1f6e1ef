// Scenario 8 (issue 16): the service catalog and "My services". A project
// member orders the PostgreSQL offering for an active project; its sponsor
// and data steward approve the order from their inbox; the member launches
// it with the defaults in one click, sees it start and run, reads the
// README with the generated credentials (and connects with them when
// `psql` is installed), reads its logs; then customises a second one
// through the form generated from the offering's JSON Schema, where one
// invalid field is refused inline before anything is sent, fixes it,
// saves the configuration and launches; both are listed in My services
// and deleted with their name typed as confirmation.
//
// The organisation, the accounts and the active project are set up
// through the API; everything the story is about happens in the browser.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe } from 'node:test';

import {
  adminToken,
  api,
  apiOk,
  eventually,
  expectLabelledFields,
  expectPath,
  hasText,
  hidden,
  launch,
  nav,
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
/** The offering of the default catalog that really runs here. */
const OFFERING = 'postgresql';
/** Starting a private cluster (initdb + pg_ctl) takes seconds on a busy machine. */
const START_TIMEOUT = 75_000;

/**
 * Waits until the instance on show settles (running, failed or lost: the
 * page refreshes itself) and asserts it runs, with its failure otherwise.
 */
async function expectRunning(page) {
  const state = page.locator('#instance-state');
  const settled = await eventually(
    async () => {
      const s = await state.getAttribute('data-state');
      return ['running', 'failed', 'lost'].includes(s) ? s : false;
    },
    { timeout: START_TIMEOUT, interval: 500, message: 'the instance settles' },
  );
  const failure = (await page.locator('#instance-failure').count()) ? await page.locator('#instance-failure').textContent() : '';
  assert.equal(settled, 'running', `the instance runs (${failure})`);
}

/** A `psql` binary, if PostgreSQL's client is installed. */
function psqlBinary() {
  for (const dir of ['/usr/bin', '/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin']) {
    if (existsSync(`${dir}/psql`)) return `${dir}/psql`;
  }
  return null;
}

/**
 * A field of the offering's schema the form must refuse, and the value to
 * refuse and to accept instead: the first with a maximum, a maximum length
 * or a minimum.
 */
function invalidField(schema) {
  for (const [name, prop] of Object.entries(schema.properties || {})) {
    const type = Array.isArray(prop.type) ? prop.type.find((t) => t !== 'null') : prop.type;
    if ((type === 'integer' || type === 'number') && typeof prop.maximum === 'number') {
      const good = prop.default ?? prop.maximum;
      return { name, bad: String(prop.maximum + 1), good: String(good), message: `At most ${prop.maximum}.` };
    }
    if ((type === 'integer' || type === 'number') && typeof prop.minimum === 'number') {
      const good = prop.default ?? prop.minimum;
      return { name, bad: String(prop.minimum - 1), good: String(good), message: `At least ${prop.minimum}.` };
    }
    if (type === 'string' && typeof prop.maxLength === 'number' && !prop.enum) {
      const good = prop.default ?? 'x'.repeat(Math.max(prop.minLength || 1, 1));
      return {
        name,
        bad: 'a'.repeat(prop.maxLength + 1),
        good: String(good),
        message: `At most ${prop.maxLength} characters.`,
      };
    }
  }
  return null;
}

describe('service catalog: order, approve, launch, customise, delete', () => {
  const step = stepper();
  let browser;
  let owner;
  let sponsor;
  let steward;
  let projectId;
  let offering;
  let page;
  const projectName = `Cohort database ${sfx}`;
  const first = `pg-default-${sfx}`;
  const second = `pg-custom-${sfx}`;
  /** Launch requests the page sent (POST /orders/{id}/instances). */
  const launches = [];

  before(async () => {
    browser = await launch();
    const admin = await adminToken();
    const { charter_version: charterVersion } = await apiOk('GET', '/policy');
    const account = (first, last) =>
      settledAccount(admin, {
        email: `s8.${last.toLowerCase()}.${sfx}@inserm.fr`,
        first,
        last: `${last}-${sfx}`,
        profile: 'expert',
        charterVersion,
      });
    owner = await account('Paula', 'Postgres');
    sponsor = await account('Sacha', 'Sponsor');
    steward = await account('Tess', 'Steward');
    const org = await apiOk('POST', '/organizations', { token: admin, body: { name: `Cohort lab ${sfx}` } });
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
      await apiOk('POST', `/approvals/${approval.id}/decision`, { token: who.token, body: { decision: 'approve' } });
    }
    offering = await apiOk('GET', `/catalog/${OFFERING}`, { token: owner.token });
    assert.equal(offering.available, true, 'the PostgreSQL offering runs on this server (make tools-services)');
  });

  after(async () => {
    // Nothing keeps running after the scenario, whatever failed.
    if (owner) {
      const mine = await api('GET', '/instances', { token: owner.token });
      for (const i of mine.body?.items || []) {
        await api('DELETE', `/instances/${i.id}`, { token: owner.token, body: { confirm: i.name } });
      }
    }
    await browser?.close();
  });

  step('the catalog shows the offerings by category, with prices and what is not available here', async () => {
    page = await signedIn(browser, owner, 'owner');
    page.on('dialog', (d) => d.accept());
    page.on('request', (r) => {
      if (r.method() === 'POST' && /\/api\/v1\/orders\/[^/]+\/instances$/.test(new URL(r.url()).pathname)) {
        launches.push(r.postDataJSON());
      }
    });
    await nav(page).getByRole('link', { name: 'Services' }).click();
    await expectPath(page, '/services');
    await visible(page.locator('#no-services'));
    await page.getByRole('link', { name: 'Open the service catalog' }).click();
    await expectPath(page, '/catalog');
    await visible(page.getByRole('heading', { name: 'Service catalog', level: 1 }));
    const card = page.locator(`li.offering[data-offering="${OFFERING}"]`);
    await visible(card);
    await hasText(card.locator('.price'), / per hour$/);
    assert.equal(await card.locator('.badge').count(), 0, 'PostgreSQL runs here');
    // The offerings of other spawners (Kubernetes, Slurm) are listed, marked.
    const catalog = await apiOk('GET', '/catalog', { token: owner.token });
    const elsewhere = catalog.items.find((o) => !o.available);
    if (elsewhere) {
      await hasText(page.locator(`li.offering[data-offering="${elsewhere.id}"] .badge`), /^Not available here$/);
    }
    assert.ok((await page.locator('section.category h2').count()) >= 1, 'offerings grouped by category');
    await shot(page, '81-catalog');
  });

  step('the member orders PostgreSQL for the project; the order waits for approval', async () => {
    await page.locator(`li.offering[data-offering="${OFFERING}"] h3 a`).click();
    await expectPath(page, `/catalog/${OFFERING}`);
    await visible(page.getByRole('heading', { name: offering.name, level: 1 }));
    assert.equal(await page.getByLabel('Project', { exact: true }).inputValue(), projectId);
    await page.getByLabel('Comment (optional)', { exact: true }).fill('Survey answers, 2026 wave');
    await expectLabelledFields(page);
    await shot(page, '82-offering');
    await page.getByRole('button', { name: 'Order', exact: true }).click();
    await visible(page.locator('#order-pending'));
    await hasText(page.locator('#offering-orders td.state'), /^pending$/);
  });

  step('sponsor and data steward approve the order from their inbox', async () => {
    for (const [who, label] of [
      [sponsor, 'sponsor'],
      [steward, 'steward'],
    ]) {
      const p = await signedIn(browser, who, label);
      await nav(p).getByRole('link', { name: 'Approvals' }).click();
      await expectPath(p, '/approvals');
      const card = p.locator('article.approval', { hasText: projectName });
      await visible(card);
      await hasText(card.locator('.subject-kind'), /^Service order$/);
      await visible(card.getByRole('link', { name: offering.name }));
      await hasText(card, /Survey answers, 2026 wave/);
      if (label === 'sponsor') await shot(p, '83-order-approval');
      await card.getByRole('button', { name: 'Approve' }).click();
      await visible(p.locator('#inbox-empty'));
      await p.context().close();
    }
  });

  step("the project's page lists the approved order; Launch… opens the offering on the project", async () => {
    await open(page, `/projects/${projectId}`);
    const row = page.locator('#orders tbody tr', { hasText: offering.name });
    await visible(row);
    await hasText(row.locator('td.state'), /^approved$/);
    await shot(page, '84-project-orders');
    await row.getByRole('link', { name: 'Launch…' }).click();
    await expectPath(page, `/catalog/${OFFERING}`);
    assert.equal(await page.getByLabel('Project', { exact: true }).inputValue(), projectId);
    await visible(page.locator('#launch'));
  });

  step('one click launches it with the defaults; it starts, runs, and its README shows the credentials', async () => {
    await page.getByLabel('Service name', { exact: true }).fill(first);
    await page.getByRole('button', { name: 'Launch', exact: true }).click();
    await eventually(() => assert.match(new URL(page.url()).pathname, /^\/services\/[^/]+$/), {
      message: 'on the service page',
    });
    assert.equal(launches.length, 1);
    assert.equal(launches[0].name, first);
    assert.equal(launches[0].config ?? null, null, 'one click sends no configuration');
    await visible(page.getByRole('heading', { name: first, level: 1 }));
    await expectRunning(page);
    const readme = page.locator('#readme');
    await visible(readme);
    const text = (await readme.textContent()) || '';
    assert.match(text, /psql/, 'the README shows the psql command');
    const url = text.match(/postgres(?:ql)?:\/\/[^\s"'<>`]+/);
    assert.ok(url, `a connection URL in the README: ${text.slice(0, 400)}`);
    // Each command and secret has its copy button.
    assert.ok((await readme.locator('button.copy').count()) >= 1, 'copy buttons in the README');
    await shot(page, '85-service-running');
    // The generated password, in the README's table.
    const password = ((await readme.locator('tr', { hasText: 'Password' }).locator('code').first().textContent()) || '').trim();
    assert.ok(password.length >= 8, 'a generated password in the README');
    const psql = psqlBinary();
    if (psql) {
      const out = execFileSync(psql, [url[0], '-tAc', 'select 1'], {
        encoding: 'utf8',
        timeout: 15_000,
        env: { ...process.env, PGPASSWORD: password },
      });
      assert.equal(out.trim(), '1', 'psql connects with the credentials of the README');
    }
    await page.getByRole('button', { name: 'Show the logs' }).click();
    await visible(page.locator('#logs'));
  });

  step('customising: an invalid field is refused inline before sending; fixed, saved and launched', async () => {
    const field = invalidField(offering.config_schema);
    assert.ok(field, 'the PostgreSQL schema has a bounded field');
    await open(page, `/catalog/${OFFERING}?project=${projectId}`);
    await page.getByRole('button', { name: 'Customise' }).click();
    await visible(page.locator('#customise-form'));
    await expectLabelledFields(page);
    await page.getByLabel('Service name', { exact: true }).fill(second);
    const input = page.locator(`#cfg-${field.name}`);
    await input.fill(field.bad);
    const before = launches.length;
    await page.getByRole('button', { name: 'Launch with this configuration' }).click();
    const error = page.locator(`#cfg-${field.name}-error`);
    await hasText(error, new RegExp(field.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.equal(launches.length, before, 'nothing was sent');
    await shot(page, '86-customise-invalid');
    await input.fill(field.good);
    await hidden(error);
    await page.getByLabel('Name of the saved configuration', { exact: true }).fill(`Small ${sfx}`);
    await page.getByRole('button', { name: 'Save this configuration' }).click();
    await visible(page.locator('#saved-configurations li', { hasText: `Small ${sfx}` }));
    await page.getByRole('button', { name: 'Launch with this configuration' }).click();
    await eventually(() => assert.match(new URL(page.url()).pathname, /^\/services\/[^/]+$/), {
      message: 'on the service page',
    });
    assert.equal(launches.length, before + 1);
    assert.equal(String(launches.at(-1).config[field.name]), field.good);
    await visible(page.getByRole('heading', { name: second, level: 1 }));
    await expectRunning(page);
  });

  step('My services lists both, running; each is deleted with its name typed as confirmation', async () => {
    await nav(page).getByRole('link', { name: 'Services' }).click();
    await expectPath(page, '/services');
    for (const name of [first, second]) {
      const row = page.locator('#services tbody tr', { hasText: name });
      await visible(row);
      await hasText(row.locator('td.state'), /^running$/);
    }
    await shot(page, '87-my-services');
    for (const name of [first, second]) {
      await open(page, '/services');
      await page.locator('#services tbody tr', { hasText: name }).getByRole('link', { name, exact: true }).click();
      await visible(page.getByRole('heading', { name, level: 1 }));
      const confirm = page.getByLabel(`Type “${name}” to confirm`, { exact: true });
      const button = page.getByRole('button', { name: 'Delete for good' });
      await confirm.fill(name.slice(0, -1));
      assert.ok(await button.isDisabled(), 'a wrong name does not delete');
      await confirm.fill(name);
      if (name === first) await shot(page, '88-delete-confirmation');
      await button.click();
      await expectPath(page, '/services');
      await hidden(page.locator('#services tbody tr', { hasText: name }));
    }
    assert.deepEqual(pageErrors, [], 'no uncaught error in any page');
  });
});
