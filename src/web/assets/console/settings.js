/* Settings: the ATS notification settings with "send test", the delivery
   log with redeliver, and (through /console/api) the account's users, API
   tokens, email relay (with "send test mail") and retention (admins only)
   and the signed-in user's own sessions. */
import {
  t, h, clear, append, api, unwrap, busy, toast, dangerButton, field, fmtDate, heading, copyButton,
  newKey, currentSession, onSubmit,
} from './core.js';
import { clientSource, pagedTable, idOrderedPage } from './table.js';

// A /console/api list: a bare array, or {key: [...]}; elements wrapped or not.
function listOf(json, key, one) {
  const list = Array.isArray(json) ? json : (json && (json[key] || json.items)) || [];
  return unwrap(list, one);
}

export async function render(view) {
  const s = currentSession();
  const admin = s && s.role === 'admin';
  append(view, [heading(t('nav_settings')),
    h('nav', { class: 'subnav', 'aria-label': t('settings_sections') }, h('ul', {},
      [admin ? ['notif-h', t('notifications')] : null, ['log-h', t('delivery_log')],
        admin ? ['users-h', t('users')] : null, admin ? ['tokens-h', t('tokens')] : null,
        admin ? ['relay-h', t('mail_relay')] : null, admin ? ['retention-h', t('retention')] : null,
        s ? ['sessions-h', t('sessions')] : null].filter(Boolean)
        .map(([id, text]) => h('li', {}, h('a', { href: '#/settings', onclick: (e) => {
          e.preventDefault();
          const target = document.getElementById(id);
          target.setAttribute('tabindex', '-1');
          target.focus();
        } }, text))))),
    admin ? await notifications() : null, deliveryLog(),
    admin ? users() : null, admin ? tokens() : null,
    admin ? await mailRelay() : null, admin ? await retention() : null, s ? sessions() : null]);
}

// A settings form's Save and "send test" buttons: the test runs `run` with
// the button busy and shows `describe(answer)` ({ok, text: [...], toast})
// under the form and as a toast. Answers the Save button (for onSubmit).
function saveAndTest(form, label, run, describe) {
  const save = h('button', { type: 'submit' }, t('save'));
  const test = h('button', { type: 'button', class: 'secondary' }, label);
  const result = h('div', { class: 'test-result', 'aria-live': 'polite' });
  append(form, [h('div', { class: 'actions' }, save, test), result]);
  test.addEventListener('click', async () => {
    clear(result);
    const res = await busy(test, run);
    if (!res) return;
    const r = describe(res);
    append(result, h('p', { class: r.ok ? 'ok-text' : 'field-error' }, ...r.text));
    toast(r.toast, r.ok ? 'ok' : 'error');
  });
  return save;
}

async function notifications() {
  const cur = (await api('GET', '/api/settings/notifications')).json.notification_settings || {};
  const form = h('form', { class: 'form', novalidate: true });
  append(form, [
    h('div', { class: 'row' },
      field({ label: t('notif_host'), name: 'host', value: cur.host, placeholder: 'https://ats.example', hint: t('notif_host_hint') }),
      field({ label: t('notif_endpoint'), name: 'endpoint', value: cur.endpoint, placeholder: '/callbacks/{{id}}' })),
    h('div', { class: 'row' },
      field({ label: t('notif_method'), name: 'method', type: 'select', value: cur.method || 'POST',
        options: [['GET', 'GET'], ['POST', 'POST'], ['PUT', 'PUT']] }),
      field({ label: t('notif_content_type'), name: 'content_type', value: cur.content_type, placeholder: 'application/json' })),
    field({ label: t('notif_body'), name: 'body_msg', type: 'textarea', rows: 4, value: cur.body_msg, hint: t('notif_body_hint') }),
    h('div', { class: 'row' },
      field({ label: t('notif_username'), name: 'username', value: cur.username, autocomplete: 'off' }),
      field({ label: t('notif_password'), name: 'password', type: 'password', autocomplete: 'new-password',
        hint: cur.has_password ? t('notif_password_kept') : null }),
      field({ label: t('notif_timeout'), name: 'timeout_seconds', type: 'number', min: 1, max: 120, value: cur.timeout_seconds })),
    field({ label: t('notif_query_params'), name: 'query_params', type: 'checkbox', value: cur.query_params }),
    field({ label: t('notif_ssl'), name: 'ssl', type: 'checkbox', value: cur.ssl }),
    field({ label: t('notif_verify_tls'), name: 'verify_tls', type: 'checkbox', value: cur.verify_tls !== false }),
    field({ label: t('notif_disable_email'), name: 'disable_email', type: 'checkbox', value: cur.disable_email }),
  ]);
  const save = saveAndTest(form, t('notif_test'), () => api('POST', '/api/settings/notifications/test',
    { notification_test: {} }, { idempotencyKey: newKey() }), (res) => {
    const r = res.json.notification_test || res.json;
    return { ok: r.success,
      text: [r.success ? t('notif_test_ok', { status: r.status_text || r.status_code, ms: r.duration_ms })
        : t('notif_test_failed', { status: r.status_text || '—', error: r.error || '' }), ` (${r.method} ${r.url})`],
      toast: r.success ? t('notif_test_sent') : t('notif_test_failed_short') };
  });
  onSubmit(form, save, (v) => {
    const body = Object.assign({}, v, { timeout_seconds: v.timeout_seconds ? Number(v.timeout_seconds) : undefined });
    if (!v.password) delete body.password;
    for (const k of ['host', 'endpoint', 'body_msg', 'content_type', 'username']) if (body[k] === '') body[k] = null;
    return api('PUT', '/api/settings/notifications', { notification_settings: body });
  }, t('notif_saved'));
  return h('section', { class: 'card', 'aria-labelledby': 'notif-h' },
    h('h2', { id: 'notif-h' }, t('notifications')), h('p', { class: 'hint' }, t('notif_intro')), form);
}

// The account's SMTP relay (admins). The password is write-only: empty keeps
// the saved one; clearing the user name clears both.
async function mailRelay() {
  const cur = (await api('GET', '/console/api/settings/mail')).json.mail_settings || {};
  const form = h('form', { class: 'form', novalidate: true });
  const none = cur.host ? null : h('p', { class: 'hint' }, t('mail_none'));
  append(form, [
    none,
    h('div', { class: 'row' },
      field({ label: t('mail_host'), name: 'host', value: cur.host, required: true, placeholder: 'smtp.example.com' }),
      field({ label: t('mail_security'), name: 'security', type: 'select', value: cur.security || 'starttls',
        options: ['starttls', 'tls', 'none'].map((x) => [x, t(`mail_security_${x}`)]) }),
      field({ label: t('mail_port'), name: 'port', type: 'number', min: 1, max: 65535, value: cur.port, hint: t('mail_port_hint') })),
    h('div', { class: 'row' },
      field({ label: t('mail_username'), name: 'username', value: cur.username, autocomplete: 'off' }),
      field({ label: t('mail_password'), name: 'password', type: 'password', autocomplete: 'new-password',
        hint: cur.has_password ? t('mail_password_kept') : null })),
    h('div', { class: 'row' },
      field({ label: t('mail_from_address'), name: 'from_address', type: 'email', value: cur.from_address, required: true }),
      field({ label: t('mail_from_name'), name: 'from_name', value: cur.from_name })),
    field({ label: t('mail_verify_tls'), name: 'verify_tls', type: 'checkbox', value: cur.verify_tls !== false }),
  ]);
  const save = saveAndTest(form, t('mail_test'), () => api('POST', '/console/api/settings/mail/test', {}), (res) => {
    const r = res.json.mail_test;
    const text = r.success ? t('mail_test_ok', { to: r.to }) : t('mail_test_failed', { error: r.error || '' });
    return { ok: r.success, text: [text], toast: r.success ? text : t('mail_test_failed_short') };
  });
  onSubmit(form, save, (v) => {
    const body = Object.assign({}, v, { port: v.port ? Number(v.port) : undefined });
    if (!v.password) delete body.password;
    for (const k of ['username', 'from_name']) if (body[k] === '') body[k] = null;
    return api('PUT', '/console/api/settings/mail', { mail_settings: body });
  }, t('mail_saved'), () => { if (none) none.remove(); });
  return h('section', { class: 'card', 'aria-labelledby': 'relay-h' },
    h('h2', { id: 'relay-h' }, t('mail_relay')), h('p', { class: 'hint' }, t('mail_intro')), form);
}

// The account's retention period (admins): empty keeps interviews.
async function retention() {
  const cur = (await api('GET', '/console/api/settings/retention')).json.retention;
  const form = h('form', { class: 'form inline-form', novalidate: true },
    field({ label: t('retention_days'), name: 'interview_days', type: 'number', min: 1, max: cur.max_days,
      value: cur.interview_days, hint: t('retention_hint', { max: cur.max_days }) }));
  const save = h('button', { type: 'submit' }, t('save'));
  form.appendChild(save);
  onSubmit(form, save, (v) => api('PUT', '/console/api/settings/retention',
    { retention: { interview_days: v.interview_days === '' ? null : Number(v.interview_days) } }),
  (v) => (v.interview_days === '' ? t('retention_cleared') : t('retention_saved', { days: v.interview_days })));
  return h('section', { class: 'card', 'aria-labelledby': 'retention-h' },
    h('h2', { id: 'retention-h' }, t('retention')), h('p', { class: 'hint' }, t('retention_intro')), form);
}

function deliveryLog() {
  let table;
  table = pagedTable({
    caption: t('delivery_log'), sort: 'id', dir: 'desc', pageSize: 10, empty: t('delivery_none'),
    load: (p) => idOrderedPage('/api/notifications', 'notification', p),
    columns: [
      { key: 'id', label: '#', sortable: true, render: (n) => String(n.id) },
      { key: 'status', label: t('status'), render: (n) => h('span', { class: `badge ${n.status}` }, t(`delivery_${n.status}`)) },
      { key: 'url', label: t('delivery_target'), render: (n) => h('span', { class: 'url' }, `${n.method} ${n.url}`) },
      { key: 'attempts', label: t('delivery_attempts'), render: (n) => `${n.attempts} · ${n.last_status_code || n.last_error || '—'}` },
      { key: 'created_at', label: t('delivery_created'), render: (n) => fmtDate(n.created_at) },
      { key: 'redeliver', label: t('actions'), render: (n) => {
        const b = h('button', { type: 'button', class: 'secondary small' }, t('redeliver'));
        b.addEventListener('click', async () => {
          if (await busy(b, () => api('POST', `/api/notifications/${n.id}/redeliver`, undefined, { idempotencyKey: newKey() }),
            t('redelivered'))) table.reload();
        });
        return b;
      } },
    ],
  });
  return h('section', { class: 'card', 'aria-labelledby': 'log-h' }, h('h2', { id: 'log-h' }, t('delivery_log')), table.node);
}

function users() {
  const box = h('div', {});
  async function load() {
    const rows = listOf((await api('GET', '/console/api/users')).json, 'users', 'user');
    clear(box);
    const table = pagedTable({
      caption: t('users'), sort: 'email', load: clientSource(rows), columns: [
        { key: 'email', label: t('email'), sortable: true },
        { key: 'name', label: t('name'), sortable: true },
        { key: 'role', label: t('role'), render: (u) => {
          // An admin keeps their own role (the server refuses the change).
          if (u.id === currentSession().user_id) return t(`role_${u.role}`);
          const sel = h('select', { 'aria-label': t('role_of', { email: u.email }) },
            ['recruiter', 'admin'].map((r) => h('option', { value: r, selected: u.role === r }, t(`role_${r}`))));
          sel.addEventListener('change', () => busy(null, () => api('PATCH', `/console/api/users/${u.id}`, { user: { role: sel.value } }),
            t('user_saved')));
          return sel;
        } },
        { key: 'disabled', label: t('status'), render: (u) => {
          if (u.id === currentSession().user_id) return h('span', { class: 'badge' }, t('session_current_user'));
          const patch = (disabled) => () => api('PATCH', `/console/api/users/${u.id}`, { user: { disabled } });
          if (u.disabled) {
            const b = h('button', { type: 'button', class: 'secondary small' }, t('user_enable'));
            b.addEventListener('click', async () => { if (await busy(b, patch(false), t('user_saved'))) load(); });
            return [h('span', { class: 'badge warn' }, t('user_disabled')), ' ', b];
          }
          return dangerButton(t('user_disable'), t('user_disable_confirm', { email: u.email }), patch(true), t('user_saved'), load);
        } },
      ] });
    box.appendChild(table.node);
  }
  const form = h('form', { class: 'form inline-form', novalidate: true },
    field({ label: t('email'), name: 'email', type: 'email', required: true }),
    field({ label: t('name'), name: 'name', required: true }),
    field({ label: t('role'), name: 'role', type: 'select', options: [['recruiter', t('role_recruiter')], ['admin', t('role_admin')]] }),
    field({ label: t('user_invite'), name: 'invite', type: 'checkbox', value: true }));
  const add = h('button', { type: 'submit' }, t('user_add'));
  const made = h('div', { class: 'token-once', 'aria-live': 'polite' });
  form.appendChild(add);
  onSubmit(form, add, (v) => api('POST', '/console/api/users', { user: v }), t('user_added'), (res) => {
    const link = res.json.user.set_password_link;
    clear(made);
    if (link) {
      append(made, [h('p', {}, t('user_link', { email: res.json.user.email })),
        h('input', { type: 'text', readonly: true, value: link, class: 'url-field', 'aria-label': t('user_link_label') }),
        copyButton(link)]);
    }
    form.reset();
    load();
  });
  load();
  return h('section', { class: 'card', 'aria-labelledby': 'users-h' }, h('h2', { id: 'users-h' }, t('users')), box,
    h('h3', {}, t('user_add')), form, made);
}

function tokens() {
  const box = h('div', {});
  const shown = h('div', { class: 'token-once', 'aria-live': 'polite' });
  const owner = field({ label: t('token_user'), name: 'user_id', type: 'select', options: [] });
  async function load() {
    const [rows, people] = await Promise.all([
      api('GET', '/console/api/tokens').then((r) => listOf(r.json, 'tokens', 'token').filter((x) => !x.revoked_at)),
      api('GET', '/console/api/users').then((r) => listOf(r.json, 'users', 'user')),
    ]);
    const me = currentSession().user_id;
    clear(owner.control);
    people.filter((u) => !u.disabled).forEach((u) => owner.control.appendChild(
      h('option', { value: u.id, selected: u.id === me }, `${u.name} <${u.email}>`)));
    clear(box);
    box.appendChild(pagedTable({
      caption: t('tokens'), sort: 'id', dir: 'desc', load: clientSource(rows), empty: t('tokens_none'), columns: [
        { key: 'id', label: '#', sortable: true, render: (x) => String(x.id) },
        { key: 'name', label: t('token_label'), sortable: true, render: (x) => [x.name || '—', ' ',
          h('span', { class: 'url' }, `${x.prefix}…`)] },
        { key: 'email', label: t('user'), sortable: true },
        { key: 'created_at', label: t('created'), sortable: true, render: (x) => fmtDate(x.created_at) },
        { key: 'last_used_at', label: t('last_used'), render: (x) => fmtDate(x.last_used_at) },
        { key: 'revoke', label: t('actions'), render: (x) => dangerButton(t('revoke'), t('token_revoke_confirm', { id: x.id }),
          () => api('DELETE', `/console/api/tokens/${x.id}`), t('token_revoked'), load) },
      ] }).node);
  }
  const form = h('form', { class: 'form inline-form', novalidate: true },
    field({ label: t('token_label'), name: 'name', required: true, hint: t('token_label_hint') }), owner);
  const add = h('button', { type: 'submit' }, t('token_create'));
  form.appendChild(add);
  onSubmit(form, add, (v) => api('POST', '/console/api/tokens', { token: { name: v.name, user_id: Number(v.user_id) } }),
    t('token_created'), (res) => {
    const secret = res.json.token.token;
    clear(shown);
    append(shown, [h('p', {}, t('token_once')),
      h('input', { type: 'text', readonly: true, value: secret, class: 'url-field', 'aria-label': t('token_value') }),
      copyButton(secret)]);
    form.reset();
    load();
  });
  load();
  return h('section', { class: 'card', 'aria-labelledby': 'tokens-h' }, h('h2', { id: 'tokens-h' }, t('tokens')),
    h('p', { class: 'hint' }, t('tokens_hint')), box, form, shown);
}

function sessions() {
  const box = h('div', {});
  async function load() {
    const rows = listOf((await api('GET', '/console/api/sessions')).json, 'sessions', 'session');
    clear(box);
    box.appendChild(pagedTable({
      caption: t('sessions'), sort: 'created_at', dir: 'desc', load: clientSource(rows), columns: [
        { key: 'created_at', label: t('created'), sortable: true, render: (x) => [fmtDate(x.created_at),
          x.current ? h('span', { class: 'badge' }, t('session_current')) : null] },
        { key: 'user_agent', label: t('session_device'), render: (x) => x.user_agent || '—' },
        { key: 'last_seen_at', label: t('last_used'), render: (x) => fmtDate(x.last_seen_at || x.last_used_at) },
        { key: 'revoke', label: t('actions'), render: (x) => dangerButton(t('revoke'), t('session_revoke_confirm'),
          () => api('DELETE', `/console/api/sessions/${x.id}`), t('session_revoked'),
          () => (x.current ? window.location.assign('/console/sign-in') : load())) },
      ] }).node);
  }
  load();
  return h('section', { class: 'card', 'aria-labelledby': 'sessions-h' }, h('h2', { id: 'sessions-h' }, t('sessions')), box);
}
