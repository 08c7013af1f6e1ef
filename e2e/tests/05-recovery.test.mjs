// Scenario 5 (issue 14): getting back into an account. A person who forgot
// their password asks for a link on the sign-in page, opens it from the
// e-mail, chooses a new password twice and signs in with it; the link
// works once. On a person's page, the admin sends a new activation link
// (the old one stops working) and corrects the person's name.
//
// The accounts (random e-mails) are set up through the API; everything the
// story is about happens in the browser.

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import {
  ADMIN_EMAIL,
  activationToken,
  adminPassword,
  adminToken,
  api,
  apiOk,
  expectPath,
  hasText,
  launch,
  linkToken,
  newPassword,
  open,
  person,
  settledAccount,
  shot,
  signIn,
  stepper,
  suffix,
  visible,
} from './helpers.mjs';

const sfx = suffix();
const RESET = '/reset-password?token=';

describe('account recovery: forgot password, new activation link, corrections', () => {
  const step = stepper();
  let browser;
  let token;
  let forgetful;
  let late;
  let resetToken;

  before(async () => {
    browser = await launch();
    token = await adminToken();
    forgetful = await settledAccount(token, {
      email: `s5.forgetful.${sfx}@inserm.fr`,
      first: 'Fanny',
      last: `Forgetful-${sfx}`,
      profile: 'expert',
    });
    const created = await apiOk('POST', '/users', {
      token,
      body: { first_name: 'Lucas', last_name: `Late-${sfx}`, email: `s5.late.${sfx}@inserm.fr`, profile: 'expert' },
    });
    late = { id: created.user.id, email: created.user.email, initial: created.initial_password };
  });
  after(async () => {
    await browser?.close();
  });

  step('the sign-in page leads to "Forgot your password?", which sends a link', async () => {
    const { page } = await person(browser, 'forgetful');
    await open(page, '/signin');
    await page.getByRole('link', { name: 'Forgot your password?', exact: true }).click();
    await expectPath(page, '/forgot-password');
    await visible(page.getByRole('heading', { name: 'Forgotten password', level: 1 }));
    await page.getByLabel('E-mail', { exact: true }).fill(forgetful.email);
    await shot(page, '50-forgot-password');
    await page.getByRole('button', { name: 'Send the link', exact: true }).click();
    await hasText(page.locator('#reset-sent'), /If an account has this address/);
    await shot(page, '51-forgot-password-sent');
    // An unknown address gets the very same answer.
    const unknown = await api('POST', '/auth/password-reset', { body: { email: `s5.nobody.${sfx}@inserm.fr` } });
    assert.equal(unknown.status, 202);
    assert.equal(unknown.body, null);
    await page.close();
  });

  step('the e-mailed link asks for the new password twice, then the person signs in', async () => {
    resetToken = await linkToken(forgetful.email, RESET);
    const { page } = await person(browser, 'forgetful-2');
    await open(page, `${RESET}${encodeURIComponent(resetToken)}`);
    await visible(page.getByRole('heading', { name: 'Choose a new password', level: 1 }));
    const chosen = newPassword('reset');
    await page.getByLabel('New password', { exact: true }).fill(chosen);
    await page.getByLabel('New password again', { exact: true }).fill(`${chosen}-typo`);
    await page.getByRole('button', { name: 'Set the new password', exact: true }).click();
    await visible(page.getByText('The two new passwords differ.'));
    await page.getByLabel('New password again', { exact: true }).fill(chosen);
    await shot(page, '52-reset-password');
    await page.getByRole('button', { name: 'Set the new password', exact: true }).click();
    await hasText(page.locator('#reset-done'), /Your password is changed/);
    await shot(page, '53-reset-password-done');
    await page.getByRole('link', { name: 'Go to sign in', exact: true }).click();
    await expectPath(page, '/signin');
    await signIn(page, forgetful.email, chosen);
    await expectPath(page, '/');
    await visible(page.getByRole('heading', { name: 'Home', level: 1 }));
    // The old password is gone, and so is the old session.
    assert.equal((await api('POST', '/auth/login', { body: { email: forgetful.email, password: forgetful.password } })).status, 401);
    assert.equal((await api('GET', '/me', { token: forgetful.token })).status, 401);
    forgetful.password = chosen;
    await page.close();
  });

  step('the link works once', async () => {
    const { page } = await person(browser, 'forgetful-3');
    await open(page, `${RESET}${encodeURIComponent(resetToken)}`);
    const again = newPassword('again');
    await page.getByLabel('New password', { exact: true }).fill(again);
    await page.getByLabel('New password again', { exact: true }).fill(again);
    await page.getByRole('button', { name: 'Set the new password', exact: true }).click();
    await visible(page.getByText('This link has already been used.'));
    await visible(page.getByRole('link', { name: 'Ask for a new link', exact: true }));
    await shot(page, '54-reset-link-used');
    await page.close();
  });

  step('the admin sends a new activation link and corrects a name on the person page', async () => {
    const old = await activationToken(late.email);
    // Not activated yet: signing in says what to do.
    const refused = await api('POST', '/auth/login', { body: { email: late.email, password: late.initial } });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.type, 'activation_required');

    const { page } = await person(browser, 'admin-recovery');
    await signIn(page, ADMIN_EMAIL, adminPassword());
    await expectPath(page, '/');
    await open(page, `/people/${late.id}`);
    await visible(page.getByRole('heading', { name: `Lucas Late-${sfx}`, level: 1 }));
    await page.getByRole('button', { name: 'Send a new activation link', exact: true }).click();
    await hasText(page.locator('#activation-sent'), /A new activation link was sent/);
    await shot(page, '55-activation-sent-again');

    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel('First name', { exact: true }).fill('Luca');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByRole('heading', { name: `Luca Late-${sfx}`, level: 1 }));
    await shot(page, '56-identity-corrected');

    // The old link no longer works; the new one does.
    const fresh = await linkToken(late.email, '/activate?token=', { not: old });
    assert.equal((await api('POST', '/auth/activate', { body: { token: old } })).status, 404);
    const { page: lp } = await person(browser, 'late');
    await open(lp, `/activate?token=${encodeURIComponent(fresh)}`);
    await visible(lp.getByRole('status').filter({ hasText: 'Your account is activated.' }));
    await signIn(lp, late.email, late.initial);
    await expectPath(lp, '/password');
    await page.close();
    await lp.close();
  });
});
