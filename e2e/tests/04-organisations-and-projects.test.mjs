// Scenario 4 (issue 6): a manager invites three addresses in one paste (one
// invalid); a confirmed scientist, made manager, requests a project naming
// a sponsor and a data steward; both approve from their inbox; the project
// turns active; the owner invites a participant, then revokes them; the
// members CSV downloads with the expected lines.
//
// The organisation and the accounts (random e-mails) are set up through the
// API; everything the story is about happens in the browser.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';

import {
  MAIL_DIR,
  adminToken,
  eventually,
  apiOk,
  expectPath,
  hasText,
  launch,
  login,
  nav,
  open,
  pageErrors,
  settledAccount,
  signedIn,
  person,
  pick,
  shot,
  signIn,
  stepper,
  suffix,
  visible,
} from './helpers.mjs';

const sfx = suffix();

/** An account `s4.<last>.<suffix>@inserm.fr`, settled through the API. */
function account(token, first, last, profile, charterVersion) {
  const email = `s4.${last.toLowerCase()}.${sfx}@inserm.fr`;
  return settledAccount(token, { email, first, last: `${last}-${sfx}`, profile, charterVersion });
}

/** The invitation secret in the e-mail sent to `email`. */
async function invitationSecret(email) {
  return eventually(
    () => {
      for (const f of existsSync(MAIL_DIR) ? readdirSync(MAIL_DIR) : []) {
        const text = readFileSync(join(MAIL_DIR, f), 'utf8');
        if (!text.toLowerCase().includes(`to: ${email}`)) continue;
        const m = text.match(/\/invitations\/(hinv_[A-Za-z0-9_-]+)/);
        if (m) return m[1];
      }
      return false;
    },
    { interval: 200, message: `an invitation e-mail to ${email}` },
  );
}

describe('organisations, projects, approvals, participants, CSV', () => {
  const step = stepper();
  let browser;
  let manager;
  let confirmed;
  let sponsor;
  let steward;
  let guest;
  let orgId;
  let projectId;
  const orgName = `Marine Lab ${sfx}`;
  const projectName = `Plankton survey ${sfx}`;
  const newcomer = `s4.newcomer.${sfx}@inserm.fr`;
  const pages = {};

  before(async () => {
    browser = await launch();
    const admin = await adminToken();
    manager = await account(admin, 'Mona', 'Manager', 'expert');
    sponsor = await account(admin, 'Sam', 'Sponsor', 'expert');
    steward = await account(admin, 'Dana', 'Steward', 'expert');
    confirmed = await account(manager.token, 'Cyril', 'Confirmed', 'confirmed');
    guest = await account(manager.token, 'Gus', 'Guest', 'confirmed');
    const org = await apiOk('POST', '/organizations', { token: admin, body: { name: orgName } });
    orgId = org.id;
    await apiOk('POST', `/organizations/${orgId}/invitations`, {
      token: admin,
      body: { emails: [manager.email], role: 'manager' },
    });
    await apiOk('POST', `/organizations/${orgId}/invitations`, {
      token: admin,
      body: { emails: `${sponsor.email}; ${steward.email}`, role: 'user' },
    });
  });
  after(async () => {
    await browser?.close();
  });

  step('the manager invites three addresses in one paste, one of them invalid', async () => {
    const page = await signedIn(browser, manager, 'manager');
    pages.manager = page;
    await nav(page).getByRole('link', { name: 'Organisations' }).click();
    await expectPath(page, '/organizations');
    await page.getByRole('link', { name: orgName }).click();
    await visible(page.getByRole('heading', { name: orgName, level: 1 }));
    await page
      .getByLabel('E-mail addresses', { exact: true })
      .fill(`${confirmed.email} ;\n not-an-address ; ${newcomer}`);
    await page.locator('#invite-role').selectOption('contributor');
    await shot(page, '41-bulk-invitation');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    const results = page.locator('#invite-results tbody tr');
    await visible(results.first());
    assert.equal(await results.count(), 3);
    await hasText(page.locator('#invite-results tr', { hasText: confirmed.email }).locator('td').nth(1), /^added/);
    await hasText(page.locator('#invite-results tr', { hasText: 'not-an-address' }).locator('td').nth(1), /not a valid/);
    await hasText(page.locator('#invite-results tr', { hasText: newcomer }).locator('td').nth(1), /^invited/);
    await visible(page.locator('#pending-invitations tr', { hasText: newcomer }));
    // The confirmed becomes a manager, so that they may request projects.
    await page.locator(`#role-${confirmed.id}`).selectOption('manager');
    await hasText(page.locator('#members tr', { hasText: confirmed.email }).locator('select'), /manager/);
    await shot(page, '42-members-and-roles');
  });

  step('the invited newcomer opens the e-mailed link, signs in and joins', async () => {
    const secret = await invitationSecret(newcomer);
    // The account is created afterwards by a supervisor.
    const { password } = await settledAccount(manager.token, {
      email: newcomer,
      first: 'Nina',
      last: `Newcomer-${sfx}`,
      profile: 'confirmed',
    });
    const { page } = await person(browser, 'newcomer');
    await open(page, `/invitations/${secret}`);
    await expectPath(page, '/signin');
    assert.match(page.url(), /next=%2Finvitations%2Fhinv_/);
    await signIn(page, newcomer, password);
    await expectPath(page, `/invitations/${secret}`);
    await page.getByRole('button', { name: 'Join the organisation' }).click();
    await hasText(page.getByRole('status'), /You joined the organisation as contributor/);
    await shot(page, '425-invitation-accepted');
    // The link works once.
    await open(page, `/invitations/${secret}`);
    await page.getByRole('button', { name: 'Join the organisation' }).click();
    await hasText(page.getByRole('alert'), /./);
    await page.context().close();
  });

  step('the confirmed requests a project naming a sponsor and a data steward', async () => {
    const page = await signedIn(browser, confirmed, 'confirmed');
    pages.confirmed = page;
    await nav(page).getByRole('link', { name: 'Projects' }).click();
    await expectPath(page, '/projects');
    await page.getByLabel('Organisation', { exact: true }).selectOption({ label: orgName });
    await page.getByLabel('Name', { exact: true }).fill(projectName);
    await page.getByLabel('Data class', { exact: true }).selectOption('hds');
    await page.getByLabel('Research domain', { exact: true }).selectOption('oceanography');
    await page.getByLabel('Short description', { exact: true }).fill('Spring and autumn counts');
    await pick(page, 'Sponsor', sponsor.name, sponsor.email);
    await pick(page, 'Data steward', steward.email.slice(0, 12), steward.email);
    await shot(page, '43-project-request');
    await page.getByRole('button', { name: 'Request the project' }).click();
    const row = page.locator('#projects tr', { hasText: projectName });
    await visible(row);
    await hasText(row.locator('td').nth(1), /^pending$/);
  });

  step('sponsor and data steward approve from their inbox; the project turns active', async () => {
    for (const [who, label] of [
      [sponsor, 'sponsor'],
      [steward, 'steward'],
    ]) {
      const page = await signedIn(browser, who, label);
      await nav(page).getByRole('link', { name: 'Approvals' }).click();
      await expectPath(page, '/approvals');
      const card = page.locator('article.approval', { hasText: projectName });
      await visible(card);
      if (label === 'sponsor') await shot(page, '44-approvals-inbox');
      await card.getByRole('button', { name: 'Approve' }).click();
      await visible(page.locator('#inbox-empty'));
      await page.context().close();
    }
    const page = pages.confirmed;
    await open(page, '/projects');
    await page.getByRole('link', { name: projectName }).click();
    await hasText(page.locator('#project-state'), /^active$/);
    await hasText(page.locator('#history'), /requested[\s\S]*approved[\s\S]*approved[\s\S]*active/);
    await shot(page, '45-project-active');
    projectId = new URL(page.url()).pathname.split('/').pop();
  });

  step("a work recorded in the project is listed on the project's page", async () => {
    // The owner (a manager of the organisation, whose role may annotate)
    // records a work in the active project through the API.
    const { charter_version: version } = await apiOk('GET', '/policy');
    const token = (await login(confirmed.email, confirmed.password)).access_token;
    await apiOk('POST', '/me/charter', { token, body: { version } });
    const work = await apiOk('POST', '/works', {
      token,
      body: { title: `Counts ${sfx}`, project_id: projectId },
    });
    assert.equal(work.project_id, projectId);
    const page = pages.confirmed;
    await page.reload();
    const row = page.locator('#project-works tr', { hasText: `Counts ${sfx}` });
    await visible(row);
    await hasText(row.locator('td').nth(1), /^draft$/);
    await shot(page, '45b-project-works');
    await row.getByRole('link', { name: `Counts ${sfx}` }).click();
    await expectPath(page, `/works/${work.id}`);
    await page.goBack();
    await visible(page.locator('#project-works'));
  });

  step('the owner invites a participant, then revokes them', async () => {
    const page = pages.confirmed;
    await page.getByLabel("Participant's e-mail", { exact: true }).fill(guest.email);
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    const row = page.locator('#participants tr', { hasText: guest.email });
    await visible(row);
    await hasText(row.locator('td').nth(1), /^active$/);
    // The guest sees the project now.
    const seen = await apiOk('GET', '/projects', { token: (await login(guest.email, guest.password)).access_token });
    assert.ok(seen.items.some((p) => p.name === projectName), 'the participant sees the project');
    await shot(page, '46-participant-invited');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await hasText(page.locator('#participants tr', { hasText: guest.email }).locator('td').nth(1), /^revoked$/);
    const after = await apiOk('GET', '/projects', { token: (await login(guest.email, guest.password)).access_token });
    assert.ok(!after.items.some((p) => p.name === projectName), 'access is gone');
  });

  step('the manager downloads the members CSV with the expected lines', async () => {
    const page = pages.manager;
    await open(page, `/organizations/${orgId}`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export the members (CSV)' }).click(),
    ]);
    const file = await download.path();
    const lines = readFileSync(file, 'utf8').split('\r\n').filter((l) => l);
    assert.equal(lines[0], 'first_name,last_name,email,created_at,status,language,organization,role');
    const expect = [
      [manager, 'manager'],
      [sponsor, 'user'],
      [steward, 'user'],
      [confirmed, 'manager'],
      [guest, 'user'],
      [{ email: newcomer }, 'contributor'],
    ];
    assert.equal(lines.length, 1 + expect.length, lines.join('\n'));
    for (const [who, role] of expect) {
      const line = lines.find((l) => l.includes(who.email));
      assert.ok(line, `a line for ${who.email}`);
      assert.ok(line.endsWith(`,active,en,${orgName},${role}`), line);
    }
    assert.deepEqual(pageErrors, [], 'no uncaught error in any page');
  });
});
