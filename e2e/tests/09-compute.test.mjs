// Scenario 9 (issue 17): compute engines, jobs and "why am I waiting".
//
// An expert opens the Compute section, reads an engine (made by the
// administrator through the API), is refused an out-of-range parameter
// inline before anything is sent, runs the engine from the form generated
// from its parameters' JSON Schema, watches the job's log arrive live
// while it runs, sees it succeed and follows the link to the draft work
// its outputs became; finds it in "My jobs" through the filters; creates
// an engine in the editor (a command naming an unknown parameter is
// refused on its field) and changes it (a new version).
//
// Then every worker slot is taken by long jobs (the expert's and a
// confirmed scientist's, each under their profile's share of the slots),
// with one more of the expert's waiting: the confirmed scientist's next
// job waits behind it, and its
// page says why (the rule is rank: a rank-4 job waits and can run), with
// its position and the jobs ahead by rank; the queue page counts the jobs
// by rank and names nobody; the confirmed scientist cancels the job.
//
// The organisation, the accounts, the active project and the engines are
// set up through the API; everything the story is about happens in the
// browser. e2e/run.sh gives the server eight worker slots
// (HABILIS_COMPUTE_SLOTS=8).

import assert from 'node:assert/strict';
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
/** vmstat (procps) prints one line of figures per interval: a log that grows while the job runs. */
const VMSTAT = ['/usr/bin/vmstat', '/bin/vmstat'].find((p) => existsSync(p));
/** Lines of figures the run asks for (one a second). */
const REPORTS = 6;
/** A job waits for a slot, then runs: bounded generously on a busy machine. */
const RUN_TIMEOUT = 45_000;

/** The parameters of the vmstat engine: the run form is generated from them. */
const VMSTAT_PARAMETERS = {
  type: 'object',
  properties: {
    interval: { type: 'integer', title: 'Interval (seconds)', minimum: 1, maximum: 5, default: 1 },
    count: { type: 'integer', title: 'Reports', description: 'How many lines of figures', minimum: 1, maximum: 20, default: 3 },
  },
  required: ['count'],
};

/** The parameters of the sleep engine (the long jobs that fill the slots). */
const SLEEP_PARAMETERS = {
  type: 'object',
  properties: {
    seconds: { type: 'integer', title: 'Seconds', minimum: 1, maximum: 300, default: 60 },
  },
};

/** The accounts, the project and the engines, made once for both stories. */
let world;
async function setUp() {
  if (world) return world;
  assert.ok(VMSTAT, 'vmstat (Debian package procps) is installed where the server runs');
  const admin = await adminToken();
  const { charter_version: charterVersion } = await apiOk('GET', '/policy');
  // Engines are registered by the administrator, charter first.
  await apiOk('POST', '/me/charter', { token: admin, body: { version: charterVersion } });
  const account = (first, last, profile, creator = admin) =>
    settledAccount(creator, {
      email: `s9.${last.toLowerCase()}.${sfx}@inserm.fr`,
      first,
      last: `${last}-${sfx}`,
      profile,
      charterVersion,
    });
  const owner = await account('Ada', 'Engine', 'expert');
  const sponsor = await account('Sven', 'Sponsor', 'expert');
  const steward = await account('Dora', 'Steward', 'expert');
  // A confirmed scientist is created by an expert (the creation matrix).
  const waiter = await account('Wim', 'Waiting', 'confirmed', owner.token);
  const org = await apiOk('POST', '/organizations', { token: admin, body: { name: `Compute lab ${sfx}` } });
  await apiOk('POST', `/organizations/${org.id}/invitations`, {
    token: admin,
    body: { emails: [owner.email], role: 'manager' },
  });
  await apiOk('POST', `/organizations/${org.id}/invitations`, {
    token: admin,
    body: { emails: [sponsor.email, steward.email, waiter.email], role: 'user' },
  });
  const projectName = `Sensor runs ${sfx}`;
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
  for (const who of [sponsor, steward]) {
    const inbox = await apiOk('GET', '/approvals', { token: who.token });
    const approval = inbox.items.find((a) => a.subject_id === project.id);
    assert.ok(approval, `an approval for ${who.email}`);
    await apiOk('POST', `/approvals/${approval.id}/decision`, { token: who.token, body: { decision: 'approve' } });
  }
  const active = await apiOk('GET', `/projects/${project.id}`, { token: owner.token });
  assert.equal(active.state, 'active');
  // The confirmed scientist takes part in the project.
  await apiOk('POST', `/projects/${project.id}/participants`, {
    token: owner.token,
    body: { email: waiter.email, role: 'analyst' },
  });
  const vmstat = await apiOk('POST', '/engines', {
    token: admin,
    body: {
      name: `System figures ${sfx}`,
      description: 'Processes, memory and CPU, one line per interval (vmstat).',
      command: [VMSTAT, '{interval}', '{count}'],
      parameters: VMSTAT_PARAMETERS,
      timeout_secs: 120,
      resources: { cpus: 1, memory_mb: 256 },
    },
  });
  const sleep = await apiOk('POST', '/engines', {
    token: admin,
    body: {
      name: `Long wait ${sfx}`,
      description: 'Sleeps, holding a worker slot.',
      command: ['sleep', '{seconds}'],
      parameters: SLEEP_PARAMETERS,
      timeout_secs: 600,
      resources: { cpus: 1, memory_mb: 64 },
    },
  });
  world = { admin, owner, waiter, project: { id: project.id, name: projectName }, vmstat, sleep };
  return world;
}

/** Cancels every job of `who` that has not ended, whatever failed. */
async function cancelAll(who) {
  if (!who) return;
  for (const state of ['queued', 'running']) {
    const r = await api('GET', `/jobs?state=${state}&limit=200`, { token: who.token });
    for (const j of r.body?.items || []) {
      await api('POST', `/jobs/${j.id}/cancel`, { token: who.token });
    }
  }
}

/** The job id of the job page on show. */
function jobIdOf(page) {
  const m = new URL(page.url()).pathname.match(/^\/compute\/jobs\/([^/]+)$/);
  assert.ok(m, `on a job page (${page.url()})`);
  return m[1];
}

describe('compute: run an engine from its generated form, follow its log live, find the draft work', () => {
  const step = stepper();
  let browser;
  let w;
  let page;
  const jobName = `figures-${sfx}`;
  let jobId;
  /** Job submissions the page sent (POST /projects/{id}/jobs). */
  const submissions = [];
  /** The Accept header of each request for a job's log. */
  const logAccepts = [];

  before(async () => {
    browser = await launch();
    w = await setUp();
  });

  after(async () => {
    await cancelAll(w?.owner);
    await browser?.close();
  });

  step('Compute lists the engine; its page shows the command, the resources and the generated run form', async () => {
    page = await signedIn(browser, w.owner, 'owner');
    page.on('dialog', (d) => d.accept());
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (r.method() === 'POST' && /^\/api\/v1\/projects\/[^/]+\/jobs$/.test(path)) submissions.push(r.postDataJSON());
      if (r.method() === 'GET' && /^\/api\/v1\/jobs\/[^/]+\/logs$/.test(path)) logAccepts.push(r.headers().accept || '');
    });
    await nav(page).getByRole('link', { name: 'Compute' }).click();
    await expectPath(page, '/compute');
    await visible(page.getByRole('heading', { name: 'Compute engines', level: 1 }));
    const row = page.locator(`#engines tr[data-engine="${w.vmstat.id}"]`);
    await visible(row);
    await shot(page, '91-engines');
    await row.getByRole('link', { name: w.vmstat.name }).click();
    await expectPath(page, `/compute/engines/${w.vmstat.id}`);
    await visible(page.getByRole('heading', { name: w.vmstat.name, level: 1 }));
    await hasText(page.locator('#engine-version'), /^1$/);
    const argv = await page.locator('#engine-command li').allTextContents();
    assert.deepEqual(argv, [VMSTAT, '{interval}', '{count}'], 'one argv element per item, never a shell line');
    await hasText(page.locator('#engine-timeout'), /^2 min$/);
    assert.equal(await page.getByLabel('Project', { exact: true }).inputValue(), w.project.id);
    // The fields come from the schema: titles as labels, defaults filled in.
    assert.equal(await page.getByLabel('Reports', { exact: true }).inputValue(), '3');
    assert.equal(await page.getByLabel('Interval (seconds)', { exact: true }).inputValue(), '1');
    await visible(page.locator('#cfg-count-hint', { hasText: 'How many lines of figures' }));
    await expectLabelledFields(page);
    await shot(page, '92-engine-run-form');
  });

  step('a parameter outside the schema is refused on its field before anything is sent', async () => {
    const count = page.getByLabel('Reports', { exact: true });
    await count.fill('99');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await hasText(page.locator('#cfg-count-error'), /At most 20\./);
    assert.equal(await count.getAttribute('aria-invalid'), 'true');
    assert.equal(submissions.length, 0, 'nothing was sent');
    await count.fill(String(REPORTS));
    await hidden(page.locator('#cfg-count-error'));
  });

  step('run: the job page follows the log live while it runs, then shows it succeeded and its draft work', async () => {
    await page.getByLabel('Job name (optional)', { exact: true }).fill(jobName);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await eventually(() => assert.match(new URL(page.url()).pathname, /^\/compute\/jobs\/[^/]+$/), {
      message: 'on the job page',
    });
    jobId = jobIdOf(page);
    assert.equal(submissions.length, 1);
    assert.equal(submissions[0].engine_id, w.vmstat.id);
    assert.equal(submissions[0].name, jobName);
    assert.equal(String(submissions[0].parameters.count), String(REPORTS));
    await visible(page.getByRole('heading', { name: jobName, level: 1 }));
    const state = page.locator('#job-state');
    const log = page.locator('#job-log');
    const figures = async () =>
      ((await log.count()) ? (await log.textContent()) || '' : '')
        .split('\n')
        .filter((l) => /^\s*\d+(\s+\d+){8,}\s*$/.test(l)).length;
    // Seen while running: some lines, then more, before the job ends.
    const whileRunning = [];
    await eventually(
      async () => {
        const s = await state.getAttribute('data-state');
        if (s === 'running') {
          const n = await figures();
          if (n > 0 && !whileRunning.includes(n)) whileRunning.push(n);
        }
        return ['succeeded', 'failed', 'timed_out', 'cancelled'].includes(s) ? s : false;
      },
      { timeout: RUN_TIMEOUT, interval: 100, message: 'the job ends' },
    );
    const failure = (await page.locator('#job-failure').count()) ? await page.locator('#job-failure').textContent() : '';
    await hasText(state, /^succeeded$/);
    assert.equal(await state.getAttribute('data-state'), 'succeeded', `the job succeeded (${failure})`);
    assert.ok(whileRunning.length >= 2, `log lines arrived while the job ran (counts seen: ${whileRunning})`);
    assert.ok(
      logAccepts.some((a) => a.includes('text/event-stream')),
      `the page followed the log as an event stream (Accept: ${logAccepts})`,
    );
    await eventually(async () => assert.equal(await figures(), REPORTS), { message: `${REPORTS} lines of figures in the log` });
    await hasText(page.locator('#job-exit-code'), /^0$/);
    await hidden(page.locator('#cancel-job'));
    await hidden(page.locator('#why-waiting'));
    await shot(page, '93-job-succeeded');
    const job = await apiOk('GET', `/jobs/${jobId}`, { token: w.owner.token });
    assert.ok(job.work_id, 'the outputs became a draft work');
    await page.locator('a.job-work').click();
    await expectPath(page, `/works/${job.work_id}`);
    await page.goBack();
    await visible(page.getByRole('heading', { name: jobName, level: 1 }));
  });

  step('My jobs lists it with its state and times; the state and project filters narrow the list', async () => {
    await page.getByRole('navigation', { name: 'Compute sections' }).getByRole('link', { name: 'My jobs' }).click();
    await expectPath(page, '/compute/jobs');
    const row = page.locator(`#jobs tr[data-job="${jobId}"]`);
    await visible(row);
    await hasText(row.locator('td.state'), /^succeeded$/);
    await visible(row.getByRole('link', { name: w.vmstat.name }));
    await visible(row.getByRole('link', { name: w.project.name }));
    assert.equal(await row.locator('time').count(), 3, 'queued, started and finished times');
    await shot(page, '94-my-jobs');
    await page.getByLabel('State', { exact: true }).selectOption({ label: 'failed' });
    await hidden(row);
    await page.getByLabel('State', { exact: true }).selectOption({ label: 'succeeded' });
    await visible(row);
    await page.getByLabel('Project', { exact: true }).selectOption(w.project.id);
    await visible(row);
    await row.getByRole('link', { name: jobName }).click();
    await expectPath(page, `/compute/jobs/${jobId}`);
  });

  step('the editor: a command naming an unknown parameter is refused on its field; the engine is created, then changed', async () => {
    const name = `Counter ${sfx}`;
    await open(page, '/compute');
    await page.getByRole('link', { name: 'New engine' }).click();
    await expectPath(page, '/compute/engines/new');
    await visible(page.getByRole('heading', { name: 'New compute engine', level: 1 }));
    await expectLabelledFields(page);
    await page.getByLabel('Name', { exact: true }).fill(name);
    const command = page.getByLabel('Command', { exact: true });
    await command.fill('seq\n1\n{nope}');
    await page
      .getByLabel('Parameters (JSON Schema)', { exact: true })
      .fill(JSON.stringify({ type: 'object', properties: { count: { type: 'integer', default: 3, minimum: 1 } } }));
    await page.getByLabel('Time limit (seconds)', { exact: true }).fill('60');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.locator('#engine-command-field-error'));
    assert.equal(await command.getAttribute('aria-invalid'), 'true');
    await expectPath(page, '/compute/engines/new');
    await shot(page, '95-engine-editor-refused');
    await command.fill('seq\n1\n{count}');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await eventually(() => assert.match(new URL(page.url()).pathname, /^\/compute\/engines\/(?!new$)[^/]+$/), {
      message: 'on the new engine page',
    });
    await visible(page.getByRole('heading', { name, level: 1 }));
    await hasText(page.locator('#engine-version'), /^1$/);
    assert.deepEqual(await page.locator('#engine-command li').allTextContents(), ['seq', '1', '{count}']);
    await page.getByRole('link', { name: 'Change this engine' }).click();
    await visible(page.getByRole('heading', { name: 'Change a compute engine', level: 1 }));
    await page.getByLabel('Time limit (seconds)', { exact: true }).fill('120');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByRole('heading', { name, level: 1 }));
    await hasText(page.locator('#engine-version'), /^2$/);
    await hasText(page.locator('#engine-timeout'), /^2 min$/);
    assert.deepEqual(pageErrors, [], 'no uncaught error in any page');
  });
});

describe('compute: a waiting job says why, the queue names nobody', () => {
  const step = stepper();
  let browser;
  let w;
  let page;
  let capacity;
  let jobId;

  before(async () => {
    browser = await launch();
    w = await setUp();
  });

  after(async () => {
    await cancelAll(w?.waiter);
    await cancelAll(w?.owner);
    await browser?.close();
  });

  step("every slot runs an expert's long job and one more waits; a confirmed scientist's job waits behind it and its page says why", async () => {
    const queue = await apiOk('GET', '/queue', { token: w.owner.token });
    capacity = queue.capacity;
    // With the default caps an expert holds at most 75 % of the slots and
    // the confirmed 50 %: on 8 slots, 5 of the expert's and 3 of the
    // confirmed scientist's fill them, under both shares; one more of the
    // expert's then waits and could run.
    assert.equal(capacity, 8, 'the e2e server has 8 worker slots');
    const hold = async (who, n, tag) => {
      for (let i = 0; i < n; i += 1) {
        await apiOk('POST', `/projects/${w.project.id}/jobs`, {
          token: who.token,
          body: { engine_id: w.sleep.id, parameters: { seconds: 120 }, name: `${tag}-${i}-${sfx}` },
        });
      }
    };
    const running = (n) =>
      eventually(
        async () => {
          const q = await apiOk('GET', '/queue', { token: w.owner.token });
          assert.equal(q.running, n);
        },
        { timeout: RUN_TIMEOUT, interval: 250, message: `${n} long jobs run` },
      );
    await hold(w.owner, 5, 'hold');
    await running(5);
    await hold(w.waiter, 3, 'mine');
    await running(8);
    await hold(w.owner, 1, 'next');
    page = await signedIn(browser, w.waiter, 'waiter');
    page.on('dialog', (d) => d.accept());
    await open(page, `/compute/engines/${w.sleep.id}`);
    await visible(page.getByRole('heading', { name: w.sleep.name, level: 1 }));
    await page.getByLabel('Seconds', { exact: true }).fill('5');
    await page.getByLabel('Job name (optional)', { exact: true }).fill(`wait-${sfx}`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await eventually(() => assert.match(new URL(page.url()).pathname, /^\/compute\/jobs\/[^/]+$/), {
      message: 'on the job page',
    });
    jobId = jobIdOf(page);
    await hasText(page.locator('#job-state'), /^queued$/);
    await hasText(page.locator('#job-rank'), /^rank 3 \(Confirmed scientist\)$/);
    const why = page.locator('#why-waiting');
    await visible(why);
    const reason = page.locator('#queue-reason');
    await eventually(async () => assert.equal(await reason.getAttribute('data-rule'), 'rank'), {
      message: 'held by the rank rule',
    });
    await hasText(reason, /rank/i);
    await hasText(reason, /4|expert/i);
    await hasText(page.locator('#queue-position'), /^Position in the queue: 2$/);
    const ahead = page.locator('#queue-ahead tr[data-rank="4"]');
    await visible(ahead);
    await hasText(ahead.locator('td').nth(1), /Expert scientist/);
    await hasText(ahead.locator('td').nth(2), /^1$/);
    await hasText(ahead.locator('td').nth(3), /^1$/);
    await visible(page.locator('#log-waiting'));
    await shot(page, '96-why-waiting');
  });

  step('the queue page counts the jobs by rank and names nobody', async () => {
    await page.getByRole('link', { name: 'See the whole queue' }).click();
    await expectPath(page, '/compute/queue');
    await visible(page.getByRole('heading', { name: 'The queue', level: 1 }));
    await hasText(page.locator('#queue-capacity'), new RegExp(`^${capacity}$`));
    await hasText(page.locator('#queue-running'), new RegExp(`^${capacity}$`));
    const expert = page.locator('#queue-ranks tr[data-rank="4"]');
    await visible(expert);
    await hasText(expert.locator('td').nth(2), /^5$/);
    await hasText(expert.locator('td').nth(3), /^1$/);
    await hasText(page.locator('#queue-ranks tr[data-rank="3"] td').nth(2), /^3$/);
    await hasText(page.locator('#queue-ranks tr[data-rank="3"] td').nth(3), /^1$/);
    const text = (await page.locator('main').textContent()) || '';
    for (const who of [w.owner, w.waiter]) {
      assert.ok(!text.includes(who.name.split(' ')[1]), `${who.name} is not named on the queue page`);
    }
    await shot(page, '97-queue');
  });

  step('the confirmed scientist cancels the waiting job', async () => {
    await page.goBack();
    await expectPath(page, `/compute/jobs/${jobId}`);
    await page.getByRole('button', { name: 'Cancel this job' }).click();
    await hasText(page.locator('#job-state'), /^cancelled$/);
    await hidden(page.locator('#why-waiting'));
    await hidden(page.locator('#cancel-job'));
    const job = await apiOk('GET', `/jobs/${jobId}`, { token: w.waiter.token });
    assert.equal(job.state, 'cancelled');
    assert.equal(job.started_at, null, 'it never ran');
    assert.deepEqual(pageErrors, [], 'no uncaught error in any page');
  });
});
