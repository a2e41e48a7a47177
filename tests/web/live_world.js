// What the live room's browser tests (live.test.js) run beside the browsers:
// their own `cammio serve` with the settings a test needs, Debian's coturn
// on loopback, and an ATS receiver. Everything listens on 127.0.0.1 only and
// is stopped by the returned stop().
'use strict';
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const dgram = require('node:dgram');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const bin = process.env.CAMMIO_BIN;

function freeTcpPort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.on('error', reject);
    s.bind(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Resolves once `file` holds `text` (a child's log), or rejects after `ms`
// or when `child` exits.
function waitForLog(file, text, child, ms) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    (function poll() {
      let log = '';
      try { log = fs.readFileSync(file, 'utf8'); } catch (e) { /* not yet */ }
      if (log.includes(text)) return resolve(log);
      if (child.exitCode !== null) return reject(new Error(`exited (${child.exitCode}): ${log}`));
      if (Date.now() > deadline) return reject(new Error(`no "${text}" within ${ms} ms: ${log}`));
      return setTimeout(poll, 50);
    })();
  });
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => { if (child.exitCode === null) child.kill('SIGKILL'); }, 5000).unref();
  });
}

// `cammio serve` with a fresh data directory, an account and a recruiter;
// `env` adds settings (CAMMIO_<NAME>). -> {url, user, token, log, stop()}.
async function startServer(env = {}) {
  assert.ok(bin, 'CAMMIO_BIN is not set (run tests/web/run.sh)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cammio-live-'));
  const data = path.join(dir, 'data');
  const acc = execFileSync(bin, ['account', 'create', '--name', 'Live Agency', '--data', data]).toString();
  const account = /"id":(\d+)/.exec(acc)[1];
  const user = execFileSync(bin, ['user', 'create', '--account', account, '--email', 'rita@agency.test',
                                  '--name', 'Rita Recruiter', '--data', data]).toString();
  const token = /"access_token":"([^"]+)"/.exec(user)[1];
  const port = await freeTcpPort();
  const url = `https://127.0.0.1:${port}`;
  const log = path.join(dir, 'server.log');
  const out = fs.openSync(log, 'a');
  const child = spawn(bin, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`, '--public-url', url],
                      { env: Object.assign({}, process.env, env), stdio: ['ignore', out, out] });
  await waitForLog(log, 'listening on', child, 15000);
  return {
    url, user: 'rita@agency.test', token, log,
    stop: async () => {
      await stopChild(child);
      keepLog(log, `live-server-${port}.log`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Copies a log next to the screenshots (CAMMIO_ARTIFACTS), for a failure's
// post-mortem.
function keepLog(file, name) {
  const dir = process.env.CAMMIO_ARTIFACTS;
  if (!dir) return;
  try { fs.copyFileSync(file, path.join(dir, name)); } catch (e) { /* nothing logged */ }
}

// Debian's turnserver on 127.0.0.1 with the TURN REST API scheme
// (use-auth-secret): -> {port, secret, log(), stop()}.
async function startCoturn() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cammio-turn-'));
  const port = await freeUdpPort();
  const secret = 'relay-test-' + Math.random().toString(36).slice(2);
  const log = path.join(dir, 'turn.log');
  const min = 40000 + Math.floor(Math.random() * 200) * 100;
  const child = spawn('turnserver', [
    '-n',  // no configuration file: everything is on this command line
    '--listening-ip=127.0.0.1', `--listening-port=${port}`, '--relay-ip=127.0.0.1',
    `--min-port=${min}`, `--max-port=${min + 99}`,
    '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm=cammio.test',
    '--no-tls', '--no-dtls', '--no-cli', '--no-tcp-relay', '--allow-loopback-peers',
    `--log-file=${log}`, '--simple-log', '-v',  // -v: each allocation, with its username
    `--pidfile=${path.join(dir, 'turn.pid')}`, `--db=${path.join(dir, 'turndb')}`,
  ], { stdio: 'ignore' });
  child.on('error', () => {});
  await waitForLog(log, 'SQLite DB connection success', child, 10000);
  return {
    port, secret,
    log: () => fs.readFileSync(log, 'utf8'),
    stop: async () => {
      await stopChild(child);
      keepLog(log, 'live-turnserver.log');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// An ATS on plain HTTP that answers 200 and keeps what it got:
// -> {url, requests: [{method, url, body}], stop()}.
async function startAts() {
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, body });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

function hasFfprobe() {
  try {
    execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return false;
  }
}

// ffprobe's streams of a WebM file: -> ['video', 'audio'].
function ffprobeStreams(buf) {
  const file = path.join(os.tmpdir(), `cammio-live-${process.pid}-${Date.now()}.webm`);
  fs.writeFileSync(file, buf);
  try {
    const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0',
                                         file]).toString();
    return out.split('\n').map((s) => s.trim()).filter(Boolean);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

module.exports = { startServer, startCoturn, startAts, hasFfprobe, ffprobeStreams };
