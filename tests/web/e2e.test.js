// Browser end-to-end tests of the candidate, forward, reviewer, recruiter and
// guest pages against a real `cammio serve` (started by run.sh). The tests run in
// order and share what the first one creates. Screenshots of every page go
// to CAMMIO_ARTIFACTS.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  env, api, createVacancy, invite, launch, newPage, shot, assertWebm, videoPlays, linkToken,
} = require('./lib');
const flow = require('./flow');

let a;
let browser;
const shared = {};

before(async () => {
  a = await api();
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (a) await a.dispose();
});

test('candidate records every answer and completes; the API shows the interview', async () => {
  const vacancy = await createVacancy(a, { play_test_question: 'yes' });
  const inv = await invite(a, vacancy.id, { redirect_url: null });
  assert.match(inv.url, /\/public\/job_interviews\/[a-z0-9]+$/);
  const page = await newPage(browser);
  await page.goto(inv.url);
  await page.getByRole('heading', { name: 'Welcome, Ada Candidate' }).waitFor();
  await page.getByText('Backend engineer', { exact: false }).first().waitFor();
  await page.getByText('This takes about ten minutes.', { exact: false }).waitFor();
  await shot(page, '01-candidate-welcome');
  await page.getByRole('button', { name: 'Start' }).click();

  await flow.cameraCheck(page);
  await shot(page, '02-candidate-camera-check');
  await page.getByRole('button', { name: 'Camera and microphone work' }).click();

  // The practice question is recorded but never uploaded.
  await page.getByRole('heading', { name: 'Practice question' }).waitFor();
  await flow.record(page, 1500, '03-candidate-practice');
  await page.getByRole('button', { name: 'Use this answer' }).click();

  await page.getByText('Question 1 of 2').waitFor();
  await page.getByRole('heading', { name: 'Introduce yourself' }).waitFor();
  await shot(page, '04-candidate-question');
  await flow.record(page, 2000, '05-candidate-recording');
  await shot(page, '06-candidate-review');
  // num_of_retries 1: one retake, then none left.
  await page.getByRole('button', { name: 'Record again (1 left)' }).click();
  await flow.record(page, 2000);
  await page.getByText('You have used all your retakes for this question.').waitFor();
  await page.getByRole('button', { name: 'Use this answer' }).click();

  await page.getByText('Question 2 of 2').waitFor();
  await flow.record(page, 2000);
  await page.getByRole('button', { name: 'Use this answer' }).click();

  await page.getByRole('heading', { name: 'Thank you!' }).waitFor({ timeout: 60000 });
  await shot(page, '07-candidate-done');
  assert.deepEqual(page.errors || [], []);

  const list = await a.get('/api/interviews');
  assert.equal(list.status, 200, list.text);
  const found = list.json.map((x) => x.interview).filter((w) => w.invitation_id === inv.id);
  assert.equal(found.length, 1, 'one interview for the invitation');
  const detail = (await a.get(`/api/interviews/${found[0].id}`)).json.interview;
  assert.equal(detail.candidate_name, 'Ada Candidate');
  assert.equal(detail.recordings.length, 2, 'two recordings (the practice answer is not one)');
  assert.deepEqual(detail.recordings.map((r) => r.recording.title), ['Introduce yourself', 'Why this job?']);
  for (const { recording } of detail.recordings) {
    const video = await a.bytes(new URL(recording.video_url).pathname);
    assert.equal(video.status, 200);
    assert.equal(video.headers['content-type'], 'video/webm');
    assertWebm(video.body);
    const thumb = await a.bytes(new URL(recording.thumbnail).pathname);
    assert.equal(thumb.status, 200);
    assert.deepEqual([...thumb.body.subarray(0, 3)], [0xff, 0xd8, 0xff], 'thumbnail is a JPEG');
  }
  const open = await a.get('/api/invitations');
  assert.ok(!open.json.some((x) => x.invitation.id === inv.id), 'no longer an open invitation');
  Object.assign(shared, { interview: detail, invitation: inv, page });
});

test('a completed, revoked, expired or unknown link gets a clear page', async () => {
  const page = shared.page;
  let res = await page.goto(shared.invitation.url);
  assert.equal(res.status(), 410);
  await page.getByRole('heading', { name: 'You already completed this interview' }).waitFor();
  await shot(page, '10-error-completed');

  const vacancy = await createVacancy(a);
  const revoked = await invite(a, vacancy.id);
  assert.equal((await a.del(`/api/invitations/${revoked.id}`)).status, 200);
  res = await page.goto(revoked.url);
  assert.equal(res.status(), 410);
  await page.getByRole('heading', { name: 'This invitation was withdrawn' }).waitFor();
  await shot(page, '11-error-revoked');

  const closed = await createVacancy(a, { datetime_start: '2013-07-28T02:00:00+02:00',
                                          datetime_end: '2013-09-26T02:00:00+02:00' });
  res = await page.goto((await invite(a, closed.id)).url);
  assert.equal(res.status(), 410);
  await page.getByRole('heading', { name: 'This vacancy has closed' }).waitFor();
  await shot(page, '12-error-expired');

  res = await page.goto(`${env.url}/public/job_interviews/${'0'.repeat(40)}`);
  assert.equal(res.status(), 404);
  assert.match(res.headers()['content-type'], /^text\/html/);
  await page.getByRole('heading', { name: 'This link is not known' }).waitFor();
  await shot(page, '13-error-unknown');
  res = await page.goto(`${env.url}/public/job_interviews/NOT-A-TOKEN`);
  assert.equal(res.status(), 404);
  await page.getByRole('heading', { name: 'This link is not known' }).waitFor();

  // In the vacancy's language.
  const dutch = await createVacancy(a, { language: 'nl' });
  const nlRevoked = await invite(a, dutch.id);
  await a.del(`/api/invitations/${nlRevoked.id}`);
  res = await page.goto(nlRevoked.url);
  assert.equal(res.status(), 410);
  await page.getByRole('heading', { name: 'Deze uitnodiging is ingetrokken' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
  await shot(page, '14-error-revoked-nl');
});

test('the forward_url page plays the recordings and stops after 3 opens', async () => {
  const fwd = await a.get(`/api/interviews/${shared.interview.id}/forward_url`);
  assert.equal(fwd.status, 200, fwd.text);
  const url = fwd.json.url;
  assert.match(url, /\/public\/video\/v\/[a-z0-9]+$/);
  const page = await newPage(browser);
  for (let open = 1; open <= 3; open++) {
    const res = await page.goto(url);
    assert.equal(res.status(), 200, `opening ${open}`);
    await page.getByRole('heading', { name: 'Video interview of Ada Candidate' }).waitFor();
    assert.equal(await page.locator('video').count(), 2);
    if (open === 1) {
      const size = await videoPlays(page);
      assert.ok(size.width > 0 && size.height > 0, 'the video decodes');
      await shot(page, '20-forward-page');
      // Range: the video bytes are served in pieces (seeking works).
      const src = await page.locator('video').first().getAttribute('src');
      const part = await page.request.get(new URL(src, url).href, { headers: { Range: 'bytes=0-99' } });
      assert.equal(part.status(), 206);
      assert.match(part.headers()['content-range'], /^bytes 0-99\/\d+$/);
      assert.equal((await part.body()).length, 100);
      shared.forwardMedia = new URL(src, url).href;
    }
  }
  await page.getByText('This was the last opening of this link.').waitFor();
  const gone = await page.goto(url);
  assert.equal(gone.status(), 410);
  await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
  await shot(page, '21-forward-used-up');
  // The video access of an opening is bound to it: without it, no bytes.
  const bare = await page.request.get(shared.forwardMedia.replace(/\?.*$/, ''));
  assert.notEqual(bare.status(), 200);
});

test('a reviewer link turns the reviewer invitation into a review', async () => {
  const id = shared.interview.id;
  const created = await a.post(`/api/interviews/${id}/reviewers`,
                               { reviewer: { name: 'Rita Reviewer', email: 'rita@example.test' } });
  assert.equal(created.status, 201, created.text);
  const page = await newPage(browser);
  await page.goto(created.json.reviewer.url);
  await page.getByRole('heading', { name: 'Review: Ada Candidate' }).waitFor();
  await videoPlays(page);
  await shot(page, '30-reviewer-page');
  await page.getByRole('radio', { name: '4 out of 5' }).check();
  await page.getByLabel('Remarks').fill('Clear answers, good energy.');
  await page.getByRole('button', { name: 'Submit review' }).click();
  await page.getByRole('heading', { name: 'Thank you for your review' }).waitFor();
  await shot(page, '31-reviewer-thanks');

  const reviews = (await a.get(`/api/interviews/${id}/reviews`)).json.map((x) => x.review);
  assert.equal(reviews.length, 1);
  assert.equal(reviews[0].reviewer_name, 'Rita Reviewer');
  assert.equal(reviews[0].rating, 4);
  assert.equal(reviews[0].remarks, 'Clear answers, good energy.');
  const reviewers = (await a.get(`/api/interviews/${id}/reviewers`)).json;
  assert.equal(reviewers.length, 0, 'the reviewer invitation left the list');
  const again = await page.goto(created.json.reviewer.url);
  assert.equal(again.status(), 410);
  await page.getByRole('heading', { name: 'This review was already submitted' }).waitFor();
});

test('the recruiter page shows the interview and adds a review (HTTP Basic)', async () => {
  const url = shared.interview.url;
  // Without credentials the browser is asked for them (401 + Basic challenge).
  const anonymous = await newPage(browser);
  const denied = await anonymous.request.get(url, { headers: { Accept: 'text/html' } });
  assert.equal(denied.status(), 401);
  assert.match(denied.headers()['www-authenticate'], /^Basic /);
  assert.match(await denied.text(), /Please sign in/);

  const page = await newPage(browser, { httpCredentials: { username: env.user, password: env.token } });
  const res = await page.goto(url);
  assert.equal(res.status(), 200);
  await page.getByRole('heading', { name: /Ada Candidate/ }).first().waitFor();
  await page.getByText('Rita Reviewer: 4 out of 5').waitFor();
  await videoPlays(page);
  await page.getByRole('radio', { name: '5 out of 5' }).check();
  await page.getByLabel('Remarks').fill('Invite for a second round.');
  await page.getByRole('button', { name: 'Submit review' }).click();
  await page.getByText('Invite for a second round.').waitFor();
  await shot(page, '40-recruiter-page');
  const reviews = (await a.get(`/api/interviews/${shared.interview.id}/reviews`)).json;
  assert.equal(reviews.length, 2);
});

test('a public vacancy: name and email, then the same flow', async () => {
  const vacancy = await createVacancy(a, { scope: 'public', language: 'nl',
                                           questions: [{ title: 'Wat is je motivatie?' }] });
  assert.match(vacancy.public_url, /\/public\/vacancies\/[a-z0-9]+$/);
  const page = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await page.goto(vacancy.public_url);
  await page.getByRole('heading', { name: 'Solliciteer op Backend engineer' }).waitFor();
  await page.getByRole('button', { name: 'Start het video-interview' }).click();
  await page.getByText('Vul je naam in.').waitFor();
  await shot(page, '50-public-vacancy-errors');
  await page.getByLabel('Je volledige naam').fill('Piet Publiek');
  await page.getByLabel('Je e-mailadres').fill('piet@example.test');
  await page.keyboard.press('Enter');  // submits the form
  await page.getByRole('heading', { name: 'Welkom, Piet Publiek' }).waitFor();
  await shot(page, '51-public-vacancy-welcome-nl');
  await page.getByRole('button', { name: 'Beginnen' }).click();
  await page.getByRole('button', { name: 'Camera en microfoon werken' }).click();
  await flow.record(page, 1500);
  await page.getByRole('button', { name: 'Dit antwoord gebruiken' }).click();
  await page.getByRole('heading', { name: 'Bedankt!' }).waitFor({ timeout: 60000 });
  await shot(page, '52-public-vacancy-done-nl');
  const list = (await a.get(`/api/vacancies/${vacancy.id}/interviews`)).json.map((x) => x.interview);
  assert.equal(list.length, 1);
  assert.equal(list[0].candidate_email, 'piet@example.test');
});

test('the server counts the takes: a reload at the review step gives no new recording; the CV ' +
     'is part of the interview', async () => {
  const vacancy = await createVacancy(a, { num_of_retries: 0, cv_upload_required: 'yes',
                                           questions: [{ title: 'Tell us about a project' }] });
  const inv = await invite(a, vacancy.id, { candidate_name: 'Rex Reload', candidate_email: 'rex@example.test' });
  // The same link open in two browsers, both at the question (one take left).
  const toQuestion = async (p) => {
    await p.goto(inv.url);
    await p.getByRole('heading', { name: 'Welcome, Rex Reload' }).waitFor();
    await p.getByRole('button', { name: 'Start' }).click();
    await flow.cameraCheck(p);
    await p.getByRole('button', { name: 'Camera and microphone work' }).click();
    await p.getByRole('button', { name: 'Start recording' }).waitFor();
  };
  const page = await newPage(browser);
  const other = await newPage(browser);
  await toQuestion(page);
  await toQuestion(other);
  // The first registration reaches the server but its answer is lost (the
  // upload exists and never gets a byte): the page keeps the recording and
  // offers to try again, and the new registration becomes the one take.
  const uploads = `${inv.url}/uploads`;
  let lost = 0;
  await page.route(uploads, async (route) => {
    if (route.request().method() !== 'POST' || lost > 0) return route.fallback();
    lost += 1;
    await route.fetch();
    return route.abort('connectionreset');
  });
  await page.getByRole('button', { name: 'Start recording' }).click();
  const stop = page.getByRole('button', { name: 'Stop recording' });
  await stop.waitFor({ timeout: 10000 });
  await page.waitForTimeout(1500);
  await stop.click();
  await page.getByText(/^This recording could not be registered yet/).waitFor({ timeout: 15000 });
  assert.equal(lost, 1);
  await shot(page, '53-candidate-take-not-registered');
  await page.unroute(uploads);
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.getByRole('button', { name: 'Use this answer' }).waitFor({ timeout: 15000 });
  // num_of_retries 0: the one take is registered before the review; no retake is offered.
  await page.getByText('You have used all your retakes for this question.').waitFor();
  assert.equal(await page.getByRole('button', { name: /Record again/ }).count(), 0);
  const state = async () => (await (await page.request.get(`${inv.url}/state`)).json()).interview;
  // A take counts once its last byte arrived: wait for the background upload.
  for (let i = 0; (await state()).questions[0].takes_left !== 0; i++) {
    assert.ok(i < 150, 'the take was not finished within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  // The other browser's recording is refused by the server, and the page says why.
  await other.getByRole('button', { name: 'Start recording' }).click();
  await other.getByRole('button', { name: 'Stop recording' }).click({ timeout: 10000 });
  await other.getByText(/^This recording was not accepted: question 1 allows 1 take/).waitFor({ timeout: 15000 });
  assert.equal(await other.getByRole('button', { name: /Use this answer|Record again|Start recording/ }).count(), 0);
  await shot(other, '54-candidate-take-refused');
  await other.context().close();

  // Reloading at the review step does not give a new recording.
  await page.reload();
  await page.getByRole('button', { name: 'Start' }).click();
  await flow.cameraCheck(page);
  await page.getByRole('button', { name: 'Camera and microphone work' }).click();
  await page.getByText('You recorded an answer to this question before the page was reloaded.').waitFor();
  assert.equal(await page.getByRole('button', { name: /Start recording|Record again/ }).count(), 0);
  await shot(page, '55-candidate-take-pending');
  // Nor does the upload endpoint, whatever the page does.
  const refused = await page.request.post(`${inv.url}/uploads`, { headers: {
    'Tus-Resumable': '1.0.0', 'Upload-Length': '1000',
    'Upload-Metadata': `kind ${Buffer.from('recording').toString('base64')},question ${Buffer.from('1').toString('base64')}`,
  } });
  assert.equal(refused.status(), 412);
  assert.match((await refused.json()).error.details, /allows 1 take/);
  await page.getByRole('button', { name: 'Use this answer' }).click();

  await page.getByRole('heading', { name: 'Upload your CV' }).waitFor();
  const pdf = Buffer.from('%PDF-1.4\n% Rex Reload, curriculum vitae\n%%EOF\n');
  await page.setInputFiles('#cv', { name: 'cv.pdf', mimeType: 'application/pdf', buffer: pdf });
  await page.getByRole('button', { name: 'Upload CV' }).click();
  await page.getByRole('heading', { name: 'Thank you!' }).waitFor({ timeout: 60000 });
  assert.deepEqual(page.errors || [], []);

  const list = (await a.get(`/api/vacancies/${vacancy.id}/interviews`)).json.map((x) => x.interview);
  assert.equal(list.length, 1);
  const detail = (await a.get(`/api/interviews/${list[0].id}`)).json.interview;
  assert.equal(detail.recordings.length, 1);
  assertWebm((await a.bytes(new URL(detail.recordings[0].recording.video_url).pathname)).body);
  const cv = await a.bytes(new URL(detail.cv_url).pathname);
  assert.equal(cv.status, 200);
  assert.equal(cv.headers['content-type'], 'application/pdf');
  assert.deepEqual(cv.body, pdf);

  const recruiter = await newPage(browser, { httpCredentials: { username: env.user, password: env.token } });
  assert.equal((await recruiter.goto(detail.url)).status(), 200);
  const link = recruiter.getByRole('link', { name: "Download the candidate's CV" });
  await link.waitFor();
  // The link serves the CV to the signed-in recruiter (the page's own credentials).
  const served = await recruiter.evaluate(async (href) => {
    const r = await fetch(href);
    return { status: r.status, type: r.headers.get('content-type'), bytes: Array.from(new Uint8Array(await r.arrayBuffer())) };
  }, await link.getAttribute('href'));
  assert.equal(served.status, 200);
  assert.equal(served.type, 'application/pdf');
  assert.deepEqual(Buffer.from(served.bytes), pdf);
  await shot(recruiter, '56-recruiter-page-cv');
});

test('a dropped upload resumes after a reload', async () => {
  await flow.droppedUploadResumes(a, browser);
});

test('a guest of a live interview opens their link', async () => {
  const vacancy = await createVacancy(a, { kind: 'live', title: 'Site lead', questions: undefined });
  const inv = await invite(a, vacancy.id, { datetime_scheduled: '2030-05-06T14:30:00+02:00',
                                            interviewer_name: 'Ivy Interviewer',
                                            interviewer_email: 'ivy@agency.test' });
  const created = await a.post(`/api/invitations/${inv.id}/guests`,
                               { guest: { name: 'Gus Guest', email: 'gus@example.test' } });
  assert.equal(created.status, 201, created.text);
  const token = linkToken('guest', new URL(inv.url).pathname.split('/').pop(), created.json.guest.id);
  const url = `${env.url}/public/guests/${token}`;
  const page = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true });
  let res = await page.goto(url);
  assert.equal(res.status(), 200);
  // Scheduled in 2030: the room is not open yet; the page says when.
  await page.getByRole('heading', { name: 'Your live interview for Site lead has not started yet' }).waitFor();
  await page.getByText('The interview with Ivy Interviewer is planned for Monday 6 May 2030 at 14:30 (UTC+02:00)',
                       { exact: false }).waitFor();
  assert.ok(!(await page.content()).includes(inv.url), "the candidate's link is not shown");
  await shot(page, '60-guest-page');
  assert.deepEqual(page.errors || [], []);

  const forged = token.slice(0, -2) + (token.endsWith('aa') ? 'bb' : 'aa');
  res = await page.goto(`${env.url}/public/guests/${forged}`);
  assert.equal(res.status(), 404);
  await page.getByRole('heading', { name: 'This link is not known' }).waitFor();

  assert.equal((await a.del(`/api/invitations/${inv.id}`)).status, 200);
  res = await page.goto(url);
  assert.equal(res.status(), 410);
  await page.getByRole('heading', { name: 'This interview was cancelled' }).waitFor();
  await shot(page, '61-guest-cancelled');
});

// Issue 18: a recruiter's video (tus upload through /api/uploads, attached as
// the vacancy's intro and a question's video) is shown to the candidate.
test('the candidate sees the intro video and the question video a recruiter uploaded', async () => {
  // A real WebM (a recording of the first test) when there is one.
  let bytes = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(60, 0x77)]);
  if (shared.interview) {
    const rec = await a.bytes(new URL(shared.interview.recordings[0].recording.video_url).pathname);
    if (rec.status === 200) bytes = rec.body;
  }
  const { request } = require('playwright-core');
  const tus = await request.newContext({
    baseURL: env.url,
    ignoreHTTPSErrors: true,
    extraHTTPHeaders: {
      Authorization: 'Basic ' + Buffer.from(`${env.user}:${env.token}`).toString('base64'),
      'Tus-Resumable': '1.0.0',
    },
  });
  try {
    const created = await tus.post('/api/uploads', { headers: { 'Upload-Length': String(bytes.length) } });
    assert.equal(created.status(), 201, await created.text());
    const location = created.headers().location;
    const half = Math.floor(bytes.length / 2);
    for (const [offset, part] of [[0, bytes.subarray(0, half)], [half, bytes.subarray(half)]]) {
      const r = await tus.patch(location, {
        headers: { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
        data: part,
      });
      assert.equal(r.status(), 204, await r.text());
    }
    const uploadId = Number(location.split('/').pop());
    const vacancy = await createVacancy(a, { title: 'Video vacancy' });
    const intro = await a.put(`/api/vacancies/${vacancy.id}/video`, { upload_id: uploadId });
    assert.equal(intro.status, 200, intro.text);
    const videoId = intro.json.vacancy.intro_video_id;
    const q1 = vacancy.questions[0].question.id;
    const qv = await a.put(`/api/vacancies/${vacancy.id}/questions/${q1}/video`, { video_id: videoId });
    assert.equal(qv.status, 200, qv.text);

    const inv = await invite(a, vacancy.id, { candidate_email: 'video@example.test' });
    const page = await newPage(browser);
    await page.goto(inv.url);
    await page.getByRole('button', { name: 'Start' }).click();
    const introVideo = page.getByLabel('Introduction video');
    await introVideo.waitFor();
    assert.match(await introVideo.getAttribute('src'), /\/public\/job_interviews\/[a-z0-9]+\/video$/);
    await shot(page, '70-candidate-intro-video');
    await page.getByRole('button', { name: 'Continue' }).click();
    await flow.cameraCheck(page);
    await page.getByRole('button', { name: 'Camera and microphone work' }).click();
    await page.getByText('Question 1 of 2').waitFor();
    const questionVideo = page.getByLabel('Question video');
    await questionVideo.waitFor();
    assert.match(await questionVideo.getAttribute('src'), new RegExp(`/questions/${q1}/video$`));
    // The page's own origin serves it under the candidate's token.
    const status = await page.evaluate(async (src) => (await fetch(src)).status,
                                       await questionVideo.getAttribute('src'));
    assert.equal(status, 200);
    await shot(page, '71-candidate-question-video');
    assert.deepEqual(page.errors || [], []);
    await page.context().close();
  } finally {
    await tus.dispose();
  }
});
