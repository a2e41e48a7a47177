/* Vacancies: the list (search, filters, sort and paging in the browser: an
   account's vacancies are loaded whole), the detail with its public link and
   invitations, and the create/edit form with questions and "copy from
   template" (POST /api/vacancies with template_id: the template's texts,
   settings, questions and question videos are copied server-side; the
   fields shown in the form win). */
import {
  t, h, clear, append, api, unwrap, toast, dangerButton, field, toLocal, fromLocal, fmtDate,
  heading, link, copyButton, newKey, onSubmit,
} from './core.js';
import { clientSource, pagedTable } from './table.js';
import { videoBox } from './video.js';

export async function loadVacancies() {
  const res = await api('GET', '/api/vacancies');
  return unwrap(res.json, 'vacancy');
}

export async function renderList(view) {
  const all = await loadVacancies();
  const search = field({ label: t('search'), name: 'q', type: 'search' });
  const kind = field({ label: t('vacancy_kind'), name: 'kind', type: 'select',
    options: [['', t('any')], ['automated', t('kind_automated')], ['live', t('kind_live')]] });
  const scope = field({ label: t('vacancy_scope'), name: 'scope', type: 'select',
    options: [['', t('any')], ['private', t('scope_private')], ['public', t('scope_public')]] });
  const state = field({ label: t('vacancy_state'), name: 'state', type: 'select',
    options: [['', t('any')], ['active', t('state_active')], ['templates', t('state_templates')],
      ['closed', t('state_closed')]] });
  const now = Date.now();
  const filter = (v) => {
    const q = search.control.value.trim().toLowerCase();
    if (q && !`${v.title} ${v.reference_id || ''} ${v.recruiter_name || ''}`.toLowerCase().includes(q)) return false;
    if (kind.control.value && v.kind !== kind.control.value) return false;
    if (scope.control.value && v.scope !== scope.control.value) return false;
    const s = state.control.value;
    const open = Date.parse(v.datetime_start) <= now && now <= Date.parse(v.datetime_end);
    if (s === 'active' && !open) return false;
    if (s === 'templates' && v.use_as_template !== 'yes') return false;
    if (s === 'closed' && Date.parse(v.datetime_end) >= now) return false;
    return true;
  };
  const table = pagedTable({
    caption: t('nav_vacancies'),
    load: clientSource(all, filter),
    sort: 'datetime_start', dir: 'desc',
    empty: t('vacancies_empty'),
    columns: [
      { key: 'title', label: t('vacancy_title'), sortable: true,
        render: (v) => [link(`#/vacancies/${v.id}`, v.title),
          v.use_as_template === 'yes' ? h('span', { class: 'badge' }, t('template')) : null] },
      { key: 'kind', label: t('vacancy_kind'), sortable: true, render: (v) => t(`kind_${v.kind}`) },
      { key: 'scope', label: t('vacancy_scope'), sortable: true, render: (v) => t(`scope_${v.scope}`) },
      { key: 'datetime_start', label: t('vacancy_start'), sortable: true, render: (v) => fmtDate(v.datetime_start, false) },
      { key: 'datetime_end', label: t('vacancy_end'), sortable: true, render: (v) => fmtDate(v.datetime_end, false) },
      { key: 'num_of_invitations', label: t('open_invitations'), sortable: true },
      { key: 'num_of_interviews', label: t('nav_interviews'), sortable: true },
    ],
  });
  const filters = h('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
    search, kind, scope, state);
  filters.addEventListener('input', () => table.reload(true));
  append(view, [
    heading(t('nav_vacancies'), h('a', { class: 'button', href: '#/vacancies/new' }, t('vacancy_new'))),
    filters, table.node,
  ]);
}

function questionRow(q, list) {
  const row = h('fieldset', { class: 'question', 'data-skip': '' });
  const title = field({ label: t('question_title'), name: 'q_title', value: q.title || '', required: true });
  const text = field({ label: t('question_text'), name: 'q_text', type: 'textarea', rows: 2, value: q.text || '' });
  const time = field({ label: t('question_time'), name: 'q_answering_time', value: q.answering_time || '',
    placeholder: t('answering_time_placeholder') });
  const required = field({ label: t('question_required'), name: 'q_required', type: 'checkbox',
    value: q.required === undefined || q.required === null ? true : !!Number(q.required) });
  row.dataset.videoId = q.video_id || '';
  const legend = h('legend', {});
  const move = (delta) => {
    const rows = [...list.children];
    const i = rows.indexOf(row);
    const j = i + delta;
    if (j < 0 || j >= rows.length) return;
    if (delta < 0) list.insertBefore(row, rows[j]);
    else list.insertBefore(rows[j], row);
    renumber(list);
    row.querySelector('input').focus();
  };
  append(row, [legend, title, text, h('div', { class: 'row' }, time, required),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary small', onclick: () => move(-1) }, t('move_up')),
      h('button', { type: 'button', class: 'secondary small', onclick: () => move(1) }, t('move_down')),
      h('button', { type: 'button', class: 'danger small', onclick: () => { row.remove(); renumber(list); } },
        t('question_remove')))]);
  return row;
}

function renumber(list) {
  [...list.children].forEach((row, i) => {
    row.querySelector('legend').textContent = t('question_n', { n: i + 1 });
  });
}

function readQuestions(list) {
  return [...list.children].map((row, i) => {
    const get = (n) => row.querySelector(`[name="${n}"]`);
    const q = {
      index: i + 1,
      title: get('q_title').value.trim(),
      text: get('q_text').value.trim() || null,
      answering_time: get('q_answering_time').value.trim() || null,
      required: get('q_required').checked ? 1 : 0,
    };
    if (row.dataset.videoId) q.video_id = Number(row.dataset.videoId);
    return q;
  });
}

const yes = (v) => (v ? 'yes' : 'no');

export async function renderEdit(view, { ids, query }) {
  const id = ids[0];
  let v = {
    kind: 'automated', scope: 'private', language: 'en', answering_time: '2 minutes', num_of_retries: 1,
    cv_upload_required: 'no', play_test_question: 'no', use_as_template: 'no', questions: [],
    datetime_start: new Date().toISOString(), datetime_end: new Date(Date.now() + 30 * 86400e3).toISOString(),
    live_recording: true,
  };
  if (id) v = (await api('GET', `/api/vacancies/${id}`)).json.vacancy;
  const templates = id ? [] : (await loadVacancies()).filter((x) => x.use_as_template === 'yes');
  let templateId = null;

  const form = h('form', { class: 'card form', novalidate: true });
  const f = {
    title: field({ label: t('vacancy_title'), name: 'title', value: v.title, required: true }),
    reference_id: field({ label: t('vacancy_reference'), name: 'reference_id', value: v.reference_id }),
    kind: field({ label: t('vacancy_kind'), name: 'kind', type: 'select', value: v.kind,
      options: [['automated', t('kind_automated')], ['live', t('kind_live')]] }),
    scope: field({ label: t('vacancy_scope'), name: 'scope', type: 'select', value: v.scope,
      options: [['private', t('scope_private')], ['public', t('scope_public')]] }),
    language: field({ label: t('vacancy_language'), name: 'language', type: 'select', value: v.language || 'en',
      options: [['en', 'English'], ['nl', 'Nederlands']] }),
    datetime_start: field({ label: t('vacancy_start'), name: 'datetime_start', type: 'datetime-local',
      value: toLocal(v.datetime_start), required: true }),
    datetime_end: field({ label: t('vacancy_end'), name: 'datetime_end', type: 'datetime-local',
      value: toLocal(v.datetime_end), required: true }),
    answering_time: field({ label: t('answering_time'), name: 'answering_time', value: v.answering_time,
      hint: t('answering_time_hint') }),
    num_of_retries: field({ label: t('retries'), name: 'num_of_retries', type: 'number', min: 0, max: 10,
      value: v.num_of_retries ?? 0 }),
    generic_invitation_text: field({ label: t('invitation_text'), name: 'generic_invitation_text',
      type: 'textarea', rows: 4, value: v.generic_invitation_text }),
    external_info_url: field({ label: t('info_url'), name: 'external_info_url', type: 'url', value: v.external_info_url }),
    cv_upload_required: field({ label: t('cv_required'), name: 'cv_upload_required', type: 'checkbox',
      value: v.cv_upload_required === 'yes' }),
    play_test_question: field({ label: t('practice_question'), name: 'play_test_question', type: 'checkbox',
      value: v.play_test_question === 'yes' }),
    use_as_template: field({ label: t('use_as_template'), name: 'use_as_template', type: 'checkbox',
      value: v.use_as_template === 'yes' }),
    live_recording: field({ label: t('live_recording'), name: 'live_recording', type: 'checkbox',
      value: v.live_recording !== false }),
  };
  const questions = h('div', { class: 'questions' });
  (v.questions || []).map((x) => x.question || x).forEach((q) => questions.appendChild(questionRow(q, questions)));
  renumber(questions);
  const questionsBox = h('section', { class: 'questions-box', 'aria-labelledby': 'questions-title' },
    h('h2', { id: 'questions-title' }, t('questions')), questions,
    h('button', { type: 'button', class: 'secondary', onclick: () => {
      const row = questionRow({}, questions);
      questions.appendChild(row);
      renumber(questions);
      row.querySelector('input').focus();
    } }, t('question_add')));
  const syncKind = () => {
    const live = f.kind.control.value === 'live';
    questionsBox.hidden = live;
    f.live_recording.hidden = !live;
    f.answering_time.hidden = live;
    f.num_of_retries.hidden = live;
    f.play_test_question.hidden = live;
  };
  f.kind.control.addEventListener('change', syncKind);
  syncKind();

  let templateBox = null;
  if (templates.length) {
    const pick = field({ label: t('copy_from_template'), name: 'template', type: 'select',
      options: [['', t('no_template')]].concat(templates.map((x) => [x.id, x.title])),
      hint: t('copy_from_template_hint') });
    pick.control.addEventListener('change', async () => {
      templateId = pick.control.value ? Number(pick.control.value) : null;
      if (!templateId) return;
      const tpl = (await api('GET', `/api/vacancies/${templateId}`)).json.vacancy;
      for (const k of ['title', 'reference_id', 'answering_time', 'num_of_retries', 'generic_invitation_text',
        'external_info_url', 'kind', 'scope', 'language']) {
        if (tpl[k] !== null && tpl[k] !== undefined) f[k].control.value = tpl[k];
      }
      for (const k of ['cv_upload_required', 'play_test_question']) f[k].control.checked = tpl[k] === 'yes';
      f.use_as_template.control.checked = false;
      clear(questions);
      (tpl.questions || []).map((x) => x.question || x).forEach((q) => questions.appendChild(questionRow(q, questions)));
      renumber(questions);
      syncKind();
      toast(t('template_copied', { title: tpl.title }));
    });
    templateBox = h('div', { class: 'template-pick', 'data-skip': '' }, pick);
  }

  const save = h('button', { type: 'submit' }, id ? t('save') : t('vacancy_create'));
  append(form, [templateBox, f.title, h('div', { class: 'row' }, f.kind, f.scope, f.language),
    h('div', { class: 'row' }, f.datetime_start, f.datetime_end), f.reference_id,
    h('div', { class: 'row' }, f.answering_time, f.num_of_retries), f.generic_invitation_text, f.external_info_url,
    f.cv_upload_required, f.play_test_question, f.use_as_template, f.live_recording, questionsBox,
    h('div', { class: 'actions' }, save, link(id ? `#/vacancies/${id}` : '#/vacancies', t('cancel'), { class: 'button secondary' }))]);
  const key = newKey();
  onSubmit(form, save, () => {
    const val = (k) => f[k].control.value.trim();
    const body = {
      title: val('title'), reference_id: val('reference_id') || null, kind: val('kind'), scope: val('scope'),
      language: val('language'), datetime_start: fromLocal(f.datetime_start.control.value),
      datetime_end: fromLocal(f.datetime_end.control.value),
      generic_invitation_text: val('generic_invitation_text') || null,
      external_info_url: val('external_info_url') || null,
      cv_upload_required: yes(f.cv_upload_required.control.checked),
      use_as_template: yes(f.use_as_template.control.checked),
    };
    if (body.kind === 'live') {
      body.live_recording = f.live_recording.control.checked;
    } else {
      body.answering_time = val('answering_time') || '2 minutes';
      body.num_of_retries = Number(val('num_of_retries') || 0);
      body.play_test_question = yes(f.play_test_question.control.checked);
      body.questions = readQuestions(questions);
    }
    if (templateId) body.template_id = templateId;
    return id
      ? api('PUT', `/api/vacancies/${id}`, { vacancy: body })
      : api('POST', '/api/vacancies', { vacancy: body }, { idempotencyKey: key });
  }, id ? t('vacancy_saved') : t('vacancy_created'), (saved) => {
    window.location.hash = `#/vacancies/${saved.json.vacancy.id}`;
  });
  append(view, [heading(id ? t('vacancy_edit_title', { title: v.title }) : t('vacancy_new')), form]);
  if (query.get('template')) {
    const pick = form.querySelector('[name=template]');
    if (pick) { pick.value = query.get('template'); pick.dispatchEvent(new Event('change')); }
  }
}

// attach/detach of a video at `path`; `pick` reads the new video id from
// the vacancy the PUT answers.
function videoCalls(path, pick) {
  return {
    attach: async (uploadId) => pick((await api('PUT', path, { video: { upload_id: uploadId } })).json.vacancy),
    detach: () => api('DELETE', path),
  };
}

export async function renderDetail(view, { ids }) {
  const id = ids[0];
  const v = (await api('GET', `/api/vacancies/${id}`)).json.vacancy;
  const dl = (pairs) => h('dl', { class: 'facts' }, pairs.map(([k, val]) => [h('dt', {}, k), h('dd', {}, val)]));
  const del = dangerButton(t('delete'), t('vacancy_delete_confirm', { title: v.title }),
    () => api('DELETE', `/api/vacancies/${id}`), t('vacancy_deleted'), () => { window.location.hash = '#/vacancies'; }, 'danger');
  const invs = unwrap(v.invitations, 'invitation');
  const ints = unwrap(v.interviews, 'interview');
  append(view, [
    heading(v.title, h('div', { class: 'actions' },
      link(`#/vacancies/${id}/edit`, t('edit'), { class: 'button secondary' }),
      link(`#/invitations/new?vacancy=${id}`, t('invite_one'), { class: 'button' }),
      link(`#/invitations/import?vacancy=${id}`, t('import_csv'), { class: 'button secondary' }),
      v.use_as_template === 'yes' ? link(`#/vacancies/new?template=${id}`, t('use_template'), { class: 'button secondary' }) : null,
      del)),
    h('section', { class: 'card' }, dl([
      [t('vacancy_kind'), t(`kind_${v.kind}`)], [t('vacancy_scope'), t(`scope_${v.scope}`)],
      [t('vacancy_start'), fmtDate(v.datetime_start)], [t('vacancy_end'), fmtDate(v.datetime_end)],
      [t('answering_time'), v.answering_time || '—'], [t('retries'), String(v.num_of_retries ?? '—')],
      [t('template'), v.use_as_template === 'yes' ? t('yes') : t('no')],
      [t('public_link'), v.public_url
        ? h('span', {}, h('a', { href: v.public_url, class: 'url' }, v.public_url), ' ', copyButton(v.public_url, t('copy_link')))
        : t('public_link_none')],
    ])),
    v.kind !== 'live' ? h('section', { class: 'card', 'aria-labelledby': 'intro-h' }, h('h2', { id: 'intro-h' }, t('intro_video')),
      h('p', { class: 'hint' }, t('intro_video_hint')),
      videoBox({ title: t('intro_video'), videoId: v.intro_video_id, ...videoCalls(`/api/vacancies/${id}/video`, (doc) => doc.intro_video_id) })) : null,
    v.kind !== 'live' ? h('section', { class: 'card', 'aria-labelledby': 'q-h' }, h('h2', { id: 'q-h' }, t('questions')),
      h('ol', { class: 'plain-list' }, unwrap(v.questions, 'question').map((q) =>
        h('li', {}, h('strong', {}, q.title), q.text ? h('p', { class: 'muted' }, q.text) : null,
          videoBox({ title: t('question_video', { title: q.title }), videoId: q.video_id,
            ...videoCalls(`/api/vacancies/${id}/questions/${q.id}/video`,
              (doc) => unwrap(doc.questions, 'question').find((x) => x.id === q.id).video_id) }))))) : null,
    h('section', { class: 'card', 'aria-labelledby': 'inv-h' }, h('h2', { id: 'inv-h' }, t('open_invitations')),
      invs.length ? h('ul', { class: 'plain-list' }, invs.map((i) => h('li', {},
        link(`#/invitations/${i.id}`, `${i.candidate_name} <${i.candidate_email}>`)))) : h('p', { class: 'empty' }, t('list_empty'))),
    h('section', { class: 'card', 'aria-labelledby': 'int-h' }, h('h2', { id: 'int-h' }, t('nav_interviews')),
      ints.length ? h('ul', { class: 'plain-list' }, ints.map((i) => h('li', {},
        link(`#/interviews/${i.id}`, `${i.candidate_name} · ${fmtDate(i.datetime_end)}`)))) : h('p', { class: 'empty' }, t('list_empty'))),
  ]);
}
