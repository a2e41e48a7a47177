// Steps of the candidate flow shared by the end-to-end tests, and the
// dropped-upload scenario.
'use strict';
const assert = require('node:assert/strict');
const { createVacancy, invite, shot, assertWebm } = require('./lib');

const START = /^(Start recording|Opname starten)$/;
const STOP = /^(Stop recording|Opname stoppen)$/;
const USE = /^(Use this answer|Dit antwoord gebruiken)$/;

// Waits until the camera check has a live stream (its button is enabled).
async function cameraCheck(page) {
  const ok = page.getByRole('button', { name: /Camera and microphone work|Camera en microfoon werken/ });
  await ok.waitFor();
  await page.waitForFunction(() => {
    const v = document.querySelector('video.preview');
    return v && v.videoWidth > 0;
  }, null, { timeout: 15000 });
  assert.ok(await ok.isEnabled(), 'camera check passes with the fake devices');
}

// Records one answer of about `ms` milliseconds, ending on the review step.
async function record(page, ms, shotName) {
  await page.getByRole('button', { name: START }).click();
  const stop = page.getByRole('button', { name: STOP });
  await stop.waitFor({ timeout: 10000 });
  await page.waitForTimeout(ms);
  if (shotName) await shot(page, shotName);
  await stop.click();
  await page.getByRole('button', { name: USE }).waitFor({ timeout: 15000 });
  // The review plays the recording back from the browser's own copy.
  await page.waitForFunction(() => {
    const v = document.querySelector('.stage video');
    return v && v.readyState >= 1;
  }, null, { timeout: 15000 });
}

// The connection drops in the middle of an upload (PATCH requests fail
// after the first two chunks); the page says it waits, the candidate
// reloads, and the upload continues from the offset the server reports as
// durable, without starting over.
async function droppedUploadResumes(a, browser) {
  const vacancy = await createVacancy(a, { questions: [{ title: 'Tell us about a project' }] });
  const inv = await invite(a, vacancy.id, { candidate_name: 'Dora Drop', candidate_email: 'dora@example.test' });
  const context = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'] });
  await context.addInitScript(() => localStorage.setItem('cammio:chunk-bytes', '16384'));
  const page = await context.newPage();
  let dropping = true;
  let patches = 0;
  let creates = 0;
  const resumedAt = [];
  await page.route(/\/uploads(\/\d+)?$/, (route) => {
    const method = route.request().method();
    if (method === 'POST') creates += 1;
    if (method === 'PATCH' && dropping && ++patches > 2) return route.abort('connectionreset');
    return route.continue();
  });
  page.on('response', (r) => {
    if (!dropping && r.request().method() === 'HEAD') resumedAt.push(Number(r.headers()['upload-offset']));
  });

  // Keyboard only: the heading has focus, Tab reaches Start, Enter presses it.
  await page.goto(inv.url);
  await page.getByRole('heading', { name: 'Welcome, Dora Drop' }).waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Start');
  await page.keyboard.press('Enter');
  await cameraCheck(page);
  await page.getByRole('button', { name: 'Camera and microphone work' }).click();
  await record(page, 3000);
  await page.getByRole('button', { name: USE }).click();
  await page.getByText('Connection lost; trying again in a moment…').waitFor({ timeout: 30000 });
  await shot(page, '60-upload-connection-lost');
  const before = await page.locator('#upload-progress').evaluate((p) => p.value);
  assert.ok(before > 0 && before < 100, `partly sent before the drop (${before}%)`);

  dropping = false;
  await page.reload();
  await page.getByText('Welcome back: you already answered 1 of 1 questions.', { exact: false }).waitFor();
  await shot(page, '61-upload-resume-welcome');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Thank you!' }).waitFor({ timeout: 60000 });
  await shot(page, '62-upload-resumed-done');

  assert.ok(resumedAt.length >= 1 && resumedAt[0] >= 2 * 16384,
            `the upload resumed at the durable offset (HEAD said ${resumedAt})`);
  assert.equal(creates, 2, 'one recording and one thumbnail upload: the recording was not started over');
  const list = (await a.get(`/api/vacancies/${vacancy.id}/interviews`)).json.map((x) => x.interview);
  assert.equal(list.length, 1);
  const detail = (await a.get(`/api/interviews/${list[0].id}`)).json.interview;
  assert.equal(detail.recordings.length, 1);
  assertWebm((await a.bytes(new URL(detail.recordings[0].recording.video_url).pathname)).body);
  await context.close();
}

module.exports = { cameraCheck, record, droppedUploadResumes };
