// Scenario 10 (issue 18): the support desk and the knowledge base.
//
// A scientist opens Help, writes a new ticket and, while typing, sees the
// knowledge base suggest an article (published through the API first);
// the request for suggestions waits for the typing to pause. The local
// desk's agent (assigned through the API) finds the ticket in the desk
// queue, writes an internal note and escalates it to the group desk in the
// browser; the group desk's agent resolves it and drafts an article from
// it (names and e-mail addresses left out); the requester reads the
// answer, never sees the internal note, and closes the ticket. On the
// way the requester attaches a log file and names a colleague, who
// follows the ticket; the local agent downloads the file. Anyone,
// signed in or not, searches the knowledge base and sees the words found
// highlighted, as text.
//
// The organisation, the accounts, the desks' agents and the published
// article are set up through the API; the story happens in the browser.

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import {
  ADMIN_EMAIL,
  adminPassword,
  adminToken,
  apiOk,
  eventually,
  expectLabelledFields,
  expectPath,
  hasText,
  hidden,
  launch,
  open,
  pageErrors,
  person,
  settledAccount,
  shot,
  signedIn,
  stepper,
  suffix,
  visible,
} from './helpers.mjs';

const sfx = suffix();
/** A word of the article's title and of the ticket's subject, found by suggestions and search. */
const WORD = `vpncert${sfx}`;
const SUBJECT = `The VPN says my ${WORD} expired`;
const NOTE = `Internal: the certificate authority is down (${sfx}).`;
const REASON = 'Only the group desk renews certificates.';
const RESOLUTION = `Renewed the ${WORD}; it is valid for a year.`;
const LOG = `vpn-${sfx}.log`;
const LOG_TEXT = `error 809 at 09:14 (${sfx})`;

let world;
async function setUp() {
  if (world) return world;
  const admin = await adminToken();
  const { charter_version: charterVersion } = await apiOk('GET', '/policy');
  const account = (first, last, profile, creator = admin) =>
    settledAccount(creator, {
      email: `s10.${last.toLowerCase()}.${sfx}@inserm.fr`,
      first,
      last: `${last}-${sfx}`,
      profile,
      charterVersion,
    });
  const manager = await account('Mona', 'Manager', 'expert');
  const groupAgent = await account('Gus', 'Groupdesk', 'expert');
  // Confirmed scientists are created by an expert (the creation matrix).
  const scientist = await account('Sara', 'Scientist', 'confirmed', manager.token);
  const localAgent = await account('Leo', 'Localdesk', 'confirmed', manager.token);
  const org = await apiOk('POST', '/organizations', { token: admin, body: { name: `Support lab ${sfx}` } });
  await apiOk('POST', `/organizations/${org.id}/invitations`, {
    token: admin,
    body: { emails: [manager.email], role: 'manager' },
  });
  await apiOk('POST', `/organizations/${org.id}/invitations`, {
    token: admin,
    body: { emails: [scientist.email, localAgent.email], role: 'user' },
  });
  const desks = await apiOk('GET', '/desks?limit=200', { token: admin });
  const local = desks.items.find((d) => d.org_id === org.id);
  const group = desks.items.find((d) => d.kind === 'group');
  assert.ok(local && group, 'the organisation has its local desk; the group desk exists');
  await apiOk('POST', `/desks/${local.id}/agents`, { token: manager.token, body: { account_id: localAgent.id } });
  await apiOk('POST', `/desks/${group.id}/agents`, { token: admin, body: { account_id: groupAgent.id } });
  const article = await apiOk('POST', '/kb/articles', {
    token: admin,
    body: {
      title: `Renewing an expired ${WORD}`,
      body: `When the VPN says the ${WORD} expired, ask your desk: it is renewed in a day.\n\nA <script>alert(1)</script> stays text.`,
      state: 'published',
    },
  });
  world = { admin, manager, groupAgent, scientist, localAgent, local, group, article };
  return world;
}

describe('support: a ticket with a knowledge-base suggestion, escalated, resolved and read', () => {
  const step = stepper();
  let browser;
  let w;
  let scientist;
  let ticketId;
  /** GET /kb/suggest requests the new-ticket page sent. */
  const suggests = [];

  before(async () => {
    browser = await launch();
    w = await setUp();
  });

  after(async () => {
    await browser?.close();
  });

  step('Help lists my tickets; the new-ticket form suggests an article while I type, once typing pauses', async () => {
    scientist = await signedIn(browser, w.scientist, 'scientist');
    scientist.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/kb/suggest') suggests.push(r.url());
    });
    await scientist.getByRole('navigation', { name: 'Help and knowledge base' }).getByRole('link', { name: 'Help', exact: true }).click();
    await expectPath(scientist, '/help');
    await visible(scientist.getByRole('heading', { name: 'Help', level: 1 }));
    await visible(scientist.locator('#no-tickets'));
    await scientist.getByRole('main').getByRole('link', { name: 'New ticket' }).first().click();
    await expectPath(scientist, '/help/new');
    await visible(scientist.getByRole('heading', { name: 'New ticket', level: 1 }));
    await expectLabelledFields(scientist);
    assert.equal(await scientist.getByLabel('Type', { exact: true }).inputValue(), 'incident');
    await scientist.getByLabel('Category', { exact: true }).fill('vpn');
    const subject = scientist.getByLabel('Subject', { exact: true });
    await subject.click();
    // Typed key by key: one request once typing pauses, not one per key.
    await subject.pressSequentially(SUBJECT, { delay: 25 });
    const suggestion = scientist.locator(`#kb-suggestions li[data-article="${w.article.id}"]`);
    await visible(suggestion);
    await hasText(suggestion, new RegExp(`Renewing an expired ${WORD}`));
    assert.ok(
      suggests.length < SUBJECT.length / 4,
      `suggestions asked for once typing paused (${suggests.length} requests for ${SUBJECT.length} keys)`,
    );
    await scientist
      .getByLabel('Describe the problem or what you need', { exact: true })
      .fill('Since this morning the VPN refuses me. Write to sara@example.org if needed.');
    await shot(scientist, '101-new-ticket-suggestion');
    await scientist.getByRole('button', { name: 'Open the ticket', exact: true }).click();
    await eventually(() => assert.match(new URL(scientist.url()).pathname, /^\/help\/tickets\/[^/]+$/), {
      message: 'on the ticket page',
    });
    ticketId = new URL(scientist.url()).pathname.split('/').pop();
    await visible(scientist.getByRole('heading', { name: SUBJECT, level: 1 }));
    await hasText(scientist.locator('#ticket-state'), /^New$/);
    await visible(scientist.locator('#ticket-history li[data-kind="created"]'));
    await hidden(scientist.locator('#agent-panel'));
    await hidden(scientist.locator('#comment-internal'));
    await shot(scientist, '102-ticket-opened');
  });

  step('the requester attaches a log file and names a colleague of the organisation, who now follows the ticket', async () => {
    await visible(scientist.locator('#ticket-files'));
    await hidden(scientist.locator('#ticket-file-internal'));
    await scientist.getByLabel('A file to attach', { exact: true }).setInputFiles({
      name: LOG,
      mimeType: 'text/plain',
      buffer: Buffer.from(LOG_TEXT),
    });
    await scientist.getByRole('button', { name: 'Attach', exact: true }).click();
    await visible(scientist.locator(`#ticket-files li[data-name="${LOG}"]`));
    await visible(scientist.locator('#ticket-history li[data-kind="attachment"]', { hasText: LOG }));
    const pick = scientist.getByRole('combobox', { name: 'Add a colleague', exact: true });
    await pick.pressSequentially('Manager', { delay: 20 });
    const option = scientist.locator('#participant-pick-list [role=option]', { hasText: `Manager-${sfx}` });
    await visible(option);
    await option.click();
    await scientist.getByRole('button', { name: 'Add', exact: true }).click();
    await visible(scientist.locator(`#ticket-participants li[data-account="${w.manager.id}"]`));
    await visible(scientist.locator('#ticket-history li[data-kind="participant_added"]', { hasText: `Manager-${sfx}` }));
    await shot(scientist, '102b-file-and-participant');
    // The colleague reads the ticket from their own list.
    const followed = await apiOk('GET', `/tickets/${ticketId}`, { token: w.manager.token });
    assert.equal(followed.ticket.id, ticketId);
  });

  step('the local agent, assigned through the API, writes an internal note and escalates to the group desk', async () => {
    await apiOk('POST', `/tickets/${ticketId}/assign`, {
      token: w.localAgent.token,
      body: { agent_id: w.localAgent.id },
    });
    const agent = await signedIn(browser, w.localAgent, 'local-agent');
    await agent.getByRole('navigation', { name: 'Help and knowledge base' }).getByRole('link', { name: 'Help', exact: true }).click();
    await agent.getByRole('navigation', { name: 'Help sections' }).getByRole('link', { name: 'Desk queue' }).click();
    await expectPath(agent, '/help/desk');
    const row = agent.locator(`#tickets tr[data-ticket="${ticketId}"]`);
    await visible(row);
    await hasText(row.locator('td.state'), /^Open$/);
    await shot(agent, '103-desk-queue');
    await row.getByRole('link', { name: SUBJECT }).click();
    await expectPath(agent, `/help/tickets/${ticketId}`);
    await visible(agent.locator('#agent-panel'));
    await expectLabelledFields(agent);
    // The requester's file, saved with its name and bytes.
    const [download] = await Promise.all([
      agent.waitForEvent('download'),
      agent.locator(`#ticket-files li[data-name="${LOG}"] button`).click(),
    ]);
    assert.equal(download.suggestedFilename(), LOG);
    const { readFile } = await import('node:fs/promises');
    assert.equal(await readFile(await download.path(), 'utf8'), LOG_TEXT);
    await agent.getByLabel('Your message', { exact: true }).fill(NOTE);
    await agent.getByLabel('Internal note (agents only, never e-mailed)', { exact: true }).check();
    await agent.getByRole('button', { name: 'Add the note', exact: true }).click();
    const note = agent.locator('#ticket-history li.internal');
    await visible(note);
    await hasText(note, /Internal note/);
    await hasText(note.locator('.event-body'), new RegExp(sfx));
    await agent.getByLabel('Reason', { exact: true }).fill(REASON);
    await agent.getByRole('button', { name: 'Escalate to the group desk', exact: true }).click();
    await hasText(agent.locator('#ticket-desk'), /^Group desk$/);
    await visible(agent.locator('#ticket-history li[data-kind="escalate"]'));
    await hidden(agent.locator('#escalate-form'));
    await shot(agent, '104-escalated');
    await agent.context().close();
  });

  step('the group agent resolves it and drafts an article from it, without names or addresses', async () => {
    const agent = await signedIn(browser, w.groupAgent, 'group-agent');
    await open(agent, '/help/desk');
    const row = agent.locator(`#tickets tr[data-ticket="${ticketId}"]`);
    await visible(row);
    await row.getByRole('link', { name: SUBJECT }).click();
    await expectPath(agent, `/help/tickets/${ticketId}`);
    // Agents of the ticket's desks read its internal notes.
    await visible(agent.locator('#ticket-history li.internal'));
    await agent.getByRole('button', { name: 'Assign to me', exact: true }).click();
    await hasText(agent.locator('#ticket-assignee'), /^me$/);
    await agent.getByLabel('Resolution', { exact: true }).fill(RESOLUTION);
    await agent.getByRole('button', { name: 'Resolve', exact: true }).click();
    await hasText(agent.locator('#ticket-state'), /^Resolved$/);
    await visible(agent.locator('#ticket-resolution', { hasText: RESOLUTION }));
    await shot(agent, '105-resolved');
    await agent.getByRole('button', { name: 'Write an article from this ticket', exact: true }).click();
    await eventually(() => assert.match(new URL(agent.url()).pathname, /^\/kb\/[^/]+\/edit$/), {
      message: 'on the article editor',
    });
    await visible(agent.locator('#kb-from-ticket'));
    const title = agent.getByLabel('Title', { exact: true });
    await eventually(async () => assert.equal(await title.inputValue(), SUBJECT));
    const body = await agent.getByLabel('Text (Markdown)', { exact: true }).inputValue();
    assert.match(body, /## Question/);
    assert.ok(body.includes(RESOLUTION), body);
    assert.ok(body.includes('[e-mail]') && !body.includes('sara@example.org'), `no address left: ${body}`);
    assert.ok(!body.includes(NOTE), 'internal notes stay out of the article');
    assert.equal(await agent.getByLabel('Published (readable by everyone)', { exact: true }).isChecked(), false);
    await shot(agent, '106-article-draft');
    await agent.context().close();
  });

  step('the requester reads the answer, never the internal note, and closes the ticket', async () => {
    await scientist.reload();
    await visible(scientist.getByRole('heading', { name: SUBJECT, level: 1 }));
    await hasText(scientist.locator('#ticket-state'), /^Resolved$/);
    await visible(scientist.locator('#ticket-resolution', { hasText: WORD }));
    await visible(scientist.locator('#ticket-history li[data-kind="escalate"]', { hasText: REASON }));
    const text = (await scientist.locator('main').textContent()) || '';
    assert.ok(!text.includes(NOTE) && !text.includes('Internal note'), 'no internal note for the requester');
    await hidden(scientist.locator('#agent-panel'));
    await shot(scientist, '107-requester-reads-the-answer');
    await scientist.getByRole('button', { name: 'Close: it is solved', exact: true }).click();
    await hasText(scientist.locator('#ticket-state'), /^Closed$/);
    await hidden(scientist.locator('#comment-form'));
    await scientist.getByRole('link', { name: 'Back to the tickets' }).click();
    await expectPath(scientist, '/help');
    const row = scientist.locator(`#tickets tr[data-ticket="${ticketId}"]`);
    await visible(row);
    await hasText(row.locator('td.state'), /^Closed$/);
    await scientist.getByLabel('State', { exact: true }).selectOption({ label: 'Open' });
    await hidden(row);
  });

  step('anyone searches the knowledge base: the words found are highlighted, the article shows as text', async () => {
    const { page } = await person(browser, 'visitor');
    await open(page, '/kb');
    await visible(page.getByRole('heading', { name: 'Knowledge base', level: 1 }));
    await page.getByLabel('Search the knowledge base', { exact: true }).fill(WORD);
    const hit = page.locator(`#kb-results li[data-article="${w.article.id}"]`);
    await visible(hit);
    await hasText(hit.locator('.kb-hit-title mark'), new RegExp(WORD, 'i'));
    assert.ok((await hit.locator('.kb-snippet mark').count()) >= 1, 'the passage marks the word found');
    assert.equal(await page.locator('#kb-results script').count(), 0, 'no markup from an article runs');
    await shot(page, '108-kb-search');
    await hit.getByRole('link').click();
    await expectPath(page, `/kb/${w.article.id}`);
    await visible(page.getByRole('heading', { name: `Renewing an expired ${WORD}`, level: 1 }));
    await visible(page.locator('#kb-article-body', { hasText: 'ask your desk' }));
    assert.equal(await page.locator('#kb-article-body script').count(), 0, 'the server sanitised the article');
    await hidden(page.locator('#kb-article-actions'));
    await shot(page, '109-kb-article');
  });

  step('with Help beside the language, the navigation still holds on one line at 1024 px in every language', async () => {
    // The administrator has the most links (Audit).
    const page = await signedIn(browser, { email: ADMIN_EMAIL, password: adminPassword() }, 'admin');
    await page.setViewportSize({ width: 1024, height: 768 });
    for (const [lang, help] of [['fr', 'Aide'], ['ja', 'ヘルプ'], ['en', 'Help']]) {
      await page.locator('#language-picker').selectOption(lang);
      await visible(page.locator('nav.help-nav').getByRole('link', { name: help, exact: true }));
      const tops = await page
        .locator('nav.main-nav')
        .getByRole('link')
        .evaluateAll((links) => links.map((a) => a.getBoundingClientRect().top));
      assert.ok(Math.max(...tops) - Math.min(...tops) < 4, `${lang}: links on one line at 1024 px (tops ${tops})`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${lang}: no sideways scrolling at 1024 px`);
    }
    assert.deepEqual(pageErrors, [], 'no uncaught error in any page');
  });
});
