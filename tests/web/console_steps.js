// Steps of the recruiter console's browser tests (console.test.js), each one
// thing a recruiter does through the console's UI, so a longer scenario
// (the issue's full walk-through) can string them together.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { env, shot, videoPlays } = require('./lib');
const flow = require('./flow');

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const INDEX = path.join(__dirname, '..', '..', 'src', 'web', 'assets', 'console', 'index.html');

// A browser context on the console. With `password` the user signs in on
// /console/sign-in (the session cookie); without, every request carries the
// user's API token as Basic credentials (the console needs no more). The
// page's Content-Security-Policy applies (axe-core is evaluated through the
// debugging protocol, which it does not restrict); a violation is a page
// error.
async function openConsole(browser, { email = env.user, password, token = env.token,
  viewport = { width: 1366, height: 768 }, locale = 'en-GB' } = {}) {
  const options = { ignoreHTTPSErrors: true, viewport, locale, permissions: ['camera', 'microphone'] };
  if (!password) {
    options.extraHTTPHeaders = { Authorization: `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}` };
  }
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) page.errors.push(m.text());
  });
  if (!password) {
    // Without a sign-in the console's page itself is the source file (GET
    // /console needs a session).
    await page.route(/\/console$/, (r) => r.fulfill({ contentType: 'text/html; charset=utf-8', body: fs.readFileSync(INDEX) }));
    await go(page, '#/');
  } else {
    await signIn(page, email, password);
  }
  return page;
}

async function signIn(page, email, password) {
  await page.goto(`${env.url}/console/sign-in`);
  await page.getByLabel(/^(Email|E-mail)/).fill(email);
  await page.getByLabel(/^(Password|Wachtwoord)/).fill(password);
  await page.getByRole('button', { name: /^(Sign in|Aanmelden)$/ }).click();
  await page.waitForURL(/\/console(#.*)?$/);
  await ready(page);
}

async function ready(page) {
  await page.waitForSelector('body[data-ready] main:not([aria-busy])');
}

// Opens a console route ("#/vacancies") and waits for its screen.
async function go(page, hash) {
  const onConsole = page.url().startsWith(`${env.url}/console`);
  // Screens shown so far in this document (app.js counts them).
  const before = onConsole ? await page.evaluate(() => Number(document.body.dataset.renders || 0)) : 0;
  if (onConsole) {
    // The same hash again fires no hashchange: render the screen anew.
    await page.evaluate((h) => {
      if (window.location.hash === h) window.dispatchEvent(new HashChangeEvent('hashchange'));
      else window.location.hash = h;
    }, hash);
  } else {
    await page.goto(`${env.url}/console${hash}`);
  }
  await page.waitForFunction((n) => Number(document.body.dataset.renders || 0) > n &&
    !document.querySelector('main[aria-busy]'), before);
}

// axe-core on the current screen: no serious or critical violation.
async function axe(page, name) {
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [],
    `axe on ${name}`);
}

async function toast(page, text) {
  await page.locator('.toasts .toast', { hasText: text }).first().waitFor();
}

// Creates a vacancy with `questions` through the form; answers its id.
async function createVacancy(page, { title, questions, retries = 1, answeringTime = '1 minute' }) {
  await go(page, '#/vacancies');
  await page.getByRole('link', { name: 'New vacancy' }).click();
  await page.getByRole('heading', { name: 'New vacancy' }).waitFor();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Answering time per question').fill(answeringTime);
  await page.getByLabel('Retakes per question').fill(String(retries));
  for (let i = 0; i < questions.length; i++) {
    await page.getByRole('button', { name: 'Add a question' }).click();
    const q = page.getByRole('group', { name: `Question ${i + 1}` });
    await q.getByLabel(/^Question( \*)?$/).fill(questions[i]);
  }
  await page.getByRole('button', { name: 'Create vacancy' }).click();
  await toast(page, 'Vacancy created.');
  await page.getByRole('heading', { name: title }).waitFor();
  const id = Number(/#\/vacancies\/(\d+)$/.exec(page.url())[1]);
  assert.ok(id > 0);
  return id;
}

// Chooses a CSV file on the import screen of `vacancyId` and answers the
// preview's rows as text.
async function chooseCsv(page, vacancyId, name, text) {
  await go(page, `#/invitations/import?vacancy=${vacancyId}`);
  await page.getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.getByRole('table', { name: 'Candidates in the file' }).or(page.locator('.preview .field-error')).first().waitFor();
}

async function importCsv(page, vacancyId, text, count) {
  await chooseCsv(page, vacancyId, 'candidates.csv', text);
  await page.getByText(`All ${count} rows are valid.`).waitFor();
  await page.getByRole('button', { name: `Create ${count} invitations` }).click();
  await toast(page, `${count} invitations created.`);
  assert.equal(await page.getByRole('link', { name: 'created' }).count(), count);
}

// Records a question's video with the (fake) camera on the vacancy screen
// and waits until it is attached.
async function recordQuestionVideo(page, questionTitle) {
  const box = page.getByRole('group', { name: `Video of the question “${questionTitle}”` });
  await box.getByRole('button', { name: 'Record with the camera' }).click();
  await box.getByText('The camera is ready.').waitFor({ timeout: 15000 });
  await box.getByRole('button', { name: 'Start recording' }).click();
  await page.waitForTimeout(1500);
  await box.getByRole('button', { name: 'Stop recording' }).click();
  await box.getByRole('button', { name: 'Use this video' }).click();
  await toast(page, 'Video saved.');
  await box.locator('video[src^="/api/videos/"]').waitFor();
}

// Sends keys N and P on the interview screen and answers the answer shown.
async function nowPlaying(page) {
  return page.locator('.now-playing').textContent();
}

async function writeReview(page, rating, remarks) {
  const reviews = page.getByRole('region', { name: 'Reviews' });
  await reviews.getByRole('radio', { name: String(rating) }).check();
  await reviews.getByLabel('Remarks').fill(remarks);
  await reviews.getByRole('button', { name: 'Save review' }).click();
  await toast(page, 'Review saved.');
  await reviews.getByText(remarks).waitFor();
}

async function inviteReviewer(page, name, email) {
  const box = page.getByRole('region', { name: 'Reviewers' });
  await box.getByLabel("Reviewer's name").fill(name);
  await box.getByLabel('Email').fill(email);
  await box.getByRole('button', { name: 'Invite reviewer' }).click();
  await toast(page, `${name} is invited to review.`);
  await box.getByText(`${name} <${email}>`).waitFor();
}

async function makeForwardLink(page) {
  const box = page.getByRole('region', { name: 'Forward' });
  await box.getByRole('button', { name: 'Make a forward link' }).click();
  await toast(page, 'Forward link made.');
  const url = await box.getByLabel('Forward link').inputValue();
  assert.match(url, /\/public\/video\/v\/[a-z0-9]+$/);
  return url;
}

// Keyboard only: from the top of the page, Tab reaches the skip link, then
// every item of the main navigation in order; Enter on one opens its screen.
async function keyboardNav(page) {
  await go(page, '#/today');
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'skip');
  const seen = [];
  for (let i = 0; i < 8 && seen.length < 5; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { inNav: !!el.closest('#nav'), text: el.textContent, outline: style.outlineStyle };
    });
    if (info.inNav) {
      seen.push(info.text);
      assert.notEqual(info.outline, 'none', `visible focus on ${info.text}`);
    }
  }
  assert.deepEqual(seen, ['Today', 'Vacancies', 'Invitations', 'Interviews', 'Settings']);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1', 'focus moves to the new screen');
}

// A candidate completes the interview of `invitationUrl` (`answers` answers)
// in the candidate pages (flow.js). With `intro`, the vacancy's introduction
// video comes first and must play; with `questionVideo`, the first question
// must show its video, served to the candidate under its own link.
async function completeInterview(browser, invitationUrl, answers,
                                 { intro = false, questionVideo = false } = {}) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  await page.goto(invitationUrl);
  await page.getByRole('button', { name: 'Start' }).click();
  if (intro) {
    await page.getByText('Watch this short video before the questions.').waitFor();
    await videoPlays(page, 'video.intro-video');
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await flow.cameraCheck(page);
  await page.getByRole('button', { name: 'Camera and microphone work' }).click();
  if (questionVideo) {
    const video = page.getByLabel('Question video');
    await video.waitFor();
    const status = await page.evaluate(async (src) => (await fetch(src)).status,
                                       await video.getAttribute('src'));
    assert.equal(status, 200, 'the question video plays for the candidate');
  }
  for (let i = 0; i < answers; i++) {
    await flow.record(page, 1200);
    await page.getByRole('button', { name: 'Use this answer' }).click();
  }
  await page.getByRole('heading', { name: 'Thank you!' }).waitFor({ timeout: 60000 });
  await context.close();
}

// An admin adds a user on the settings screen (with `invite`, the email with
// the link is queued too); answers the set-password link the screen shows.
async function addUser(page, { email, name, role = 'recruiter', invite = true }) {
  await go(page, '#/settings');
  const users = page.getByRole('region', { name: 'Users' });
  await users.getByRole('textbox', { name: /^Email/ }).fill(email);
  await users.getByLabel(/^Name/).fill(name);
  await users.getByLabel('Role', { exact: true }).selectOption(role);
  await users.getByLabel('Email them a link to set their password').setChecked(invite);
  await users.getByRole('button', { name: 'Add user' }).click();
  const link = await users.getByLabel('Link to set the password').inputValue();
  assert.match(link, /\/console\/set-password\?token=/);
  await users.getByRole('row', { name: new RegExp(email.replace(/[.]/g, '\\.')) }).waitFor();
  return link;
}

// The new user opens `link` (in a context of their own) and sets `password`.
async function setPassword(browser, link, password) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto(link);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Password again').fill(password);
  await page.getByRole('button', { name: 'Save the password' }).click();
  await page.getByRole('heading', { name: 'Password saved' }).waitFor();
  await axe(page, 'password saved');
  await context.close();
}

// A real SMTP server on 127.0.0.1 (tests/testing/smtp_peer.py, as the mail
// unit tests use): answers {port, messages(), stop()}; messages() are the
// summaries of what it accepted.
async function startSmtpPeer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cammio-smtp-'));
  const script = path.join(__dirname, '..', 'testing', 'smtp_peer.py');
  const child = spawn('/usr/bin/python3', [script, '--dir', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const portFile = path.join(dir, 'port');
  for (let i = 0; i < 400 && !fs.existsSync(portFile); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(fs.existsSync(portFile), 'the SMTP peer started');
  return {
    port: Number(fs.readFileSync(portFile, 'utf8')),
    messages: () => fs.readdirSync(dir).filter((f) => /^msg-.*\.json$/.test(f)).sort()
      .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))),
    stop: () => { child.kill(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

// An admin saves the email relay on the settings screen.
async function saveRelay(page, { host, port, security, from, fromName }) {
  const relay = page.getByRole('region', { name: 'Email relay' });
  await relay.getByLabel(/^SMTP host/).fill(host);
  await relay.getByLabel('Security').selectOption(security);
  await relay.getByLabel(/^Port/).fill(String(port));
  await relay.getByLabel(/^From address/).fill(from);
  await relay.getByLabel(/^From name/).fill(fromName);
  await relay.getByLabel("Verify the relay's certificate").uncheck();
  await relay.getByRole('button', { name: 'Save' }).click();
  await toast(page, 'Email relay saved.');
  return relay;
}

module.exports = {
  openConsole, signIn, go, ready, axe, toast, shot, createVacancy, chooseCsv, importCsv, nowPlaying, recordQuestionVideo,
  writeReview, inviteReviewer, makeForwardLink, keyboardNav, completeInterview, addUser, setPassword, startSmtpPeer,
  saveRelay,
};
