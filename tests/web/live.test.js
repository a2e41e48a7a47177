// Browser end-to-end tests of the live interview room (assets/live.js):
// candidate, interviewer and guest in three headless Chromium pages with
// fake camera and microphone, against servers this file starts itself
// (live_world.js), and a call relayed by Debian's coturn on loopback.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { api, launch, newPage, shot, assertWebm, linkToken } = require('./lib');
const world = require('./live_world');

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

function iso(offsetMinutes) {
  return new Date(Date.now() + offsetMinutes * 60e3).toISOString().replace(/\.\d+Z$/, 'Z');
}

async function until(what, fn, ms = 30000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// A live vacancy, an invitation in 5 minutes (the lobby is open) with an
// interviewer and callback params, and a guest. -> the three links.
async function liveInvitation(a, server, fields = {}) {
  const v = await a.post('/api/vacancies', { vacancy: Object.assign({
    title: 'Barista', kind: 'live', language: 'en', datetime_start: iso(-60 * 24), datetime_end: iso(60 * 24 * 30),
  }, fields) });
  assert.equal(v.status, 201, v.text);
  const i = await a.post('/api/invitations', { invitation: {
    vacancy_id: v.json.vacancy.id, candidate_name: 'Ada Candidate', candidate_email: 'ada@example.test',
    interviewer_name: 'Ivy Interviewer', interviewer_email: 'ivy@agency.test', datetime_scheduled: iso(5),
    callback_params: { employee_id: 'E-42' },
  } });
  assert.equal(i.status, 201, i.text);
  const inv = i.json.invitation;
  assert.ok(inv.interviewer_url, 'a live invitation has the interviewer\'s link');
  const token = new URL(inv.url).pathname.split('/').pop();
  const g = await a.post(`/api/invitations/${inv.id}/guests`, { guest: { name: 'Gus Guest', email: 'gus@example.test' } });
  assert.equal(g.status, 201, g.text);
  const interviewer = `${server.url}/public/interviewers/${linkToken('interviewer', token, inv.id)}`;
  assert.equal(inv.interviewer_url, interviewer);
  return {
    inv, guestId: `guest-${g.json.guest.id}`,
    candidate: inv.url, interviewer, guest: `${server.url}/public/guests/${linkToken('guest', token, g.json.guest.id)}`,
  };
}

// Opens `url`, passes the lobby (camera check; the consent box exactly when
// the vacancy records), joins.
async function join(page, url, recorded = true) {
  page.on('dialog', (d) => d.accept());  // leave/reload warnings, confirmations
  const res = await page.goto(url);
  assert.equal(res.status(), 200);
  await page.getByRole('heading', { name: 'Ready to join?' }).waitFor();
  await page.waitForFunction(() => {
    const v = document.querySelector('video.preview');
    return v && v.videoWidth > 0;
  }, null, { timeout: 15000 });
  const consent = page.getByLabel(/This interview is recorded/);
  const joinButton = page.getByRole('button', { name: 'Join the interview' });
  assert.equal(await consent.count(), recorded ? 1 : 0, 'a consent box exactly when recorded');
  if (recorded) {
    assert.ok(await joinButton.isDisabled(), 'no joining before the consent');
    await consent.check();
  }
  await joinButton.click();
  await page.locator('#grid').waitFor();
}

const stats = (page) => page.evaluate(() => window.CammioLive.stats());

// Every connection of `page` (`ids`) decodes video, and keeps decoding.
async function remoteVideosPlay(page, ids, extra = () => true) {
  const first = await until(`video from ${ids} on ${page.url()}`, async () => {
    const s = await stats(page);
    const ok = ids.every((id) => s.some((p) => p.id === id && p.framesDecoded > 0 && extra(p)));
    return ok && s.length === ids.length ? s : null;
  });
  await until(`more frames from ${ids}`, async () => {
    const s = await stats(page);
    return ids.every((id) => s.find((p) => p.id === id).framesDecoded >
                              first.find((p) => p.id === id).framesDecoded + 5);
  });
  const tiles = await page.locator('#grid video').count();
  assert.equal(tiles, ids.length + 1, 'a tile per participant, this one included');
  return first;
}

test('three participants meet, chat, rejoin; a guest is removed; the end leaves four WebM recordings (the reloaded guest\'s in two segments) and tells the ATS',
  { timeout: 240000 }, async () => {
    const ats = await world.startAts();
    const server = await world.startServer({ CAMMIO_OUTBOUND_ALLOW: '127.0.0.0/8' });
    const a = await api(server);
    try {
      const put = await a.put('/api/settings/notifications', { notification_settings: {
        host: ats.url, ssl: false, endpoint: '/ats/{{employee_id}}', method: 'POST', content_type: 'application/json',
      } });
      assert.equal(put.status, 200, put.text);
      const links = await liveInvitation(a, server);
      const pages = {
        interviewer: await newPage(browser, { viewport: { width: 1200, height: 900 } }),
        candidate: await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true }),
        guest: await newPage(browser),
      };
      const ids = { interviewer: 'interviewer', candidate: 'candidate', guest: links.guestId };
      const others = (who) => Object.keys(ids).filter((k) => k !== who).map((k) => ids[k]);

      await join(pages.interviewer, links.interviewer);
      await pages.interviewer.getByText('Ivy Interviewer', { exact: false }).first().waitFor();
      await join(pages.candidate, links.candidate);
      await join(pages.guest, links.guest);
      for (const who of Object.keys(pages)) {
        assert.equal((await pages[who].evaluate(() => window.CammioLive.self())).id, ids[who]);
        await remoteVideosPlay(pages[who], others(who));
        await pages[who].locator('#people li').nth(2).waitFor();
      }
      await shot(pages.interviewer, 'live-01-interviewer-room');
      await shot(pages.candidate, 'live-02-candidate-room-phone');

      // A chat line arrives at the others.
      await pages.candidate.locator('#chat-text').fill('Hello from Ada');
      await pages.candidate.locator('#chat-text').press('Enter');
      for (const who of ['interviewer', 'guest']) {
        await pages[who].locator('#chat li', { hasText: 'Hello from Ada' }).waitFor({ timeout: 10000 });
      }

      // The guest reloads: straight back into the room; the others see it
      // come back and its video plays again on new connections. What it had
      // recorded is kept as a segment of its own (uploaded from IndexedDB).
      const before = await stats(pages.interviewer);
      const beforeCandidate = await stats(pages.candidate);
      await pages.guest.reload();
      await pages.guest.locator('#grid').waitFor();
      for (const who of Object.keys(pages)) await remoteVideosPlay(pages[who], others(who));
      for (const who of ['interviewer', 'candidate']) {
        const now = (await stats(pages[who])).find((p) => p.id === links.guestId);
        const then = (who === 'interviewer' ? before : beforeCandidate).find((p) => p.id === links.guestId);
        assert.ok(now.generation > then.generation, `${who}: the guest came back on a new connection`);
        const kept = (await stats(pages[who])).find((p) => p.id !== links.guestId);
        assert.equal(kept.generation, 1, `${who}: the other connection was kept`);
      }
      await pages.guest.locator('#chat li', { hasText: 'Hello from Ada' }).waitFor();  // the history

      // Muting shows at the others.
      await pages.guest.getByRole('button', { name: 'Mute' }).click();
      await pages.interviewer.locator('#people li', { hasText: 'Gus Guest' }).filter({ hasText: 'muted' }).waitFor();

      // The interviewer removes the guest: it is told so and leaves the
      // others' rooms; its recording is still sent.
      await pages.interviewer.getByRole('button', { name: 'Remove Gus Guest' }).click();
      await pages.guest.getByRole('heading', { name: 'You were removed from the interview' }).waitFor({ timeout: 15000 });
      for (const who of ['interviewer', 'candidate']) {
        await until(`${who} sees the guest gone`, async () => (await pages[who].locator('#people li').count()) === 2);
        await until(`${who} closed the guest's connection`, async () => (await stats(pages[who])).length === 1);
      }

      // The interviewer ends it; every browser uploads its recording.
      await pages.interviewer.getByRole('button', { name: 'End the interview' }).click();
      for (const who of ['interviewer', 'candidate']) {
        await pages[who].getByRole('heading', { name: 'The interview has ended' }).waitFor({ timeout: 15000 });
      }
      for (const who of Object.keys(pages)) {
        await pages[who].locator('#upload-done').waitFor({ timeout: 60000 });
        assert.deepEqual(pages[who].errors || [], [], `${who}: no script errors`);
      }
      await shot(pages.candidate, 'live-03-candidate-ended');

      // The interview with one recording per segment, each valid WebM: one
      // each for candidate and interviewer, two for the guest who reloaded
      // (before and after the reload, in that order).
      const interview = await until('the interview with four recordings', async () => {
        const list = await a.get('/api/interviews');
        const found = (list.json || []).map((x) => x.interview).find((w) => w.invitation_id === links.inv.id);
        if (!found) return null;
        const detail = (await a.get(`/api/interviews/${found.id}`)).json.interview;
        const ready = detail.recordings.filter((r) => r.recording.video_url);
        return ready.length === 4 ? detail : null;
      }, 60000);
      const recs = interview.recordings.map((r) => r.recording);
      assert.deepEqual(recs.map((r) => r.participant), ['candidate', 'interviewer', links.guestId, links.guestId]);
      assert.ok(recs[2].recorded_at <= recs[3].recorded_at, 'the guest\'s segments in recording order');
      assert.match(recs[3].title, /Gus Guest \(part 2\)/);
      assert.ok(interview.datetime_start && interview.datetime_end, 'start and end are set');
      for (const { recording } of interview.recordings) {
        const video = await a.bytes(new URL(recording.video_url).pathname);
        assert.equal(video.status, 200);
        assertWebm(video.body);
        if (world.hasFfprobe()) {
          const streams = world.ffprobeStreams(video.body);
          assert.ok(streams.includes('video') && streams.includes('audio'), `${recording.title}: ${streams}`);
        }
      }

      // The ATS hears of the completion with the invitation's callback params.
      const hit = await until('the ATS notification', async () => ats.requests.find((r) => r.url === '/ats/E-42'),
                              60000);
      assert.equal(hit.method, 'POST');

      // The links after the end: 410, the page says so (the removed guest's
      // that it was removed); nothing changed.
      for (const [url, heading] of [[links.candidate, 'This interview has ended'],
                                    [links.interviewer, 'This interview has ended'],
                                    [links.guest, 'You were removed from the interview']]) {
        const res = await pages.candidate.goto(url);
        assert.equal(res.status(), 410);
        await pages.candidate.getByRole('heading', { name: heading }).waitFor();
      }
    } finally {
      await a.dispose();
      await server.stop();
      await ats.stop();
    }
  });

test('a call through coturn: relay candidates only, with time-limited TURN credentials', { timeout: 120000 },
  async () => {
    const turn = await world.startCoturn();
    const server = await world.startServer({
      CAMMIO_ICE_SERVERS: `turn:127.0.0.1:${turn.port}?transport=udp`,
      CAMMIO_TURN_SECRET: turn.secret,
      CAMMIO_ICE_TRANSPORT_POLICY: 'relay',
    });
    const a = await api(server);
    try {
      const links = await liveInvitation(a, server, { live_recording: false });
      const candidate = await newPage(browser);
      const interviewer = await newPage(browser);
      // The room hands out the TURN server with credentials made for this
      // participant; the shared secret never reaches a browser.
      const room = await candidate.request.get(`${links.candidate}/live`, { headers: { Accept: 'application/json' } });
      assert.equal(room.status(), 200);
      const doc = await room.json();
      assert.equal(doc.ice_transport_policy, 'relay');
      assert.equal(doc.ice_servers.length, 1);
      assert.deepEqual([].concat(doc.ice_servers[0].urls), [`turn:127.0.0.1:${turn.port}?transport=udp`]);
      assert.match(doc.ice_servers[0].username, /^\d+:candidate$/);
      assert.ok(Number(doc.ice_servers[0].username.split(':')[0]) > Date.now() / 1000, 'not expired');
      assert.ok(!JSON.stringify(doc).includes(turn.secret));

      await join(interviewer, links.interviewer, false);
      await join(candidate, links.candidate, false);
      const relayed = (p) => p.localCandidateType === 'relay';
      await remoteVideosPlay(candidate, ['interviewer'], relayed);
      await remoteVideosPlay(interviewer, ['candidate'], relayed);
      await shot(candidate, 'live-10-relayed-call');
      // coturn allocated relays for both, with the credentials the room made.
      const log = turn.log();
      assert.match(log, /user <\d+:candidate>: incoming packet ALLOCATE processed, success/);
      assert.match(log, /user <\d+:interviewer>: incoming packet ALLOCATE processed, success/);
    } finally {
      await a.dispose();
      await server.stop();
      await turn.stop();
    }
  });

test('the same link in a second window takes the room over; the first says so, stays out, and can take it back',
  { timeout: 120000 }, async () => {
    const server = await world.startServer();
    const a = await api(server);
    try {
      const links = await liveInvitation(a, server, { live_recording: false });
      const heading = 'This interview is open in another window';
      const inRoom = (page) => until(`${page.url()} in the room`,
                                     () => page.evaluate(() => !!window.CammioLive.self()), 15000);
      const first = await newPage(browser);
      await join(first, links.candidate, false);
      await inRoom(first);
      // A second tab of the same browser: it had joined, so straight in.
      const second = await first.context().newPage();
      second.on('pageerror', (e) => { second.errors = (second.errors || []).concat(String(e)); });
      await second.goto(links.candidate);
      await second.locator('#grid').waitFor();
      await inRoom(second);
      await first.getByRole('heading', { name: heading }).waitFor({ timeout: 15000 });
      await shot(first, 'live-20-open-in-another-window');
      // The first does not reconnect (an EventSource would within ~3 s) and
      // so does not throw the second out.
      await new Promise((r) => setTimeout(r, 6000));
      assert.equal(await second.getByRole('heading', { name: heading }).count(), 0);
      assert.equal(await second.locator('#grid').count(), 1);
      // Taking it back here: the first rejoins, the second is told.
      await first.getByRole('button', { name: 'Continue here' }).click();
      await first.locator('#grid').waitFor();
      await inRoom(first);
      await second.getByRole('heading', { name: heading }).waitFor({ timeout: 15000 });
      assert.deepEqual(first.errors || [], [], 'first: no script errors');
      assert.deepEqual(second.errors || [], [], 'second: no script errors');
    } finally {
      await a.dispose();
      await server.stop();
    }
  });
