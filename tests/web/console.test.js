// Browser end-to-end tests of the recruiter console (/console) against a real
// `cammio serve` (started by run.sh with CAMMIO_WEB_TESTS=console). The tests
// run in order and share what the first ones create; every screen is checked
// with axe-core (no serious or critical violation). Screenshots go to
// CAMMIO_ARTIFACTS as console-*.png.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { request } = require('playwright-core');
const { env, api, launch, shot, assertWebm } = require('./lib');
const steps = require('./console_steps');

let a;
let browser;
let page;
const shared = {};

before(async () => {
  a = await api();
  browser = await launch();
  page = await steps.openConsole(browser, { password: env.password });
});

after(async () => {
  if (browser) await browser.close();
  if (a) await a.dispose();
});

test('today screen, and the navigation by keyboard alone', async () => {
  await steps.go(page, '#/today');
  await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
  await page.getByRole('heading', { name: /Upcoming live interviews/ }).waitFor();
  await steps.axe(page, 'today');
  await shot(page, 'console-01-today');
  await steps.keyboardNav(page);
});

test('create a vacancy with two questions', async () => {
  shared.vacancyId = await steps.createVacancy(page, {
    title: 'Console engineer', questions: ['Introduce yourself', 'Why this job?'],
  });
  await page.getByText('Introduce yourself').waitFor();
  await steps.recordQuestionVideo(page, 'Why this job?');
  await steps.axe(page, 'vacancy detail');
  await shot(page, 'console-03-vacancy');
  const v = (await a.get(`/api/vacancies/${shared.vacancyId}`)).json.vacancy;
  assert.deepEqual(v.questions.map((q) => q.question.title), ['Introduce yourself', 'Why this job?']);
  assert.equal(v.questions[0].question.video_id, null);
  assert.ok(v.questions[1].question.video_id > 0, 'the recorded video is attached to question 2');
  const video = await a.bytes(`/api/videos/${v.questions[1].question.video_id}`);
  assert.equal(video.status, 200);
  assertWebm(video.body);
  // A video file as the introduction (tus upload in 2 MiB chunks, attached).
  const intro = page.getByRole('group', { name: 'Introduction video' });
  await intro.locator('input[type=file]').setInputFiles({ name: 'intro.webm', mimeType: 'video/webm', buffer: video.body });
  await intro.locator('video[src^="/api/videos/"]').waitFor();
  const introId = (await a.get(`/api/vacancies/${shared.vacancyId}`)).json.vacancy.intro_video_id;
  assert.ok(introId > 0 && introId !== v.questions[1].question.video_id, 'a new video for the introduction');
  assert.equal(v.answering_time, '1 minute');
  assert.equal(v.num_of_retries, 1);

  // The list finds it by search, and sorts.
  await steps.go(page, '#/vacancies');
  await page.getByLabel('Search').fill('console eng');
  await page.getByRole('link', { name: 'Console engineer' }).waitFor();
  await page.getByRole('button', { name: /^Title/ }).click();
  assert.equal(await page.getByRole('columnheader', { name: /^Title/ }).getAttribute('aria-sort'), 'ascending');
  await steps.axe(page, 'vacancies');
  await shot(page, 'console-02-vacancies');

  // An API error shows its details next to the field it names.
  await steps.go(page, '#/vacancies/new');
  await page.getByLabel('Title').fill('Broken dates');
  await page.getByLabel('Closes').fill('2020-01-01T10:00');
  await page.getByRole('button', { name: 'Create vacancy' }).click();
  const error = page.locator('.field-error').first();
  await error.waitFor();
  assert.match(await error.textContent(), /datetime_end/);
  await steps.axe(page, 'vacancy form with an error');
  await shot(page, 'console-04-vacancy-error');
});

test('copy from a template, edit, delete after confirming', async () => {
  const tpl = await a.post('/api/vacancies', { vacancy: {
    title: 'Template: support desk', datetime_start: '2026-01-01', datetime_end: '2036-01-01', use_as_template: 'yes',
    answering_time: '3 minutes', num_of_retries: 2, questions: [{ title: 'A difficult customer?' }, { title: 'Your tools?' }],
  } });
  assert.equal(tpl.status, 201, tpl.text);
  await steps.go(page, '#/vacancies/new');
  await page.getByLabel('Copy from template').selectOption({ label: 'Template: support desk' });
  await steps.toast(page, 'Filled in from the template');
  assert.equal(await page.getByLabel('Answering time per question').inputValue(), '3 minutes');
  assert.equal(await page.getByRole('group', { name: 'Question 2' }).getByLabel(/^Question( \*)?$/).inputValue(), 'Your tools?');
  await page.getByLabel(/^Title/).fill('Support desk, Utrecht');
  await steps.axe(page, 'vacancy form from a template');
  await page.getByRole('button', { name: 'Create vacancy' }).click();
  await page.getByRole('heading', { name: 'Support desk, Utrecht' }).waitFor();
  const id = Number(/#\/vacancies\/(\d+)$/.exec(page.url())[1]);
  let v = (await a.get(`/api/vacancies/${id}`)).json.vacancy;
  assert.equal(v.template_id, tpl.json.vacancy.id);
  assert.equal(v.use_as_template, 'no');
  assert.equal(v.num_of_retries, 2);
  assert.deepEqual(v.questions.map((q) => q.question.title), ['A difficult customer?', 'Your tools?']);

  await page.getByRole('link', { name: 'Edit' }).click();
  await page.getByRole('heading', { name: 'Edit Support desk, Utrecht' }).waitFor();
  await page.getByRole('group', { name: 'Question 1' }).getByRole('button', { name: 'Remove question' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await steps.toast(page, 'Vacancy saved.');
  v = (await a.get(`/api/vacancies/${id}`)).json.vacancy;
  assert.deepEqual(v.questions.map((q) => q.question.title), ['Your tools?']);

  await page.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete the vacancy “Support desk, Utrecht”? This cannot be undone.' });
  await steps.axe(page, 'confirm dialog');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await a.get(`/api/vacancies/${id}`)).status, 200, 'cancel deletes nothing');
  await page.getByRole('button', { name: 'Delete' }).click();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await steps.toast(page, 'Vacancy deleted.');
  await page.getByRole('heading', { name: 'Vacancies', level: 1 }).waitFor();
  assert.equal((await a.get(`/api/vacancies/${id}`)).status, 404);
});

test('the CSV parser and row checks: quotes, line breaks in a cell, BOM, CRLF, separators; duplicates, dates, schedules, the row cap', async () => {
  const out = await page.evaluate(async () => {
    const csv = await import('/public/assets/console/csv.js');
    return [
      csv.parseCsv('\uFEFFname,email\r\n"Smit, Anna",anna@x.test\r\n"Say ""hi""",b@x.test\r\n'),
      csv.parseCsv('naam;e-mail\n"two\nlines";c@x.test\n\n;\n'),
      csv.parseCsv('name\temail\nTab Person\tt@x.test'),
    ];
  });
  assert.deepEqual(out[0], [['name', 'email'], ['Smit, Anna', 'anna@x.test'], ['Say "hi"', 'b@x.test']]);
  assert.deepEqual(out[1], [['naam', 'e-mail'], ['two\nlines', 'c@x.test']], 'Dutch headers; empty rows dropped');
  assert.deepEqual(out[2], [['name', 'email'], ['Tab Person', 't@x.test']]);
  const checked = await page.evaluate(async () => {
    const csv = await import('/public/assets/console/csv.js');
    const t = (key) => key;
    const rows = csv.parseCsv('voornaam,achternaam,email,gepland\nAn,Aa,a@x.test,2030-01-02 10:00\n' +
      'Bo,,A@X.TEST,\n,,c@x.test,soon\n');
    const many = [['name', 'email']].concat(Array.from({ length: csv.MAX_ROWS + 1 }, (_, i) => [`P${i}`, `p${i}@x.test`]));
    return { live: csv.checkRows(rows, true, t), noEmail: csv.checkRows([['name'], ['x']], false, t),
      max: csv.MAX_ROWS, tooMany: csv.checkRows(many, false, t), enough: csv.checkRows(many.slice(0, -1), false, t) };
  });
  assert.equal(checked.max, 1000, "the API's row cap");
  assert.equal(checked.tooMany.error, 'csv_too_many');
  assert.equal(checked.enough.error, null);
  assert.equal(checked.enough.items.length, 1000);
  assert.deepEqual(checked.live.items.map((i) => i.errors), [
    [], ['csv_err_duplicate', 'csv_err_schedule'], ['csv_err_name', 'csv_err_date']]);
  assert.equal(checked.live.items[0].fields.datetime_scheduled, new Date('2030-01-02T10:00').toISOString().replace(/\.\d+Z$/, 'Z'));
  assert.equal(checked.live.items[0].fields.candidate_firstname, 'An');
  assert.equal(checked.noEmail.error, 'csv_no_email_column');
});

test('a CSV with one bad row creates nothing; a good one creates every invitation', async () => {
  const before = (await a.get(`/api/vacancies/${shared.vacancyId}/invitations`)).json.length;
  await steps.chooseCsv(page, shared.vacancyId, 'bad.csv',
    'name,email\nAnna Smit,anna@example.test\nBert Bad,not-an-email\nCarla Jong,carla@example.test\n');
  await page.getByText('1 of 3 rows have errors').waitFor();
  const badRow = page.getByRole('row', { name: /Bert Bad/ });
  await badRow.getByText('“not-an-email” is not an email address.').waitFor();
  assert.ok(await page.getByRole('button', { name: 'Create 3 invitations' }).isDisabled());
  await steps.axe(page, 'import with errors');
  await shot(page, 'console-05-import-error');
  assert.equal((await a.get(`/api/vacancies/${shared.vacancyId}/invitations`)).json.length, before, 'nothing created');

  await steps.importCsv(page, shared.vacancyId,
    'name;email;phone\n"Smit, Anna";anna@example.test;0612345678\nBert Berg;bert@example.test;\nCarla Jong;carla@example.test;\n', 3);
  await shot(page, 'console-06-import-done');
  const list = (await a.get(`/api/vacancies/${shared.vacancyId}/invitations`)).json.map((x) => x.invitation);
  assert.deepEqual(list.map((i) => i.candidate_name).sort(), ['Bert Berg', 'Carla Jong', 'Smit, Anna']);
  shared.invitations = list;

  await steps.go(page, `#/invitations?vacancy=${shared.vacancyId}`);
  for (const name of ['Smit, Anna', 'Bert Berg', 'Carla Jong']) await page.getByRole('link', { name }).waitFor();
  await steps.axe(page, 'invitations');
  await shot(page, 'console-07-invitations');
  await page.getByRole('link', { name: 'Carla Jong' }).click();
  await page.getByRole('heading', { name: 'Carla Jong' }).waitFor();
  await steps.axe(page, 'invitation');
});

test('a file the browser accepts but the server refuses: the rows show why, nothing is created', async () => {
  // A phone number longer than the API's 40 characters: a rule only the
  // server checks. The whole file goes in one request to the import route.
  const posts = [];
  const route = /\/api\/vacancies\/\d+\/invitations(\/import)?$/;
  await page.route(route, (r) => {
    if (r.request().method() === 'POST') posts.push(r.request().url());
    return r.continue();
  });
  const before = (await a.get(`/api/vacancies/${shared.vacancyId}/invitations`)).json.length;
  await steps.chooseCsv(page, shared.vacancyId, 'long-phone.csv',
    `name,email,phone\nHan Hoog,han@example.test,06\nIda Ink,ida@example.test,${'1'.repeat(41)}\nJan Jong,jan@example.test,\n`);
  await page.getByText('All 3 rows are valid.').waitFor();
  await page.getByRole('button', { name: 'Create 3 invitations' }).click();
  await steps.toast(page, 'The server refused 1 of 3 rows (see the Check column). Nothing was created: fix the file and choose it again.');
  await page.getByRole('row', { name: /Ida Ink/ }).getByText('candidate_phone is longer than 40 characters').waitFor();
  await page.getByRole('row', { name: /Han Hoog/ }).getByText('not created').waitFor();
  assert.equal(await page.getByRole('link', { name: 'created' }).count(), 0);
  assert.ok(await page.getByRole('button', { name: 'Try again' }).isDisabled(), 'a refused file is chosen again, not retried');
  await steps.axe(page, 'import refused by the server');
  await shot(page, 'console-06a-import-refused');
  await page.unroute(route);
  assert.deepEqual(posts.map((u) => new URL(u).pathname), [`/api/vacancies/${shared.vacancyId}/invitations/import`], 'one request, to the import route');
  assert.equal((await a.get(`/api/vacancies/${shared.vacancyId}/invitations`)).json.length, before, 'nothing created');
});

test('an import whose answer is lost completes on "Try again" exactly once', async () => {
  // The server imports the file, but the browser never sees the answer (a
  // connection lost on the way back). "Try again" sends the same rows with
  // the same Idempotency-Key and gets the first answer again.
  let lost = false;
  const keys = [];
  const route = /\/api\/vacancies\/\d+\/invitations\/import$/;
  await page.route(route, async (r) => {
    const req = r.request();
    if (req.method() !== 'POST') return r.continue();
    keys.push(req.headers()['idempotency-key']);
    if (!lost) {
      lost = true;
      const answered = await r.fetch();
      assert.equal(answered.status(), 201, 'the server imported the file');
      return r.abort('connectionreset');
    }
    return r.continue();
  });
  await steps.chooseCsv(page, shared.vacancyId, 'more.csv',
    'firstname,lastname,email\nEd,Eerst,ed@example.test\nFay,Faal,fay@example.test\nGus,Gaaf,gus@example.test\n');
  await page.getByRole('button', { name: 'Create 3 invitations' }).click();
  await page.locator('#alerts').getByText(/^No answer from the server/).waitFor();
  assert.equal(await page.getByRole('link', { name: 'created' }).count(), 0);
  await shot(page, 'console-06b-import-lost');
  await page.getByRole('button', { name: 'Try again' }).click();
  await steps.toast(page, '3 invitations created.');
  await page.getByRole('row', { name: /Gus Gaaf/ }).getByRole('link', { name: 'created' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'created' }).count(), 3);
  await page.unroute(route);
  const names = (await a.get(`/api/vacancies/${shared.vacancyId}/invitations`)).json
    .map((x) => x.invitation.candidate_email).filter((e) => /^(ed|fay|gus)@/.test(e));
  assert.deepEqual(names.sort(), ['ed@example.test', 'fay@example.test', 'gus@example.test'], 'each row once');
  assert.equal(keys.length, 2, 'the file, then the file again');
  assert.equal(keys[0], keys[1], 'the retry carries the first request\'s key');
});

test('invite one candidate, resend the email, revoke the invitation', async () => {
  await steps.go(page, `#/invitations/new?vacancy=${shared.vacancyId}`);
  await page.getByLabel("Candidate's name").fill('Dirk Direct');
  await page.getByLabel(/^Email/).fill('dirk@example.test');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await steps.toast(page, 'Dirk Direct is invited.');
  await page.getByRole('heading', { name: 'Dirk Direct' }).waitFor();
  await page.getByRole('button', { name: 'Resend email' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Resend email' }).click();
  await steps.toast(page, 'Invitation email queued.');
  await steps.axe(page, 'invitation (resent)');
  await page.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await steps.toast(page, 'Invitation revoked.');
  const open = (await a.get(`/api/vacancies/${shared.vacancyId}/invitations`)).json.map((x) => x.invitation.candidate_name);
  assert.ok(!open.includes('Dirk Direct'));
});

test('an interview: videos with the next-answer key, a review, a reviewer and a forward link', async () => {
  const anna = shared.invitations.find((i) => i.candidate_name === 'Smit, Anna');
  // With callback parameters and an ATS host (that does not answer) the
  // completion leaves a notification in the delivery log (settings test).
  const put = await a.put(`/api/invitations/${anna.id}`, { invitation: { callback_params: { ats_id: 'A-17' } } });
  assert.equal(put.status, 200, put.text);
  const ats = await a.put('/api/settings/notifications', { notification_settings: {
    host: 'http://127.0.0.1:9', endpoint: '/hook', method: 'POST' } });
  assert.equal(ats.status, 200, ats.text);
  await steps.completeInterview(browser, anna.url, 2, { intro: true });
  const iv = (await a.get(`/api/vacancies/${shared.vacancyId}/interviews`)).json[0].interview;

  await steps.go(page, '#/interviews');
  await page.getByLabel('Reviewed').selectOption('no');
  await page.getByRole('link', { name: 'Smit, Anna' }).waitFor();
  await steps.axe(page, 'interviews');
  await shot(page, 'console-08-interviews');
  await page.getByRole('link', { name: 'Smit, Anna' }).click();
  await page.getByRole('heading', { name: 'Smit, Anna', level: 1 }).waitFor();
  assert.equal(await steps.nowPlaying(page), 'Answer 1 of 2: Introduce yourself');
  await page.keyboard.press('n');
  assert.equal(await steps.nowPlaying(page), 'Answer 2 of 2: Why this job?');
  await page.waitForFunction(() => document.querySelector('video.player').readyState >= 1, null, { timeout: 15000 });
  await page.keyboard.press('p');
  assert.equal(await steps.nowPlaying(page), 'Answer 1 of 2: Introduce yourself');

  await page.getByRole('region', { name: 'Reviews' }).getByRole('button', { name: 'Save review' }).click();
  await page.getByRole('group', { name: 'Rating (1 to 5)' }).getByText('Choose a rating from 1 to 5.').waitFor();
  await steps.writeReview(page, 4, 'Clear and to the point.');
  await steps.inviteReviewer(page, 'Rita Reviewer', 'rita@example.test');
  const forward = await steps.makeForwardLink(page);
  await steps.axe(page, 'interview');
  await shot(page, 'console-09-interview');

  const reviews = (await a.get(`/api/interviews/${iv.id}/reviews`)).json.map((x) => x.review);
  assert.deepEqual(reviews.map((r) => [r.rating, r.remarks]), [[4, 'Clear and to the point.']]);
  const reviewers = (await a.get(`/api/interviews/${iv.id}/reviewers`)).json.map((x) => x.reviewer.email);
  assert.deepEqual(reviewers, ['rita@example.test']);
  const opened = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
  assert.equal((await opened.goto(forward)).status(), 200, 'the forward link opens');
  await opened.context().close();

  // Today: completed since the first visit (the first test), reviewed now.
  await steps.go(page, '#/today');
  const completed = page.getByRole('region', { name: /Completed since your last visit/ });
  await completed.getByRole('link', { name: 'Smit, Anna' }).waitFor();
  assert.equal(await page.getByRole('region', { name: /Waiting for a review/ }).getByRole('link', { name: 'Smit, Anna' }).count(), 0);
  await steps.go(page, '#/vacancies');
  await steps.go(page, '#/today');
  await page.getByText('No interviews were completed since then.').waitFor();
});

test('a live vacancy: schedule an invitation, add a guest, see it on Today', async () => {
  await steps.go(page, '#/vacancies/new');
  await page.getByLabel(/^Title/).fill('Live console chat');
  await page.getByLabel('Kind').selectOption('live');
  assert.ok(!(await page.getByRole('button', { name: 'Add a question' }).isVisible()), 'no questions on live vacancies');
  await page.getByRole('button', { name: 'Create vacancy' }).click();
  await page.getByRole('heading', { name: 'Live console chat' }).waitFor();
  await page.getByRole('link', { name: 'Invite a candidate' }).click();
  await page.getByRole('heading', { name: 'Invite a candidate', level: 1 }).waitFor();
  const at = new Date(Date.now() + 86400e3);
  const pad = (n) => String(n).padStart(2, '0');
  await page.getByLabel('Scheduled').fill(`${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T10:30`);
  await page.getByLabel(/^Candidate's name/).fill('Lia Live');
  await page.getByLabel(/^Email/).fill('lia@example.test');
  await page.getByLabel("Interviewer's name").fill('Ivo Interviewer');
  await steps.axe(page, 'invite one (live)');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByRole('heading', { name: 'Lia Live' }).waitFor();
  await page.getByRole('button', { name: "Copy link" }).nth(1).waitFor();  // the interviewer's
  const guests = page.getByRole('region', { name: 'Guests' });
  await guests.getByLabel(/^Guest's name/).fill('Gert Guest');
  await guests.getByLabel(/^Email/).fill('gert@example.test');
  await guests.getByRole('button', { name: 'Add guest' }).click();
  await guests.getByText('Gert Guest <gert@example.test>').waitFor();
  await steps.axe(page, 'live invitation with a guest');
  await shot(page, 'console-10-live-invitation');

  await steps.go(page, '#/today');
  const upcoming = page.getByRole('region', { name: /Upcoming live interviews/ });
  await upcoming.getByRole('link', { name: 'Lia Live' }).waitFor();
  await shot(page, 'console-11-today');
});

test('settings: notifications, send test, delivery log', async () => {
  await steps.go(page, '#/settings');
  await page.getByRole('heading', { name: 'ATS notifications' }).waitFor();
  const notif = page.getByRole('region', { name: 'ATS notifications' });
  await notif.getByLabel('ATS host').fill('https://127.0.0.1:9');
  await notif.getByLabel('Endpoint').fill('/hook');
  await notif.getByRole('button', { name: 'Save' }).click();
  await steps.toast(page, 'Notification settings saved.');
  assert.equal((await a.get('/api/settings/notifications')).json.notification_settings.endpoint, '/hook');
  const log = page.getByRole('region', { name: 'Delivery log' });
  const row = log.getByRole('row', { name: /POST http:\/\/127\.0\.0\.1:9\/hook/ });
  await row.waitFor();
  await row.getByRole('button', { name: 'Redeliver' }).click();
  await steps.toast(page, 'Queued for delivery again.');
  await notif.getByRole('button', { name: 'Send test', exact: true }).click();
  await notif.locator('.test-result p').waitFor({ timeout: 30000 });
  assert.match(await notif.locator('.test-result p').textContent(), /The test failed/);
  await steps.axe(page, 'settings');
  await shot(page, 'console-12-settings');
});

test('Dutch: the switcher changes every string', async () => {
  await steps.go(page, '#/vacancies');
  await page.getByLabel('Language').selectOption('nl');
  await page.getByRole('heading', { name: 'Vacatures', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Nieuwe vacature' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Uitnodigingen' }).waitFor();
  await steps.axe(page, 'vacancies (nl)');
  await shot(page, 'console-13-nl');
  await steps.go(page, `#/invitations/import?vacancy=${shared.vacancyId}`);
  await page.getByRole('heading', { name: 'Importeren uit CSV' }).waitFor();
  await page.getByLabel('Taal').selectOption('en');
  await page.getByRole('heading', { name: 'Import from CSV' }).waitFor();
});

test('tablet width: the interview screen stacks', async () => {
  const tablet = await steps.openConsole(browser, { password: env.password, viewport: { width: 768, height: 1024 } });
  const iv = (await a.get(`/api/vacancies/${shared.vacancyId}/interviews`)).json[0].interview;
  await steps.go(tablet, `#/interviews/${iv.id}`);
  await tablet.getByRole('heading', { name: 'Smit, Anna', level: 1 }).waitFor();
  const overflow = await tablet.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px)`);
  await steps.axe(tablet, 'interview (tablet)');
  await shot(tablet, 'console-14-tablet-interview');
  await steps.go(tablet, '#/vacancies');
  assert.ok(await tablet.evaluate(() => {
    const box = document.querySelector('.scroll');
    return box.scrollWidth <= box.clientWidth;
  }), 'the vacancies table fits the tablet width');
  await steps.axe(tablet, 'vacancies (tablet)');
  await shot(tablet, 'console-15-tablet-vacancies');
  assert.deepEqual(tablet.errors, []);
  await tablet.context().close();
  assert.deepEqual(page.errors, []);
});

test('admin: a recruiter, an API token, own sessions; signing out ends the session', async () => {
  await steps.go(page, '#/settings');
  const users = page.getByRole('region', { name: 'Users' });
  await users.getByRole('textbox', { name: /^Email/ }).fill('rita.recruiter@agency.test');
  await users.getByLabel(/^Name/).fill('Rita Recruiter');
  await users.getByLabel('Role', { exact: true }).selectOption('recruiter');
  await users.getByLabel('Email them a link to set their password').uncheck();
  await users.getByRole('button', { name: 'Add user' }).click();
  const link = await users.getByLabel('Link to set the password').inputValue();
  assert.match(link, /\/console\/set-password\?token=/);
  await users.getByRole('row', { name: /rita\.recruiter@agency\.test/ }).waitFor();
  const listed = (await a.get('/api/vacancies')).status;
  assert.equal(listed, 200);

  const tokens = page.getByRole('region', { name: 'API tokens' });
  await tokens.getByLabel(/^Label/).fill('Our ATS');
  await tokens.getByRole('button', { name: 'Create token' }).click();
  const secret = await tokens.getByLabel('New token').inputValue();
  const ats = await api({ url: env.url, user: env.user, token: secret });
  assert.equal((await ats.get('/api/vacancies')).status, 200, 'the new token works as Basic credentials');
  await ats.dispose();
  await tokens.getByRole('row', { name: /Our ATS/ }).waitFor();

  const sessions = page.getByRole('region', { name: 'Your sessions' });
  await sessions.getByText('this browser').waitFor();
  await steps.axe(page, 'settings (admin)');
  await shot(page, 'console-16-settings-admin');

  assert.deepEqual(page.errors, [], 'no script errors or CSP violations');
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === '__Host-cammio_session');
  assert.ok(session, 'signed in with the session cookie');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/console\/sign-in/);
  const stale = await request.newContext({ ignoreHTTPSErrors: true,
    extraHTTPHeaders: { Cookie: `${session.name}=${session.value}` } });
  assert.equal((await stale.get(`${env.url}/console/api/session`)).status(), 403, 'the old cookie is dead');
  assert.equal((await stale.get(`${env.url}/console`, { maxRedirects: 0 })).status(), 303);
  await stale.dispose();
});

test('admin invites a recruiter who sets a password and creates a vacancy; relay, test mail and retention are admin only', async () => {
  const admin = await steps.openConsole(browser, { password: env.password });
  const email = `ivo.${Date.now()}@agency.test`;
  const link = await steps.addUser(admin, { email, name: 'Ivo Invited', role: 'recruiter', invite: true });

  // The relay: a real SMTP peer; the test mail reaches it, addressed to the admin.
  const peer = await steps.startSmtpPeer();
  try {
    const relay = await steps.saveRelay(admin, { host: '127.0.0.1', port: peer.port, security: 'none',
      from: 'hr@agency.test', fromName: 'Agency HR' });
    await relay.getByRole('button', { name: 'Send test mail' }).click();
    await relay.locator('.test-result p').waitFor({ timeout: 30000 });
    assert.match(await relay.locator('.test-result p').textContent(), new RegExp(`Test mail sent to ${env.user}`));
    const tests = peer.messages().filter((m) => m.subject === 'Cammio test message');
    assert.equal(tests.length, 1);
    assert.equal(tests[0].to_address, env.user);
    const saved = await (await admin.request.get(`${env.url}/console/api/settings/mail`)).json();
    assert.equal(saved.mail_settings.port, peer.port);
    assert.equal(saved.mail_settings.from_name, 'Agency HR');
    // A relay that is not there: the connection's error is shown.
    await steps.saveRelay(admin, { host: '127.0.0.1', port: 9, security: 'none', from: 'hr@agency.test', fromName: 'Agency HR' });
    await relay.getByRole('button', { name: 'Send test mail' }).click();
    await relay.locator('.test-result p', { hasText: 'The test mail failed' }).waitFor({ timeout: 30000 });
    assert.match(await relay.locator('.test-result p').textContent(), /The test mail failed: .+/);
  } finally {
    peer.stop();
  }

  // Retention: out of range is refused next to the field; then set.
  const retention = admin.getByRole('region', { name: 'Retention' });
  const days = retention.getByLabel(/^Delete completed interviews after/);
  await days.fill('0');
  await retention.getByRole('button', { name: 'Save' }).click();
  await retention.locator('.field-error', { hasText: '1 to 36500' }).waitFor();
  assert.equal(await days.getAttribute('aria-invalid'), 'true');
  await days.fill('90');
  await retention.getByRole('button', { name: 'Save' }).click();
  await steps.toast(admin, 'Interviews are deleted after 90 days.');
  const kept = await (await admin.request.get(`${env.url}/console/api/settings/retention`)).json();
  assert.equal(kept.retention.interview_days, 90);
  await steps.axe(admin, 'settings (relay, retention)');
  await shot(admin, 'console-17-settings-relay-retention');
  assert.deepEqual(admin.errors, []);
  await admin.context().close();

  // The recruiter: the link from the admin's screen, a password, a vacancy.
  const password = `ivo-secret-${Date.now()}`;
  await steps.setPassword(browser, link, password);
  const ivo = await steps.openConsole(browser, { email, password });
  const id = await steps.createVacancy(ivo, { title: 'Ivo’s vacancy', questions: ['Why this team?'] });
  const vacancy = (await a.get(`/api/vacancies/${id}`)).json.vacancy;
  assert.equal(vacancy.title, 'Ivo’s vacancy');
  // No admin settings for a recruiter: not on the screen, 403 from the routes.
  await steps.go(ivo, '#/settings');
  await ivo.getByRole('region', { name: 'Your sessions' }).waitFor();
  for (const name of ['ATS notifications', 'Users', 'API tokens', 'Email relay', 'Retention']) {
    assert.equal(await ivo.getByRole('region', { name, exact: true }).count(), 0, `no ${name} for a recruiter`);
  }
  for (const p of ['/console/api/settings/mail', '/console/api/settings/retention']) {
    assert.equal((await ivo.request.get(`${env.url}${p}`)).status(), 403, p);
  }
  // The ATS notification settings are an admin's too, through the API as well.
  const csrf = (await (await ivo.request.get(`${env.url}/console/api/session`)).json()).session.csrf_token;
  const put = await ivo.request.put(`${env.url}/api/settings/notifications`, {
    headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    data: JSON.stringify({ notification_settings: { host: 'http://127.0.0.1:9', endpoint: '/x', method: 'POST' } }) });
  assert.equal(put.status(), 403, await put.text());
  assert.match(await put.text(), /only an account admin/);
  await steps.axe(ivo, 'settings (recruiter)');
  assert.deepEqual(ivo.errors, []);
  await ivo.context().close();
});

// The story in one go, by a recruiter the admin invited: the recruiter
// signs in with the password they chose, records a question video, creates a
// vacancy, imports three candidates from a CSV file; a candidate completes the
// interview and sees the question video; the recruiter watches, reviews,
// invites a reviewer and makes a forward link, and signs out: the cookie dies.
test('the story: an invited recruiter from question video to forward link, then signs out', async () => {
  const admin = await steps.openConsole(browser, { password: env.password });
  const email = `rosa.${Date.now()}@agency.test`;
  const link = await steps.addUser(admin, { email, name: 'Rosa Recruiter', role: 'recruiter', invite: true });
  await admin.context().close();
  const password = `rosa-secret-${Date.now()}`;
  await steps.setPassword(browser, link, password);
  const rosa = await steps.openConsole(browser, { email, password });
  const session = (await (await rosa.request.get(`${env.url}/console/api/session`)).json()).session;
  assert.equal(session.role, 'recruiter');

  const id = await steps.createVacancy(rosa, { title: 'Story vacancy', questions: ['Tell us about you'] });
  await steps.recordQuestionVideo(rosa, 'Tell us about you');
  const q = (await a.get(`/api/vacancies/${id}`)).json.vacancy.questions[0].question;
  assert.ok(q.video_id > 0, 'the recorded video is the question\'s');

  await steps.importCsv(rosa, id,
    'name,email\nStory One,story.one@example.test\nStory Two,story.two@example.test\nStory Three,story.three@example.test\n', 3);
  const invitations = (await a.get(`/api/vacancies/${id}/invitations`)).json.map((x) => x.invitation);
  assert.equal(invitations.length, 3);
  const one = invitations.find((i) => i.candidate_name === 'Story One');
  await steps.completeInterview(browser, one.url, 1, { questionVideo: true });
  const iv = (await a.get(`/api/vacancies/${id}/interviews`)).json[0].interview;

  await steps.go(rosa, `#/interviews/${iv.id}`);
  await rosa.getByRole('heading', { name: 'Story One', level: 1 }).waitFor();
  assert.equal(await steps.nowPlaying(rosa), 'Answer 1 of 1: Tell us about you');
  await rosa.waitForFunction(() => document.querySelector('video.player').readyState >= 1, null, { timeout: 15000 });
  await steps.writeReview(rosa, 5, 'A clear story.');
  await steps.inviteReviewer(rosa, 'Rob Reviewer', 'rob@example.test');
  const forward = await steps.makeForwardLink(rosa);
  assert.match(forward, /\/public\/video\/v\//);
  const reviews = (await a.get(`/api/interviews/${iv.id}/reviews`)).json.map((x) => x.review);
  assert.deepEqual(reviews.map((r) => [r.rating, r.remarks]), [[5, 'A clear story.']]);
  await steps.axe(rosa, 'interview (recruiter)');
  assert.deepEqual(rosa.errors, []);

  const cookie = (await rosa.context().cookies()).find((c) => c.name === '__Host-cammio_session');
  assert.ok(cookie, 'signed in with the session cookie');
  await rosa.getByRole('button', { name: 'Sign out' }).click();
  await rosa.waitForURL(/\/console\/sign-in/);
  const stale = await request.newContext({ ignoreHTTPSErrors: true,
    extraHTTPHeaders: { Cookie: `${cookie.name}=${cookie.value}` } });
  assert.equal((await stale.get(`${env.url}/console/api/session`)).status(), 403, 'the old cookie is dead');
  assert.equal((await stale.get(`${env.url}/api/vacancies`)).status(), 403, 'and so is its API access');
  await stale.dispose();
  await rosa.context().close();
});
