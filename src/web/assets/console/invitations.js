/* Invitations: the open ones (paged and sorted by the API's id order:
   newest first is the last page first, from X-Total-Count), invite one,
   import many from a CSV file, and an invitation's detail with its link,
   resend, revoke, and for live vacancies its guests and interviewer link.
   The import checks the file in the browser first, then sends it whole to
   the API's import route, which creates every row or none (docs/web.md
   "CSV import"). */
import {
  t, h, clear, append, api, unwrap, busy, toast, dangerButton, field, fromLocal, fmtDate, heading,
  link, copyButton, newKey, onSubmit,
} from './core.js';
import { pagedTable, idOrderedPage } from './table.js';
import { loadVacancies } from './vacancies.js';
import { parseCsv, checkRows } from './csv.js';

function vacancyPicker(vacancies, selected, label, anyLabel) {
  const options = vacancies.map((v) => [v.id, `${v.title}${v.kind === 'live' ? ` (${t('kind_live')})` : ''}`]);
  return field({ label, name: 'vacancy_id', type: 'select', value: selected || '',
    options: anyLabel ? [['', anyLabel]].concat(options) : options, required: !anyLabel });
}

export async function renderList(view, { query }) {
  const vacancies = await loadVacancies();
  const pick = vacancyPicker(vacancies, query.get('vacancy'), t('vacancy'), t('all_vacancies'));
  const titles = new Map(vacancies.map((v) => [v.id, v.title]));
  const table = pagedTable({
    caption: t('nav_invitations'),
    sort: 'id', dir: 'desc',
    load: (p) => {
      const vid = pick.control.value;
      return idOrderedPage(vid ? `/api/vacancies/${vid}/invitations` : '/api/invitations', 'invitation',
        { offset: p.offset, limit: p.limit, dir: p.dir });
    },
    empty: t('invitations_empty'),
    columns: [
      { key: 'candidate_name', label: t('candidate'), render: (i) => link(`#/invitations/${i.id}`, i.candidate_name) },
      { key: 'candidate_email', label: t('email') },
      { key: 'vacancy_id', label: t('vacancy'), render: (i) => titles.get(i.vacancy_id) || i.title || '—' },
      { key: 'datetime_scheduled', label: t('scheduled'), render: (i) => fmtDate(i.datetime_scheduled) },
      { key: 'id', label: t('invited_order'), sortable: true, render: (i) => `#${i.id}` },
    ],
  });
  pick.control.addEventListener('change', () => table.reload(true));
  const vid = () => pick.control.value;
  append(view, [
    heading(t('nav_invitations'), h('div', { class: 'actions' },
      h('a', { class: 'button', href: '#/invitations/new', onclick: (e) => { e.target.href = `#/invitations/new${vid() ? `?vacancy=${vid()}` : ''}`; } }, t('invite_one')),
      h('a', { class: 'button secondary', href: '#/invitations/import', onclick: (e) => { e.target.href = `#/invitations/import${vid() ? `?vacancy=${vid()}` : ''}`; } }, t('import_csv')))),
    h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() }, pick),
    table.node,
  ]);
}

export async function renderInvite(view, { query }) {
  const vacancies = (await loadVacancies()).filter((v) => v.use_as_template !== 'yes');
  const form = h('form', { class: 'card form', novalidate: true });
  const pick = vacancyPicker(vacancies, query.get('vacancy'), t('vacancy'));
  const schedule = field({ label: t('scheduled'), name: 'datetime_scheduled', type: 'datetime-local', hint: t('scheduled_hint') });
  const interviewer = h('div', { class: 'row' },
    field({ label: t('interviewer_name'), name: 'interviewer_name' }),
    field({ label: t('interviewer_email'), name: 'interviewer_email', type: 'email' }));
  const sync = () => {
    const v = vacancies.find((x) => String(x.id) === pick.control.value);
    const live = v && v.kind === 'live';
    schedule.hidden = !live;
    interviewer.hidden = !live;
  };
  pick.control.addEventListener('change', sync);
  const send = h('button', { type: 'submit' }, t('invite_send'));
  append(form, [pick,
    h('div', { class: 'row' },
      field({ label: t('candidate_name'), name: 'candidate_name', required: true, autocomplete: 'off' }),
      field({ label: t('email'), name: 'candidate_email', type: 'email', required: true })),
    field({ label: t('phone'), name: 'candidate_phone', type: 'tel' }),
    schedule, interviewer,
    h('div', { class: 'actions' }, send)]);
  sync();
  let key = newKey();
  onSubmit(form, send, (v) => {
    const body = { candidate_name: v.candidate_name.trim(), candidate_email: v.candidate_email.trim() };
    if (v.candidate_phone) body.candidate_phone = v.candidate_phone.trim();
    if (!schedule.hidden) {
      body.datetime_scheduled = fromLocal(v.datetime_scheduled);
      if (v.interviewer_name) body.interviewer_name = v.interviewer_name.trim();
      if (v.interviewer_email) body.interviewer_email = v.interviewer_email.trim();
    }
    return api('POST', `/api/vacancies/${v.vacancy_id}/invitations`, { invitation: body }, { idempotencyKey: key });
  }, (v) => t('invite_sent', { name: v.candidate_name.trim() }), (res) => {
    key = newKey();
    window.location.hash = `#/invitations/${res.json.invitation.id}`;
  });
  append(view, [heading(t('invite_one')), form]);
}

export async function renderImport(view, { query }) {
  const vacancies = (await loadVacancies()).filter((v) => v.use_as_template !== 'yes');
  const pick = vacancyPicker(vacancies, query.get('vacancy'), t('vacancy'));
  const file = field({ label: t('csv_file'), name: 'csv', type: 'file', hint: t('csv_hint') });
  file.control.setAttribute('accept', '.csv,text/csv');
  const preview = h('section', { class: 'preview', 'aria-live': 'polite' });
  const form = h('form', { class: 'card form', onsubmit: (e) => e.preventDefault() }, pick, file);
  let checked = null;
  // One Idempotency-Key per file as checked: "Try again" after a lost
  // answer is replayed, not imported twice.
  let key = null;

  async function check() {
    clear(preview);
    const f = file.control.files[0];
    if (!f) return;
    const v = vacancies.find((x) => String(x.id) === pick.control.value);
    checked = checkRows(parseCsv(await f.text()), v && v.kind === 'live', t);
    key = newKey();
    renderPreview();
  }

  // `results[i]`: {id} created, {error} refused by the server, {skipped}
  // not created because the server refused the file; {} not known (no
  // answer): "ready" to be sent again.
  function renderPreview(results = []) {
    clear(preview);
    if (checked.error) {
      preview.appendChild(h('p', { class: 'field-error', role: 'alert' }, checked.error));
      return;
    }
    const bad = checked.items.filter((x) => x.errors.length).length;
    const refused = results.filter((r) => r && r.error).length;
    let summary;
    if (bad) summary = h('p', { class: 'field-error', role: 'alert' }, t('csv_rows_bad', { bad, n: checked.items.length }));
    // The toast announced it already: no second alert.
    else if (refused) summary = h('p', { class: 'field-error' }, t('csv_refused', { bad: refused, n: checked.items.length }));
    else summary = h('p', { class: 'ok-text' }, t('csv_rows_ok', { n: checked.items.length }));
    const table = h('table', { class: 'list' },
      h('caption', {}, t('csv_preview')),
      h('thead', {}, h('tr', {}, [t('csv_line'), t('candidate_name'), t('email'), t('phone'), t('scheduled'), t('csv_status')]
        .map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, checked.items.map((item, i) => {
        const f = item.fields;
        const name = f.candidate_name || [f.candidate_firstname, f.candidate_lastname].filter(Boolean).join(' ');
        const r = results[i];
        let status;
        if (item.errors.length) status = h('span', { class: 'field-error' }, item.errors.join(' '));
        else if (r && r.id) status = link(`#/invitations/${r.id}`, t('csv_created'));
        else if (r && r.error) status = h('span', { class: 'field-error' }, r.error);
        else status = h('span', { class: 'muted' }, r && r.skipped ? t('csv_not_created') : t('csv_ready'));
        return h('tr', { class: item.errors.length || (r && r.error) ? 'bad' : '' },
          h('th', { scope: 'row' }, String(item.line)), h('td', {}, name || '—'), h('td', {}, f.candidate_email || '—'),
          h('td', {}, f.candidate_phone || '—'), h('td', {}, f.datetime_scheduled ? fmtDate(f.datetime_scheduled) : '—'),
          h('td', {}, status));
      })));
    // A refused file is fixed and chosen again; an imported one is done.
    const done = results.length > 0 && results.every((r) => r && (r.error || r.skipped || r.id));
    const create = h('button', { type: 'button', disabled: bad > 0 || done || !checked.items.length },
      results.length ? t('csv_retry') : t('csv_create', { n: checked.items.length }));
    create.addEventListener('click', () => run(create));
    append(preview, [summary, h('div', { class: 'scroll' }, table), h('div', { class: 'actions' }, create)]);
  }

  // Sends the whole file in one request to the import route: the server
  // creates every row or none. Its refusal names the rows (1-based in the
  // sent array, which is the preview's order); they show the server's
  // `details` and the button stays disabled until a fixed file is chosen.
  // Without an answer (a lost connection) nothing is known: "Try again"
  // sends the same rows with the same key, which the server replays if the
  // first request did create them.
  async function run(button) {
    const vid = pick.control.value;
    const n = checked.items.length;
    let results = [];
    await busy(button, async () => {
      try {
        const res = await api('POST', `/api/vacancies/${vid}/invitations/import`,
          { invitations: checked.items.map((x) => x.fields) }, { idempotencyKey: key });
        results = unwrap(res.json, 'invitation').map((inv) => ({ id: inv.id }));
        toast(t('csv_done', { n: results.length }));
      } catch (e) {
        if (e.status === 0) {  // no answer: the rows' fate is unknown
          results = checked.items.map(() => ({}));
          toast(t('csv_failed', { error: e.details }), 'error');
          return;
        }
        results = checked.items.map(() => ({ skipped: true }));
        e.errors.forEach((x) => {
          if (x.row >= 1 && x.row <= n) results[x.row - 1] = { error: x.details };
        });
        const refused = results.filter((r) => r.error).length;
        toast(refused ? t('csv_refused', { bad: refused, n }) : e.details, 'error');
      }
    });
    renderPreview(results);
  }

  file.control.addEventListener('change', check);
  pick.control.addEventListener('change', () => { if (checked) check(); });
  append(view, [heading(t('import_csv')), h('p', { class: 'lead' }, t('csv_intro')), form, preview]);
}

export async function renderDetail(view, { ids }) {
  const id = ids[0];
  const inv = (await api('GET', `/api/invitations/${id}`)).json.invitation;
  const live = inv.kind === 'live';
  const revoke = dangerButton(t('revoke'), t('revoke_confirm', { name: inv.candidate_name }),
    () => api('DELETE', `/api/invitations/${id}`), t('revoked'), () => { window.location.hash = '#/invitations'; }, 'danger');
  revoke.disabled = inv.status === 'completed';
  const resend = dangerButton(t('resend_email'), t('resend_confirm', { email: inv.candidate_email }),
    () => api('POST', `/api/invitations/${id}/resend`), t('resent'), null, 'secondary');
  resend.disabled = inv.status !== 'open';
  const facts = h('dl', { class: 'facts' },
    [[t('vacancy'), link(`#/vacancies/${inv.vacancy_id}`, inv.title || `#${inv.vacancy_id}`)],
      [t('email'), inv.candidate_email], [t('phone'), inv.candidate_phone || '—'],
      [t('status'), t(`status_${inv.status}`)],
      [t('scheduled'), fmtDate(inv.datetime_scheduled)],
      [t('candidate_link'), h('span', {}, h('a', { href: inv.url, class: 'url' }, inv.url), ' ', copyButton(inv.url, t('copy_link')))],
      live ? [t('interviewer_link'), h('span', {}, `${inv.interviewer_name || ''} `, copyButton(inv.interviewer_url, t('copy_link')))] : null,
    ].filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  append(view, [heading(inv.candidate_name, h('div', { class: 'actions' }, resend, revoke)),
    h('section', { class: 'card' }, facts), live ? guests(inv) : null]);
}

function guests(inv) {
  const box = h('section', { class: 'card', 'aria-labelledby': 'guests-h' });
  const list = h('ul', { class: 'plain-list' });
  const base = `/api/invitations/${inv.id}/guests`;
  async function load() {
    const rows = unwrap((await api('GET', base)).json, 'guest');
    clear(list);
    if (!rows.length) list.appendChild(h('li', { class: 'empty' }, t('guests_none')));
    rows.forEach((g) => {
      const del = dangerButton(t('remove'), t('guest_remove_confirm', { name: g.name }),
        () => api('DELETE', `${base}/${g.id}`), t('guest_removed'), load);
      list.appendChild(h('li', {}, `${g.name} <${g.email}> `, del));
    });
  }
  const form = h('form', { class: 'form inline-form', novalidate: true },
    field({ label: t('guest_name'), name: 'name', required: true }),
    field({ label: t('email'), name: 'email', type: 'email', required: true }));
  const add = h('button', { type: 'submit' }, t('guest_add'));
  form.appendChild(add);
  onSubmit(form, add, (v) => api('POST', base, { guest: v }, { idempotencyKey: newKey() }), t('guest_added'),
    () => { form.reset(); load(); });
  append(box, [h('h2', { id: 'guests-h' }, t('guests')), list, form]);
  load();
  return box;
}
