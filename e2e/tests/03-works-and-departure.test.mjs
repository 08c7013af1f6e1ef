// Scenario 3 (issue 5, issue 17): who sees whose works, and no work is
// lost when someone leaves. A confirmed scientist with a novice; the
// novice records no work by hand (the page says why): their draft is what
// their compute job left, in a project the confirmed manages; the
// confirmed and the expert above see it, a peer confirmed does not; the
// confirmed schedules the novice's departure with a preview of the
// hand-over; after the job runs (`habilis jobs run-due --until`), the
// confirmed owns the draft and the novice can no longer sign in.
//
// Accounts (random e-mails), the organisation, the project, the engine and
// the novice's job are set up through the API; everything the story is
// about happens in the browser. e2e/run.sh gives the server worker slots.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe } from 'node:test';

import {
  adminToken,
  api,
  apiOk,
  eventually,
  expectPath,
  hasText,
  hidden,
  launch,
  nav,
  open,
  pageErrors,
  settledAccount,
  signedIn,
  shot,
  signIn,
  stepper,
  suffix,
  visible,
} from './helpers.mjs';

const sfx = suffix();

/** An account `s3.<last>.<suffix>@inserm.fr`, settled through the API. */
function account(token, first, last, profile, charterVersion) {
  const email = `s3.${last.toLowerCase()}.${sfx}@inserm.fr`;
  return settledAccount(token, { email, first, last: `${last}-${sfx}`, profile, charterVersion });
}

/** `YYYY-MM-DD`, `days` from today (UTC). */
function day(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Titles in the works table. */
async function workTitles(page) {
  // The table is drawn before its rows arrive: wait for the page of works.
  await visible(page.locator('#works[aria-busy="false"]'));
  return (await page.locator('#works tbody tr td:first-child').allTextContents()).map((s) => s.trim());
}

describe('works, visibility and departure with hand-over', () => {
  const step = stepper();
  let browser;
  let expert;
  let confirmed;
  let peer;
  let novice;
  const title = `Plankton draft ${sfx}`;
  let workId;
  let pages = {};

  before(async () => {
    browser = await launch();
    const admin = await adminToken();
    const { charter_version: v } = await apiOk('GET', '/policy');
    expert = await account(admin, 'Erin', 'Expert', 'expert', v);
    confirmed = await account(expert.token, 'Colm', 'Confirmed', 'confirmed', v);
    peer = await account(expert.token, 'Pia', 'Peer', 'confirmed', v);
    novice = await account(confirmed.token, 'Nils', 'Novice', 'novice', v);
    workId = await jobDraft(admin, v);
  });

  /**
   * The novice's draft: the organisation (the confirmed manages it), an
   * active project (the expert sponsors it, a second expert stewards its
   * data), an engine, and the novice's job, whose output is the draft.
   */
  async function jobDraft(admin, v) {
    const steward = await account(admin, 'Stella', 'Steward', 'expert', v);
    await apiOk('POST', '/me/charter', { token: admin, body: { version: v } });
    const org = await apiOk('POST', '/organizations', { token: admin, body: { name: `Plankton lab ${sfx}` } });
    await apiOk('POST', `/organizations/${org.id}/invitations`, {
      token: admin,
      body: { emails: [confirmed.email], role: 'manager' },
    });
    await apiOk('POST', `/organizations/${org.id}/invitations`, {
      token: admin,
      body: { emails: [expert.email, steward.email, novice.email], role: 'user' },
    });
    const project = await apiOk('POST', '/projects', {
      token: confirmed.token,
      body: {
        organization_id: org.id,
        name: `Plankton counts ${sfx}`,
        data_class: 'standard',
        domain: 'ecology',
        sponsor_id: expert.id,
        data_steward_id: steward.id,
      },
    });
    for (const who of [expert, steward]) {
      const inbox = await apiOk('GET', '/approvals', { token: who.token });
      const approval = inbox.items.find((a) => a.subject_id === project.id);
      assert.ok(approval, `an approval for ${who.email}`);
      await apiOk('POST', `/approvals/${approval.id}/decision`, { token: who.token, body: { decision: 'approve' } });
    }
    await apiOk('POST', `/projects/${project.id}/participants`, {
      token: confirmed.token,
      body: { email: novice.email, role: 'analyst' },
    });
    const engine = await apiOk('POST', '/engines', {
      token: admin,
      body: {
        name: `Counter ${sfx}`,
        description: 'Prints the counts.',
        command: ['echo', 'counts from the spring campaign'],
        parameters: { type: 'object', properties: {} },
        timeout_secs: 60,
        resources: { cpus: 1, memory_mb: 64 },
      },
    });
    const job = await apiOk('POST', `/projects/${project.id}/jobs`, {
      token: novice.token,
      body: { engine_id: engine.id, parameters: {}, name: title },
    });
    let done;
    await eventually(
      async () => {
        done = await apiOk('GET', `/jobs/${job.id}`, { token: novice.token });
        return ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(done.state);
      },
      { timeout: 45_000, message: 'the novice\'s job ends' },
    );
    assert.equal(done.state, 'succeeded', `the job succeeded: ${JSON.stringify(done)}`);
    assert.ok(done.work_id, 'the job left a draft');
    return done.work_id;
  }
  after(async () => {
    await browser?.close();
  });

  step('the novice records no work by hand; their job left a draft on /works', async () => {
    const page = await signedIn(browser, novice, 'novice');
    pages.novice = page;
    await nav(page).getByRole('link', { name: 'Works' }).click();
    await expectPath(page, '/works');
    await visible(page.getByRole('heading', { name: 'Works', level: 1 }));
    // No form: the page says where a novice's works come from.
    await hidden(page.getByRole('button', { name: 'Record', exact: true }));
    await hasText(page.locator('#cannot-record'), /compute jobs/);
    const row = page.locator('#works tbody tr', { hasText: title });
    await visible(row);
    await hasText(row.locator('td').nth(1), /^draft$/);
    await shot(page, '31-novice-finds-the-draft-of-a-job');
    await row.getByRole('link', { name: title }).click();
    await visible(page.getByRole('heading', { name: title, level: 1 }));
    assert.equal(new URL(page.url()).pathname.split('/').pop(), workId);
    // A novice may not publish nor delete (SPEC §2.4, §3.6): no such buttons.
    await hidden(page.locator('#advance'));
    await hidden(page.locator('#delete-work'));
  });

  step('the confirmed above sees the draft and its owner', async () => {
    const page = await signedIn(browser, confirmed, 'confirmed');
    pages.confirmed = page;
    await nav(page).getByRole('link', { name: 'Works' }).click();
    assert.ok((await workTitles(page)).includes(title), 'the supervisor lists the draft');
    await page.getByRole('link', { name: title }).click();
    await visible(page.getByRole('heading', { name: title, level: 1 }));
    await hasText(page.locator('#work-owner'), new RegExp(novice.name));
    await hasText(page.locator('#work-state'), /^draft$/);
    await shot(page, '32-confirmed-sees-the-draft');
  });

  step('the expert above sees it too', async () => {
    const page = await signedIn(browser, expert, 'expert');
    await open(page, '/works');
    assert.ok((await workTitles(page)).includes(title), 'the expert lists the draft');
    await page.context().close();
  });

  step('a peer confirmed does not, not even by its address', async () => {
    const page = await signedIn(browser, peer, 'peer');
    await open(page, '/works');
    assert.ok(!(await workTitles(page)).includes(title), 'the peer does not list the draft');
    await open(page, `/works/${workId}`);
    await hasText(page.getByRole('alert'), /not found|does not exist|not visible/i);
    await hidden(page.getByRole('heading', { name: title }));
    await shot(page, '33-peer-sees-nothing');
    await page.context().close();
  });

  step('the confirmed schedules the novice departure after a preview of the hand-over', async () => {
    const page = pages.confirmed;
    await open(page, `/people/${novice.id}`);
    await visible(page.getByRole('heading', { name: novice.name, level: 1 }));
    await visible(page.getByRole('heading', { name: 'Departure', level: 2 }));
    await page.getByLabel('Departure date', { exact: true }).fill(day(1));
    await page.getByRole('button', { name: 'Preview the hand-over' }).click();
    const preview = page.locator('#handover-preview');
    await hasText(preview, /1 draft\(s\), 0 unpublished, 0 published/);
    await hasText(preview.locator('p'), /go to me$/);
    await shot(page, '34-departure-preview');
    await page.getByRole('button', { name: 'Schedule the departure' }).click();
    await hasText(page.locator('#departure-scheduled'), /Leaves on/);
    await hidden(page.getByRole('button', { name: 'Schedule the departure' }));
    await shot(page, '35-departure-scheduled');
    // The API agrees, and scheduling again is refused (one departure).
    const again = await api('POST', `/users/${novice.id}/departure`, {
      token: confirmed.token,
      body: { date: `${day(2)}T00:00:00Z` },
    });
    assert.equal(again.status, 409);
  });

  step('after the job runs, the confirmed owns the draft and the novice cannot sign in', async () => {
    const bin = process.env.E2E_BIN;
    assert.ok(bin, 'E2E_BIN is set by e2e/run.sh');
    const out = execFileSync(bin, ['jobs', 'run-due', '--until', day(2)], { encoding: 'utf8', env: process.env });
    assert.match(out, /ran [1-9]\d* job\(s\)/);

    const page = pages.confirmed;
    await open(page, `/works/${workId}`);
    await visible(page.getByRole('heading', { name: title, level: 1 }));
    await hasText(page.locator('#work-owner'), /^me$/);
    await shot(page, '36-confirmed-owns-the-draft');

    // The novice's open session is over, and signing in again fails.
    const np = pages.novice;
    await open(np, '/works');
    await expectPath(np, '/signin');
    await signIn(np, novice.email, novice.password);
    await hasText(np.getByRole('alert'), /^Wrong e-mail or password\.$/);
    await expectPath(np, '/signin');
    await shot(np, '37-former-novice-cannot-sign-in');

    // The person page now shows a former member.
    await open(page, `/people/${novice.id}`);
    await hasText(page.locator('#person-state'), /./);
    assert.deepEqual(pageErrors, [], 'no uncaught error in any page');
  });
});
