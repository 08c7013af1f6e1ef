// Scenario 6 (issue 14): the SPA at institute scale. An expert supervises
// 150 accounts; the people picker finds the 140th by typing a prefix (no
// first-100 cap) and chooses it with the keyboard as a novice's secondment
// host; a host in another team is named by exact e-mail address; a project
// is requested with sponsor and data steward picked among the members,
// then edited and deleted; the organisation is renamed.
//
// The accounts are set up through the API (fast); everything the story is
// about happens in the browser.

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import {
  adminToken,
  apiOk,
  eventually,
  expectLabelledFields,
  expectPath,
  hasText,
  launch,
  nav,
  open,
  pageErrors,
  pick,
  settledAccount,
  signedIn,
  shot,
  stepper,
  suffix,
  visible,
} from './helpers.mjs';

const sfx = suffix();
const COUNT = 150;
const pad = (i) => String(i).padStart(3, '0');
/** The e-mail address of the i-th of the 150 accounts (1-based). */
const nth = (i) => `s6.p${pad(i)}.${sfx}@inserm.fr`;

/** A date `days` from today, as `<input type=date>` wants it. */
function day(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

describe('people pickers at institute scale', () => {
  const step = stepper();
  let browser;
  let expert;
  let novice;
  let outsider;
  let orgId;
  let page;
  const orgName = `Picker Lab ${sfx}`;
  const renamed = `Picker Institute ${sfx}`;
  const projectName = `Census ${sfx}`;

  before(async () => {
    browser = await launch();
    const admin = await adminToken();
    const { charter_version: v } = await apiOk('GET', '/policy');
    expert = await settledAccount(admin, {
      email: `s6.expert.${sfx}@inserm.fr`,
      first: 'Erin',
      last: `Expert-${sfx}`,
      profile: 'expert',
      charterVersion: v,
    });
    // 150 confirmed scientists under the expert, ten requests at a time;
    // the 140th signs in once, so that it is active (a possible host).
    for (let start = 1; start <= COUNT; start += 10) {
      const batch = [];
      for (let i = start; i < start + 10 && i <= COUNT; i += 1) {
        const body = { first_name: 'Pat', last_name: `P${pad(i)}-${sfx}`, email: nth(i), profile: 'confirmed' };
        batch.push(
          i === 140
            ? settledAccount(expert.token, { email: nth(i), first: 'Pat', last: `P${pad(i)}-${sfx}`, profile: 'confirmed' })
            : apiOk('POST', '/users', { token: expert.token, body }),
        );
      }
      await Promise.all(batch);
    }
    // `q` is a prefix of a name or an e-mail address.
    const seen = await apiOk('GET', `/users?q=${encodeURIComponent('s6.p')}&limit=200`, { token: expert.token });
    assert.ok(seen.items.length >= COUNT, `${seen.items.length} accounts listed`);
    // A confirmed of the expert's line supervises a novice (to be seconded).
    const lead = await settledAccount(expert.token, {
      email: `s6.lead.${sfx}@inserm.fr`,
      first: 'Lou',
      last: `Lead-${sfx}`,
      profile: 'confirmed',
      charterVersion: v,
    });
    novice = await settledAccount(lead.token, {
      email: `s6.novice.${sfx}@inserm.fr`,
      first: 'Noa',
      last: `Novice-${sfx}`,
      profile: 'novice',
      charterVersion: v,
    });
    // Another team: an expert and a confirmed the first expert cannot list.
    const other = await settledAccount(admin, {
      email: `s6.other.${sfx}@inserm.fr`,
      first: 'Oren',
      last: `Other-${sfx}`,
      profile: 'expert',
    });
    outsider = await settledAccount(other.token, {
      email: `s6.outsider.${sfx}@inserm.fr`,
      first: 'Ola',
      last: `Outsider-${sfx}`,
      profile: 'confirmed',
    });
    const hidden = await apiOk('GET', `/users?q=${encodeURIComponent('s6.outsider')}`, { token: expert.token });
    assert.deepEqual(hidden.items, [], 'the outsider is not among the accounts the expert may list');
    // An organisation the expert manages, with two of the 150 as members.
    const org = await apiOk('POST', '/organizations', { token: admin, body: { name: orgName } });
    orgId = org.id;
    await apiOk('POST', `/organizations/${orgId}/invitations`, {
      token: admin,
      body: { emails: [expert.email], role: 'manager' },
    });
    await apiOk('POST', `/organizations/${orgId}/invitations`, {
      token: admin,
      body: { emails: [nth(140), other.email], role: 'user' },
    });
  });
  after(async () => {
    await browser?.close();
  });

  step('the picker finds the 140th of 150 accounts by a typed prefix, chosen with the keyboard', async () => {
    page = await signedIn(browser, expert, 'expert');
    await open(page, `/people/${novice.id}`);
    const host = page.getByRole('combobox', { name: 'Host supervisor', exact: true });
    await visible(host);
    await expectLabelledFields(page);
    // Ten matches at most: p140 … p149.
    await host.pressSequentially(`s6.p14`, { delay: 20 });
    const options = page.locator('#host-list [role=option]');
    await eventually(async () => assert.equal(await options.count(), 10), { message: 'ten matches' });
    await hasText(page.locator('#host-list'), new RegExp(`P140-${sfx}`));
    assert.equal(await host.getAttribute('aria-expanded'), 'true');
    await shot(page, '61-picker-matches');
    // Arrow down to the 140th, then Enter.
    let found = false;
    for (let i = 0; i < 10 && !found; i += 1) {
      await host.press('ArrowDown');
      await eventually(async () => assert.equal(await host.getAttribute('aria-activedescendant'), `host-option-${i}`), {
        message: `option ${i} active`,
      });
      const text = await page.locator(`#host-option-${i}`).textContent();
      found = text.includes(nth(140));
    }
    assert.ok(found, 'the 140th is among the matches');
    await host.press('Enter');
    await eventually(async () => assert.equal(await host.inputValue(), `Pat P140-${sfx} <${nth(140)}>`));
    assert.equal(await host.getAttribute('aria-expanded'), 'false');
    await page.getByLabel('Starts', { exact: true }).fill(day(1));
    await page.getByLabel('Ends', { exact: true }).fill(day(5));
    await page.getByRole('button', { name: 'Second', exact: true }).click();
    await hasText(page.locator('#secondments'), new RegExp(`Pat P140-${sfx}`));
    await shot(page, '62-secondment-host-picked');
  });

  step('a host in another team is named by exact e-mail address', async () => {
    const host = page.getByRole('combobox', { name: 'Host supervisor', exact: true });
    await host.fill(outsider.email.toUpperCase());
    await hasText(page.locator('#host-status'), /this address will be used as typed/);
    await page.getByLabel('Starts', { exact: true }).fill(day(10));
    await page.getByLabel('Ends', { exact: true }).fill(day(15));
    await page.getByRole('button', { name: 'Second', exact: true }).click();
    await eventually(async () => assert.equal(await page.locator('#secondments tbody tr').count(), 2), {
      message: 'two secondments',
    });
    const listed = await apiOk('GET', `/users/${novice.id}/secondments`, { token: expert.token });
    assert.ok(listed.items.some((s) => s.host_supervisor_id === outsider.id), JSON.stringify(listed));
  });

  step('sponsor and data steward are picked among the members; the project is edited, then deleted', async () => {
    await nav(page).getByRole('link', { name: 'Projects', exact: true }).click();
    await expectPath(page, '/projects');
    await page.getByLabel('Organisation', { exact: true }).selectOption({ label: orgName });
    await page.getByLabel('Name', { exact: true }).fill(projectName);
    await page.getByLabel('Research domain', { exact: true }).selectOption({ index: 1 });
    await pick(page, 'Sponsor', `P140-${sfx}`, nth(140));
    await pick(page, 'Data steward', 'Oren', `s6.other.${sfx}@inserm.fr`);
    await shot(page, '63-project-members-picked');
    await page.getByRole('button', { name: 'Request the project' }).click();
    const row = page.locator('#projects tr', { hasText: projectName });
    await visible(row);
    await row.getByRole('link', { name: projectName }).click();
    await hasText(page.locator('#project-state'), /^pending$/);
    await page.getByRole('button', { name: 'Edit the project', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill(`${projectName} (edited)`);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByRole('heading', { name: `${projectName} (edited)`, level: 1 }));
    await shot(page, '64-project-edited');
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Delete the project', exact: true }).click();
    await expectPath(page, '/projects');
    await eventually(async () => assert.equal(await page.locator('#projects tr', { hasText: projectName }).count(), 0), {
      message: 'the project is gone',
    });
  });

  step('the manager renames the organisation', async () => {
    await open(page, `/organizations/${orgId}`);
    await page.getByRole('button', { name: 'Rename the organisation', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill(renamed);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByRole('heading', { name: renamed, level: 1 }));
    await shot(page, '65-organisation-renamed');
  });

  step('the grouped navigation stays on one line at 1024 px and fits a phone', async () => {
    for (const [width, height] of [[1024, 768], [375, 740]]) {
      await page.setViewportSize({ width, height });
      await open(page, '/');
      const box = await nav(page).boundingBox();
      assert.ok(box, 'the navigation is shown');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling at ${width} px (${overflow} px too wide)`);
      if (width === 1024) {
        const tops = await nav(page)
          .getByRole('link')
          .evaluateAll((links) => links.map((a) => a.getBoundingClientRect().top));
        assert.ok(Math.max(...tops) - Math.min(...tops) < 4, `links on one line at 1024 px (tops ${tops})`);
      }
      await shot(page, `66-navigation-${width}`);
    }
    // The longer French labels, and Japanese, fit on one line too.
    await page.setViewportSize({ width: 1024, height: 768 });
    for (const [lang, home] of [['fr', 'Accueil'], ['ja', 'ホーム'], ['en', 'Home']]) {
      await page.locator('#language-picker').selectOption(lang);
      await visible(page.locator('nav.main-nav').getByRole('link', { name: home, exact: true }));
      const tops = await page
        .locator('nav.main-nav')
        .getByRole('link')
        .evaluateAll((links) => links.map((a) => a.getBoundingClientRect().top));
      assert.ok(Math.max(...tops) - Math.min(...tops) < 4, `${lang}: links on one line at 1024 px (tops ${tops})`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${lang}: no sideways scrolling at 1024 px`);
      if (lang !== 'en') await shot(page, `67-navigation-1024-${lang}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    assert.deepEqual(pageErrors, [], 'no uncaught error in any page');
  });
});
