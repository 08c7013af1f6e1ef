// Scenario 2: sign-in errors, a blocked person thrown out, keyboard-only
// sign-in, labelled form fields and page titles. Independent of scenario 1:
// its accounts (random e-mails) are created through the API by the admin,
// whose current password comes from the state file (see helpers.mjs).

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import {
  ADMIN_EMAIL,
  adminPassword,
  adminToken,
  api,
  apiOk,
  changePassword,
  createAccount,
  eventually,
  expectLabelledFields,
  expectPath,
  expectTitle,
  hasText,
  hidden,
  launch,
  login,
  nav,
  newPassword,
  open,
  pageErrors,
  person,
  shot,
  signIn,
  stepper,
  suffix,
  visible,
  activate,
} from './helpers.mjs';

const sfx = suffix();
const KEYS = { first: 'Kim', last: `Keyboard-${sfx}`, email: `s2.keys.${sfx}@inserm.fr` };
const BLOCKED = { first: 'Bao', last: `Blocked-${sfx}`, email: `s2.blocked.${sfx}@inserm.fr` };

async function createExpert(token, who) {
  const created = await apiOk('POST', '/users', {
    token,
    body: { first_name: who.first, last_name: who.last, email: who.email, profile: 'expert' },
  });
  assert.ok(created.initial_password, 'the API returns the initial password');
  // The e-mailed activation link is opened: a `created` account signs in only after that.
  await activate(who.email);
  return { ...who, id: created.user.id, initial: created.initial_password };
}

describe('access control and accessibility', () => {
  const step = stepper();
  let browser;
  let keys;
  let blocked;

  before(async () => {
    browser = await launch();
    const token = await adminToken();
    keys = await createExpert(token, KEYS);
    blocked = await createExpert(token, BLOCKED);
  });
  after(async () => {
    await browser?.close();
  });

  step('a wrong password shows an error, stays on /signin and changes nothing', async () => {
    const { page, context } = await person(browser, 'wrong-password');
    await open(page, '/signin');
    await expectLabelledFields(page);
    await signIn(page, keys.email, 'not-the-right-password');

    const alert = page.getByRole('alert');
    await hasText(alert, /^Wrong e-mail or password\.$/);
    await expectPath(page, '/signin');
    await visible(page.getByRole('button', { name: 'Sign in', exact: true }));
    await hidden(nav(page).getByRole('button', { name: 'Sign out' }));
    await shot(page, '21-signin-wrong-password');

    // Nothing changed: the right password still works, and the initial
    // password still has to be replaced.
    await page.getByLabel('Password', { exact: true }).fill(keys.initial);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expectPath(page, '/password');
    await hidden(page.getByRole('alert'));
    await context.close();
  });

  step('keyboard only: sign in (Tab, Enter), change the password', async () => {
    const { page } = await person(browser, 'keyboard');
    await open(page, '/signin');
    await visible(page.getByRole('heading', { name: 'Sign in', level: 1 }));

    // The first Tab stop is the skip link.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Skip to content');

    await page.getByLabel('E-mail', { exact: true }).focus();
    await page.keyboard.type(keys.email);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'password', 'Tab goes to the password');
    await page.keyboard.type(keys.initial);
    await page.keyboard.press('Enter');

    await expectPath(page, '/password');
    await visible(page.getByRole('heading', { name: 'Change your password', level: 1 }));
    await expectLabelledFields(page);

    // The password form by keyboard too.
    keys.password = newPassword('keys');
    await page.getByLabel('Current password', { exact: true }).focus();
    await page.keyboard.type(keys.initial);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'new_password');
    await page.keyboard.type(keys.password);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'confirm_password');
    await page.keyboard.type(keys.password);
    await shot(page, '22-password-change-keyboard');
    await page.keyboard.press('Enter');
    await expectPath(page, '/');
    await hasText(page.locator('#me-profile'), /^Expert scientist$/);
    await shot(page, '23-home-keyboard-expert');
    keys.page = page;
  });

  step('the create-account and account pages have labelled fields; an API token is shown once', async () => {
    const page = keys.page;
    await nav(page).getByRole('link', { name: 'People', exact: true }).click();
    await expectPath(page, '/people');
    await expectLabelledFields(page);
    await page.getByRole('link', { name: 'Create an account', exact: true }).click();
    const initial = await createAccount(
      page,
      { first: 'Lou', last: `Labelled-${sfx}`, email: `s2.labels.${sfx}@inserm.fr`, profile: 'Novice scientist' },
      { formShot: '24-create-account-form-expert', createdShot: '25-account-created-novice', check: expectLabelledFields },
    );
    assert.ok(initial);

    await nav(page).getByRole('link', { name: 'My account', exact: true }).click();
    await expectPath(page, '/account');
    await visible(page.getByRole('heading', { name: 'My account', level: 1 }));
    await visible(page.getByRole('heading', { name: 'API tokens', level: 2 }));
    await expectLabelledFields(page);
    await shot(page, '26-account');

    await page.getByLabel('Name', { exact: true }).fill('e2e script');
    await page.getByLabel('Scope', { exact: true }).selectOption({ label: 'read only' });
    await page.getByRole('button', { name: 'Create token', exact: true }).click();
    await visible(page.getByRole('status').filter({ hasText: 'it will not be shown again' }));
    await hasText(page.locator('#new-token'), /\S{20,}/);
    await visible(page.getByRole('table').getByRole('row').filter({ hasText: 'e2e script' }));
    await visible(page.getByRole('button', { name: 'Revoke e2e script' }));
    await shot(page, '27-account-token-created');
  });

  step('a blocked person is sent back to sign-in on the next action', async () => {
    // The expert settles in.
    const expert = await person(browser, 'blocked-expert');
    await signIn(expert.page, blocked.email, blocked.initial);
    blocked.password = newPassword('blocked');
    await changePassword(expert.page, blocked.initial, blocked.password);

    // The admin blocks the account from its page.
    const admin = await person(browser, 'admin-2');
    await signIn(admin.page, ADMIN_EMAIL, adminPassword());
    await expectPath(admin.page, '/');
    await nav(admin.page).getByRole('link', { name: 'People', exact: true }).click();
    await expectPath(admin.page, '/people');
    await admin.page.getByLabel('Search by name or e-mail', { exact: true }).fill(blocked.email);
    await admin.page.getByRole('button', { name: 'Search', exact: true }).click();
    const link = admin.page.locator('#people tbody').getByRole('link', { name: `${blocked.first} ${blocked.last}` });
    await visible(link);
    await eventually(async () => assert.equal(await admin.page.locator('#people tbody tr').count(), 1), {
      message: 'the search finds one person',
    });
    await shot(admin.page, '28-people-search-admin');
    await link.click();
    await expectPath(admin.page, `/people/${blocked.id}`);
    await hasText(admin.page.locator('#person-state'), /^active$/);
    await admin.page.getByRole('button', { name: 'Block this account', exact: true }).click();
    await hasText(admin.page.locator('#person-state'), /^blocked$/);
    await visible(admin.page.getByRole('button', { name: 'Unblock this account', exact: true }));
    await shot(admin.page, '29-person-blocked');

    // The expert's next action ends the session.
    await nav(expert.page).getByRole('link', { name: 'People', exact: true }).click();
    await expectPath(expert.page, '/signin');
    await visible(expert.page.getByRole('heading', { name: 'Sign in', level: 1 }));
    await hidden(nav(expert.page).getByRole('button', { name: 'Sign out' }));

    // And signing in again is refused with a clear message.
    await signIn(expert.page, blocked.email, blocked.password);
    await hasText(expert.page.getByRole('alert'), /^This account is blocked\. Contact an administrator\.$/);
    await expectPath(expert.page, '/signin');
    await shot(expert.page, '30-signin-blocked');

    // The API agrees: the account may not sign in any more.
    const r = await api('POST', '/auth/login', { body: { email: blocked.email, password: blocked.password } });
    assert.equal(r.status, 403);
    assert.equal(r.body?.type?.split('/').pop(), 'account_blocked');
    // The admin, meanwhile, is still signed in.
    assert.ok((await login(ADMIN_EMAIL, adminPassword())).access_token);
  });

  step('public pages have titles: policy, not found', async () => {
    const { page } = await person(browser, 'visitor');
    await open(page, '/policy');
    await visible(page.getByRole('heading', { name: 'Policy', level: 1 }));
    await visible(page.getByRole('table', { name: 'Account creation (rows create columns)' }));
    await expectTitle(page);
    assert.equal(await page.title(), 'Policy · Habilis');
    await shot(page, '31-policy');

    await open(page, '/no-such-page');
    await visible(page.getByRole('heading', { name: 'Page not found', level: 1 }));
    assert.equal(await page.title(), 'Page not found · Habilis');
    await shot(page, '32-not-found');
  });

  step('no uncaught error in any page', async () => {
    assert.deepEqual(pageErrors, []);
  });
});
