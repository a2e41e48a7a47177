// Helpers of the browser end-to-end tests (e2e.test.js): the API as an
// integrator calls it, Debian's chromium driven by playwright-core with fake
// camera and microphone, screenshots as artifacts, and media checks.
// Configured by run.sh through the environment:
//   CAMMIO_URL (https://127.0.0.1:PORT), CAMMIO_USER, CAMMIO_TOKEN, CAMMIO_PASSWORD,
//   CAMMIO_CHROMIUM (the browser binary), CAMMIO_ARTIFACTS (screenshots),
//   CAMMIO_Y4M (the fake camera clip).
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const crypto = require('node:crypto');
const { chromium, request } = require('playwright-core');

const env = {
  url: process.env.CAMMIO_URL,
  user: process.env.CAMMIO_USER,
  token: process.env.CAMMIO_TOKEN,
  password: process.env.CAMMIO_PASSWORD,  // the user's console password
  chromium: process.env.CAMMIO_CHROMIUM || '/usr/bin/chromium',
  artifacts: process.env.CAMMIO_ARTIFACTS || path.join(__dirname, 'artifacts'),
  y4m: process.env.CAMMIO_Y4M,
};
fs.mkdirSync(env.artifacts, { recursive: true });

// The API with the account's credentials: run.sh's server (CAMMIO_URL,
// CAMMIO_USER, CAMMIO_TOKEN), or `server` ({url, user, token}) when given.
async function api(server = env) {
  for (const k of ['url', 'user', 'token']) {
    if (!server[k]) throw new Error(`CAMMIO_${k.toUpperCase()} is not set (run tests/web/run.sh)`);
  }
  const ctx = await request.newContext({
    baseURL: server.url,
    ignoreHTTPSErrors: true,
    extraHTTPHeaders: {
      Authorization: 'Basic ' + Buffer.from(`${server.user}:${server.token}`).toString('base64'),
    },
  });
  async function call(method, p, body) {
    const res = await ctx.fetch(p, { method, data: body === undefined ? undefined : body });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
    return { status: res.status(), json, text, headers: res.headers(), body: () => res.body() };
  }
  return {
    get: (p) => call('GET', p),
    post: (p, body) => call('POST', p, body),
    put: (p, body) => call('PUT', p, body),
    del: (p) => call('DELETE', p),
    bytes: async (p, headers = {}) => {
      const res = await ctx.get(p, { headers });
      return { status: res.status(), headers: res.headers(), body: await res.body() };
    },
    dispose: () => ctx.dispose(),
  };
}

function iso(offsetDays) {
  return new Date(Date.now() + offsetDays * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
}

// A vacancy with questions; `fields` override the defaults.
async function createVacancy(a, fields = {}) {
  const body = {
    vacancy: Object.assign({
      title: 'Backend engineer',
      datetime_start: iso(-1),
      datetime_end: iso(30),
      language: 'en',
      answering_time: '1 minute',
      num_of_retries: 1,
      generic_invitation_text: 'Thank you for applying.\nThis takes about ten minutes.',
      questions: [{ title: 'Introduce yourself', text: 'Who are you?' }, { title: 'Why this job?' }],
    }, fields),
  };
  const r = await a.post('/api/vacancies', body);
  assert.equal(r.status, 201, r.text);
  return r.json.vacancy;
}

async function invite(a, vacancyId, fields = {}) {
  const body = { invitation: Object.assign({
    vacancy_id: vacancyId, candidate_name: 'Ada Candidate', candidate_email: 'ada@example.test',
  }, fields) };
  const r = await a.post('/api/invitations', body);
  assert.equal(r.status, 201, r.text);
  return r.json.invitation;
}

async function launch() {
  const args = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
                '--autoplay-policy=no-user-gesture-required'];
  if (env.y4m) args.push(`--use-file-for-fake-video-capture=${env.y4m}`);
  return chromium.launch({ executablePath: env.chromium, headless: true, args });
}

async function newPage(browser, options = {}) {
  const context = await browser.newContext(Object.assign({
    ignoreHTTPSErrors: true,
    permissions: ['camera', 'microphone'],
    viewport: { width: 1000, height: 900 },
  }, options));
  const page = await context.newPage();
  page.on('pageerror', (e) => { page.errors = (page.errors || []).concat(String(e)); });
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(env.artifacts, `${name}.png`), fullPage: true });
}

// A personal link token of a live interview as the server makes it
// (mail::GuestToken, mail::InterviewerToken): "<id>." + the first 16 bytes of
// HMAC-SHA256(key: the candidate's link token, "cammio <kind> <id>") in
// lower-case base32 without padding. Computed here independently, so a change
// on either side shows.
function linkToken(kind, invitationToken, id) {
  const mac = crypto.createHmac('sha256', invitationToken).update(`cammio ${kind} ${id}`)
    .digest().subarray(0, 16);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let out = `${id}.`;
  let buffer = 0;
  let bits = 0;
  for (const byte of mac) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) { out += alphabet[(buffer >> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

// Checks the EBML header of a WebM file: EBML magic, DocType "webm", a
// Segment and at least one Cluster.
function assertWebm(buf) {
  assert.ok(buf.length > 1000, `a recording of ${buf.length} bytes is too small`);
  assert.deepEqual([...buf.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], 'EBML magic');
  const docType = buf.indexOf(Buffer.from([0x42, 0x82]));
  assert.ok(docType > 0 && docType < 64, 'DocType element in the EBML header');
  const len = buf[docType + 2] & 0x7f;  // one-byte size (0x84 -> 4)
  assert.equal(buf.subarray(docType + 3, docType + 3 + len).toString('ascii'), 'webm');
  assert.ok(buf.indexOf(Buffer.from([0x18, 0x53, 0x80, 0x67])) > 0, 'Segment element');
  assert.ok(buf.indexOf(Buffer.from([0x1f, 0x43, 0xb6, 0x75])) > 0, 'Cluster element');
}

// Waits until the page's first <video> has decoded a frame; returns its size.
async function videoPlays(page, selector = 'video') {
  return page.waitForFunction((sel) => {
    const v = document.querySelector(sel);
    if (!v) return false;
    if (v.readyState < 2) { v.muted = true; v.play().catch(() => {}); return false; }
    return { width: v.videoWidth, height: v.videoHeight };
  }, selector, { timeout: 20000 }).then((h) => h.jsonValue());
}

module.exports = {
  env, api, createVacancy, invite, launch, newPage, shot, assertWebm, videoPlays, iso, linkToken,
};
