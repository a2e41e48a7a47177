#!/usr/bin/env node
// Validates recorded HTTP exchanges against an OpenAPI 3.0 document with ajv
// (a third-party JSON Schema validator), independently of the server's and
// the C++ tests' own reading of the document.
//
// Usage: node validate-exchanges.js OPENAPI.json EXCHANGES.jsonl
//   EXCHANGES.jsonl: one exchange a line, as tests/testing/exchange_recorder.h
//   writes them ({method, path, status, request_content_type, request_body,
//   response_content_type, response_body, test}).
//
// For every exchange of an /api/ path or /healthz:
//   - the operation is found by the document's path templates alone (a path
//     with a .xml/.json suffix is tried with and without it, the more literal
//     template winning);
//     none is only right for a 404 (unknown path) or a 405 (unknown method);
//   - the status must be declared, the answer's media type listed for it,
//     and a JSON answer must match its schema;
//   - a request body the server accepted (2xx) must have a declared media
//     type, and a JSON one must match the request schema (refused bodies are
//     the tests' deliberate bad input: the document may refuse them too).
// Then every operation of the document must have been answered 2xx at least
// once. Exits 1 on any mismatch, on an operation never exercised, and when a
// schema cannot be compiled (nothing is skipped silently).
'use strict';

const fs = require('fs');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

function usage() {
  console.error('usage: validate-exchanges.js OPENAPI.json EXCHANGES.jsonl');
  process.exit(2);
}

const [docPath, exchangesPath] = process.argv.slice(2);
if (!docPath || !exchangesPath) usage();
const doc = JSON.parse(fs.readFileSync(docPath, 'utf8'));

// ------------------------------------------------------------------ schemas

// OpenAPI 3.0 schema objects are JSON Schema draft-07 plus a few keywords;
// ajv knows `nullable` (with a sibling `type`) and `discriminator`. The
// purely descriptive ones are declared so strict mode refuses only real typos.
const ajv = new Ajv({
  strict: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allErrors: true,
  discriminator: true,
});
addFormats(ajv);
for (const k of ['example', 'xml', 'externalDocs']) ajv.addKeyword(k);

// "#/components/schemas/X" -> "components#/definitions/X": the component
// schemas live in one ajv schema so references between them resolve.
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') {
      if (!v.startsWith('#/components/schemas/')) throw new Error(`unsupported $ref ${v}`);
      out[k] = 'components#/definitions/' + v.slice('#/components/schemas/'.length);
    } else {
      out[k] = rewriteRefs(v);
    }
  }
  return out;
}
ajv.addSchema({
  $id: 'components',
  definitions: rewriteRefs((doc.components && doc.components.schemas) || {}),
});

const compiled = new Map();  // pointer -> validate function
const problems = [];

function compile(schema, pointer) {
  if (!compiled.has(pointer)) {
    try {
      compiled.set(pointer, ajv.compile(rewriteRefs(schema)));
    } catch (e) {
      problems.push(`schema ${pointer} cannot be compiled: ${e.message}`);
      compiled.set(pointer, null);
    }
  }
  return compiled.get(pointer);
}

// Every schema of the document compiles (even one no exchange reaches).
function compileAll() {
  for (const name of Object.keys((doc.components && doc.components.schemas) || {})) {
    compile({ $ref: `#/components/schemas/${name}` }, `#/components/schemas/${name}`);
  }
}

// ------------------------------------------------------------------ the document

function resolve(ref) {
  let at = doc;
  for (const raw of ref.replace(/^#\//, '').split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (at === undefined || at === null) return undefined;
    at = at[token];
  }
  return at;
}

function deref(node) {
  for (let i = 0; i < 32 && node && typeof node === 'object' && typeof node.$ref === 'string'; ++i) {
    node = resolve(node.$ref);
  }
  return node;
}

function escapePointer(s) {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

// The document's path templates as regular expressions; more literal
// segments win ("/api/vacancies/templates" over "/api/vacancies/{id}").
const templates = Object.keys(doc.paths).map((tpl) => {
  const segments = tpl.split('/');
  const literal = segments.filter((s) => !s.includes('{')).length;
  const re = new RegExp(
    '^' +
      segments
        .map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+'))
        .join('/') +
      '$',
  );
  return { tpl, re, literal };
});

function matchTemplate(path) {
  const hits = templates.filter((t) => t.re.test(path));
  hits.sort((a, b) => b.literal - a.literal);
  return hits.length ? hits[0] : null;
}

// With a .xml/.json suffix both the path as it is and the path without it
// may match; the more literal template wins, as on the server, whose id
// segments are numbers only (".../invitations/import.xml" is the import's
// path, not ".../invitations/{id}").
function findTemplate(path) {
  const exact = matchTemplate(path);
  const m = /^(.*)\.(xml|json)$/.exec(path);
  const bare = m ? matchTemplate(m[1]) : null;
  const best = exact && bare ? (bare.literal > exact.literal ? bare : exact) : exact || bare;
  return best ? best.tpl : null;
}

function mediaType(contentType) {
  return (contentType || '').split(';')[0].trim().toLowerCase();
}

function isJsonType(type) {
  return type === 'application/json' || type.endsWith('+json');
}

// content[type], else a matching wildcard ("video/*", "*/*").
function findMedia(content, type) {
  if (!content) return null;
  if (content[type]) return { key: type, media: content[type] };
  const wild = type.split('/')[0] + '/*';
  if (content[wild]) return { key: wild, media: content[wild] };
  if (content['*/*']) return { key: '*/*', media: content['*/*'] };
  return null;
}

function validateJson(schema, pointer, text, what) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `${what}: not JSON (${e.message})`;
  }
  const validate = compile(schema, pointer);
  if (validate === null) return null;  // reported once as a compile problem
  if (validate(value)) return null;
  const errs = validate.errors
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
  return `${what}: does not match ${pointer}: ${errs.join('; ')}`;
}

// ------------------------------------------------------------------ exchanges

const counts = { exchanges: 0, out_of_scope: 0, responses_validated: 0, requests_validated: 0,
  xml_bodies: 0, other_bodies: 0 };
const succeeded = new Set();
const mismatches = [];

function inScope(path) {
  return path.startsWith('/api/') || path === '/healthz';
}

function checkResponse(ex, tpl, op, what) {
  let response;
  let pointer;
  if (!op) {
    // Answered before any route: an unknown path (404) or method (405).
    const name = tpl ? 'MethodNotAllowed' : 'NotFound';
    const want = tpl ? 405 : 404;
    if (ex.status !== want) return `${what}: no documented operation (expected ${want})`;
    pointer = `#/components/responses/${name}`;
    response = resolve(pointer);
    if (!response) return `${what}: the document has no ${pointer}`;
  } else {
    const status = String(ex.status);
    const key = op.responses[status] ? status
      : op.responses[status[0] + 'XX'] ? status[0] + 'XX'
      : op.responses.default ? 'default' : null;
    if (!key) return `${what}: status ${ex.status} is not documented`;
    pointer = `#/paths/${escapePointer(tpl)}/${ex.method.toLowerCase()}/responses/${key}`;
    response = op.responses[key];
    if (response.$ref) pointer = response.$ref;
    response = deref(response);
  }
  const body = ex.response_body !== undefined ? ex.response_body : null;
  const hasBody = (body !== null && body !== '') || (ex.response_body_bytes || 0) > 0;
  if (!response.content) return hasBody ? `${what}: a body where ${pointer} declares none` : null;
  if (!hasBody) return null;
  const type = mediaType(ex.response_content_type);
  const found = findMedia(response.content, type);
  if (!found) {
    return `${what}: media type "${type}" is not listed in ${pointer} (${Object.keys(response.content).join(', ')})`;
  }
  if (isJsonType(type)) {
    if (!found.media.schema) return null;
    counts.responses_validated++;
    return validateJson(found.media.schema,
      `${pointer}/content/${escapePointer(found.key)}/schema`, body, `${what}: response`);
  }
  if (type.endsWith('xml')) counts.xml_bodies++;
  else counts.other_bodies++;
  return null;
}

function checkRequest(ex, tpl, op, what) {
  const hasBody = (ex.request_body !== undefined && ex.request_body !== '') ||
    (ex.request_body_bytes || 0) > 0;
  if (!op || !hasBody || ex.status < 200 || ex.status >= 300) return null;
  const pointer0 = `#/paths/${escapePointer(tpl)}/${ex.method.toLowerCase()}/requestBody`;
  if (!op.requestBody) return `${what}: a body was accepted where ${pointer0} is not declared`;
  const pointer = op.requestBody.$ref || pointer0;
  const rb = deref(op.requestBody);
  const type = mediaType(ex.request_content_type);
  const found = findMedia(rb.content, type);
  if (!found) {
    return `${what}: request media type "${type}" is not listed in ${pointer} (${Object.keys(rb.content || {}).join(', ')})`;
  }
  if (!isJsonType(type) || !found.media.schema) return null;
  counts.requests_validated++;
  return validateJson(found.media.schema, `${pointer}/content/${escapePointer(found.key)}/schema`,
    ex.request_body, `${what}: request`);
}

compileAll();
const lines = fs.readFileSync(exchangesPath, 'utf8').split('\n').filter((l) => l.trim() !== '');
for (const [i, line] of lines.entries()) {
  const ex = JSON.parse(line);
  counts.exchanges++;
  const path = ex.path.split('?')[0];
  if (!inScope(path)) {
    counts.out_of_scope++;
    continue;
  }
  const tpl = findTemplate(path);
  const op = tpl ? doc.paths[tpl][ex.method.toLowerCase()] : undefined;
  const what = `#${i + 1} ${ex.method} ${ex.path} -> ${ex.status}` +
    (tpl ? ` (${ex.method.toLowerCase()} ${tpl})` : '') + (ex.test ? ` [test: ${ex.test}]` : '');
  for (const err of [checkRequest(ex, tpl, op, what), checkResponse(ex, tpl, op, what)]) {
    if (err) mismatches.push(err);
  }
  if (op && ex.status >= 200 && ex.status < 300) succeeded.add(`${ex.method.toLowerCase()} ${tpl}`);
}

const neverExercised = [];
for (const [tpl, item] of Object.entries(doc.paths)) {
  for (const m of METHODS) {
    if (item[m] && !succeeded.has(`${m} ${tpl}`)) neverExercised.push(`${m.toUpperCase()} ${tpl}`);
  }
}

console.log(`validate-exchanges: ${JSON.stringify(counts)}; operations answered 2xx: ${succeeded.size}`);
const report = (title, list) => {
  if (!list.length) return;
  console.log(`${title} (${list.length}):`);
  for (const s of list.slice(0, 60)) console.log('  - ' + s);
  if (list.length > 60) console.log(`  ... and ${list.length - 60} more`);
};
report('schemas that do not compile', problems);
report('mismatches', mismatches);
report('operations never answered 2xx', neverExercised);
if (counts.exchanges === 0) console.log('no exchanges were recorded');
const failed = problems.length || mismatches.length || neverExercised.length || !counts.exchanges;
console.log(failed ? 'validate-exchanges: FAILED' : 'validate-exchanges: ok');
process.exit(failed ? 1 : 0);
