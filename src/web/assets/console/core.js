/* The recruiter console's shared pieces (an ES module; no third-party code):
   - i18n: loadStrings(lang), t(key, vars), lang();
   - h(tag, attrs, ...children): DOM building without innerHTML;
   - api(method, path, body, opts): the one place that knows how the console
     authenticates. Same-origin requests carry the session cookie (or the
     browser's Basic credentials); unsafe methods add X-CSRF-Token from
     GET /console/api/session when there is a session. Answers {status,
     json, headers}; throws ApiError (status, details) on a failed call;
   - toast, confirmAction (a modal <dialog>), dangerButton (confirm, then
     act), busy (a button's busy state),
     showErrors (an API error's details next to the field it names);
   - dates: toLocal/fromLocal for <input type=datetime-local>, fmtDate. */

let strings = {};
let currentLang = 'en';
let session = null;

export const LANGS = ['en', 'nl'];

export async function loadStrings(lang) {
  const res = await fetch(`/public/assets/console/i18n/${lang}.json`, { credentials: 'same-origin' });
  strings = await res.json();
  currentLang = lang;
  document.documentElement.lang = lang;
}

export function lang() { return currentLang; }

export function t(key, vars) {
  const text = Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
  return text.replace(/\{(\w+)\}/g, (m, name) =>
    (vars && vars[name] !== undefined && vars[name] !== null ? String(vars[name]) : m));
}

const BOOL_PROPS = new Set(['disabled', 'required', 'checked', 'selected', 'multiple', 'controls',
  'hidden', 'readonly', 'autofocus']);

export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'value') {
      node.value = value;
    } else if (BOOL_PROPS.has(name)) {
      node[name === 'readonly' ? 'readOnly' : name] = true;
      node.setAttribute(name, '');
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

export function append(node, child) {
  if (child === null || child === undefined || child === false) return node;
  if (Array.isArray(child)) {
    child.forEach((c) => append(node, c));
  } else {
    node.appendChild(typeof child === 'string' || typeof child === 'number'
      ? document.createTextNode(String(child)) : child);
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

// ------------------------------------------------------------------ the API

// `errors`: the single errors behind a refusal (the invitation import's
// refused rows, [{row, field, code, details}]); [] for every other answer.
export class ApiError extends Error {
  constructor(status, message, details, errors) {
    super(details || message || `HTTP ${status}`);
    this.status = status;
    this.details = details || message || '';
    this.errors = Array.isArray(errors) ? errors : [];
  }
}

// The signed-in user (GET /console/api/session), or null when the console
// runs on the browser's Basic credentials (no session endpoint or none).
export async function loadSession() {
  try {
    const res = await fetch('/console/api/session', {
      credentials: 'same-origin', headers: { Accept: 'application/json' },
    });
    if (res.ok) {
      const doc = await res.json();
      session = doc.session || doc;
    }
  } catch (e) {
    session = null;
  }
  return session;
}

export function currentSession() { return session; }

async function sessionAlive() {
  try {
    const res = await fetch('/console/api/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    return res.ok;
  } catch (e) {
    return true;  // offline is not signed out
  }
}

export function csrfToken() {
  return session && (session.csrf_token || session.csrf) || null;
}

// The headers every console request carries: JSON answers, and the
// session's CSRF token on unsafe methods.
export function authHeaders(method) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken()) headers['X-CSRF-Token'] = csrfToken();
  return headers;
}

export async function api(method, path, body, opts = {}) {
  const headers = authHeaders(method);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, t('error_network'), t('error_network'));
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!res.ok) {
    const err = json && json.error ? json.error : {};
    // A signed-in console whose session ended (idle, expired, revoked
    // elsewhere) gets 403 from the API: back to the sign-in form.
    if (res.status === 403 && session && !(await sessionAlive())) window.location.assign('/console/sign-in');
    throw new ApiError(res.status, err.message, err.details || (json && json.details), err.errors);
  }
  return { status: res.status, json, headers: res.headers };
}

// A fresh Idempotency-Key.
export function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// Unwraps [{"vacancy": {...}}, ...] into [{...}, ...].
export function unwrap(list, key) {
  return (list || []).map((x) => (x && x[key]) || x);
}

// ----------------------------------------------------------------- feedback

export function toast(text, kind = 'ok') {
  const box = document.getElementById(kind === 'error' ? 'alerts' : 'toasts');
  const item = h('div', { class: `toast ${kind}` }, text);
  box.appendChild(item);
  while (box.children.length > 3) box.firstChild.remove();
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

// Runs `work` with `button` busy (disabled, aria-busy, a "working" label);
// toasts `success` on success and the error's details on failure (unless
// `quiet`: the caller shows it) and rethrows nothing: answers undefined then.
export async function busy(button, work, success, quiet = false) {
  const label = button ? button.textContent : '';
  if (button) {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    button.textContent = t('working');
  }
  try {
    const out = await work();
    if (success) toast(success);
    return out;
  } catch (e) {
    if (!quiet) toast(e.details || e.message || t('error_generic'), 'error');
    if (!(e instanceof ApiError)) console.error(e);
    return undefined;
  } finally {
    if (button) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
      button.textContent = label;
    }
  }
}

// Asks before a destructive action; resolves true when confirmed.
export function confirmAction(question, actionLabel) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-title' });
    const done = (answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    append(dialog, [
      h('h2', { id: 'confirm-title' }, question),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => done(false) }, t('cancel')),
        h('button', { type: 'button', class: 'danger', onclick: () => done(true) }, actionLabel || t('confirm'))),
    ]);
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    document.body.appendChild(dialog);
    dialog.showModal();
    dialog.querySelector('button.secondary').focus();
  });
}

// A destructive action's button: asks `question` first (confirmed with the
// button's own label), runs `run` with the button busy, toasts `success`, and
// calls `after` with run's answer when it succeeded.
export function dangerButton(label, question, run, success, after, cls = 'danger small') {
  const b = h('button', { type: 'button', class: cls }, label);
  b.addEventListener('click', async () => {
    if (!(await confirmAction(question, label))) return;
    const out = await busy(b, run, success);
    if (out && after) after(out);
  });
  return b;
}

// Wires `form`'s submit: clears the previous errors, runs send(values) with
// `button` busy, shows a failure's details at the field they name (the
// field gets focus and reads them as its description; no toast), toasts
// `success` (a text, or a function of the values), then calls after(answer).
// send may throw {details} for a check of its own.
export function onSubmit(form, button, send, success, after) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const values = formValues(form);
    const out = await busy(button, async () => {
      try {
        return await send(values);
      } catch (err) {
        showErrors(form, err);
        throw err;
      }
    }, typeof success === 'function' ? success(values) : success, true);
    if (out && after) after(out);
  });
}

// Shows an API error next to the form field its details name (a field's
// name attribute, or its words: "candidate_email" matches "candidate email"),
// else at the form's top. Clears the previous errors first.
export function showErrors(form, error) {
  clearErrors(form);
  const details = (error && (error.details || error.message)) || t('error_generic');
  const text = details.toLowerCase();
  let best = null;
  for (const field of form.querySelectorAll('[name]')) {
    const name = field.getAttribute('name').toLowerCase();
    if (text.includes(name) || text.includes(name.replace(/_/g, ' '))) {
      if (!best || name.length > best.getAttribute('name').length) best = field;
    }
  }
  const msg = h('p', { class: 'field-error', id: `err-${Math.random().toString(36).slice(2)}` }, details);
  if (best) {
    best.setAttribute('aria-invalid', 'true');
    best.setAttribute('aria-describedby', msg.id);
    (best.closest('.field') || best.parentNode).appendChild(msg);
    best.focus();
  } else {
    msg.setAttribute('role', 'alert');
    form.prepend(msg);
  }
  return msg;
}

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((n) => n.remove());
  form.querySelectorAll('[aria-invalid]').forEach((n) => {
    n.removeAttribute('aria-invalid');
    n.removeAttribute('aria-describedby');
  });
}

// Copies `text` and says so.
export async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    toast(t('copied'));
  } catch (e) {
    toast(t('copy_failed'), 'error');
  }
}

// ----------------------------------------------------------------- forms

let fieldSeq = 0;

// A labelled field: {label, name, type, value, required, options: [[v, text]],
// hint, rows}. Answers the wrapper; the control is .control.
export function field(o) {
  const id = `f-${o.name}-${++fieldSeq}`;
  let control;
  if (o.type === 'select') {
    control = h('select', { id, name: o.name, required: o.required },
      (o.options || []).map(([v, text]) => h('option', { value: v, selected: String(o.value) === String(v) }, text)));
  } else if (o.type === 'textarea') {
    control = h('textarea', { id, name: o.name, rows: o.rows || 3, required: o.required });
    control.value = o.value || '';
  } else if (o.type === 'checkbox') {
    control = h('input', { id, name: o.name, type: 'checkbox', checked: !!o.value });
    const wrap = h('div', { class: 'field check' }, control, h('label', { for: id }, o.label));
    wrap.control = control;
    return wrap;
  } else {
    control = h('input', {
      id, name: o.name, type: o.type || 'text', required: o.required, min: o.min, max: o.max,
      autocomplete: o.autocomplete || 'off', inputmode: o.inputmode, placeholder: o.placeholder,
    });
    if (o.value !== undefined && o.value !== null) control.value = o.value;
  }
  const hintId = o.hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  const wrap = h('div', { class: 'field' },
    h('label', { for: id }, o.label, o.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control, o.hint ? h('p', { class: 'hint', id: hintId }, o.hint) : null);
  wrap.control = control;
  return wrap;
}

// ----------------------------------------------------------------- dates

const pad = (n) => String(n).padStart(2, '0');

// An ISO datetime -> the value of a datetime-local input (local time).
export function toLocal(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// A datetime-local value -> ISO 8601 with the browser's offset.
export function fromLocal(value) {
  if (!value) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `${value.length === 16 ? `${value}:00` : value}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function fmtDate(iso, withTime = true) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const locale = currentLang === 'nl' ? 'nl-NL' : 'en-GB';
  return withTime
    ? d.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' })
    : d.toLocaleDateString(locale, { dateStyle: 'medium' });
}

// A screen's heading, focused after navigation so screen readers announce it.
export function heading(text, ...extra) {
  return h('div', { class: 'screen-head' }, h('h1', { tabindex: '-1' }, text), extra);
}

export function link(href, text, attrs = {}) {
  return h('a', Object.assign({ href }, attrs), text);
}

// A button that copies `text`.
export function copyButton(text, label) {
  return h('button', { type: 'button', class: 'secondary small', onclick: () => copy(text) }, label || t('copy'));
}

// The form's named fields as an object of strings (a radio group: the
// checked one's value, else '') and booleans (checkboxes).
export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.closest('[data-skip]')) continue;
    if (el.type === 'radio') {
      if (el.checked) out[el.name] = el.value;
      else if (!(el.name in out)) out[el.name] = '';
      continue;
    }
    out[el.name] = el.type === 'checkbox' ? el.checked : el.value;
  }
  return out;
}
