/* Interviews: the list (filters: vacancy, completion dates, reviewed or not;
   newest or oldest first; paged) and an interview's detail: its answer
   videos (keys N / P play the next / previous answer), beside its reviews
   and ratings, a review form, reviewer invitations and a forward link. */
import {
  t, h, clear, append, api, unwrap, busy, dangerButton, field, fmtDate, heading, link, copyButton,
  newKey, ApiError, onSubmit,
} from './core.js';
import { pagedTable, idOrderedPage } from './table.js';
import { loadVacancies } from './vacancies.js';

// The "reviewed" filter is not an API filter: the list is walked newest (or
// oldest) first in batches and filtered here; the total is then unknown and
// the pager offers "next" while a batch came back full.
async function reviewedPage(path, params, { offset, limit, dir }, reviewed) {
  const out = [];
  const batch = 200;
  let skipped = 0;
  for (let at = 0; out.length < limit; at += batch) {
    const page = await idOrderedPage(path, 'interview', { offset: at, limit: batch, dir }, params);
    for (const row of page.rows) {
      if ((row.num_of_reviews > 0) !== reviewed) continue;
      if (skipped < offset) { skipped++; continue; }
      if (out.length < limit) out.push(row);
    }
    if (at + batch >= page.total) break;
  }
  return { rows: out, total: null };
}

export async function renderList(view, { query }) {
  const vacancies = await loadVacancies();
  const titles = new Map(vacancies.map((v) => [v.id, v.title]));
  const vacancy = field({ label: t('vacancy'), name: 'vacancy', type: 'select', value: query.get('vacancy') || '',
    options: [['', t('all_vacancies')]].concat(vacancies.map((v) => [v.id, v.title])) });
  const from = field({ label: t('completed_from'), name: 'from', type: 'date' });
  const to = field({ label: t('completed_to'), name: 'to', type: 'date' });
  const reviewed = field({ label: t('reviewed'), name: 'reviewed', type: 'select',
    options: [['', t('any')], ['yes', t('reviewed_yes')], ['no', t('reviewed_no')]] });
  const table = pagedTable({
    caption: t('nav_interviews'),
    sort: 'datetime_end', dir: 'desc',
    empty: t('interviews_empty'),
    load: (p) => {
      const vid = vacancy.control.value;
      const path = vid ? `/api/vacancies/${vid}/interviews` : '/api/interviews';
      const params = {};
      if (from.control.value) params.from = from.control.value;
      if (to.control.value) params.to = to.control.value;
      if (reviewed.control.value) return reviewedPage(path, params, p, reviewed.control.value === 'yes');
      return idOrderedPage(path, 'interview', p, params);
    },
    columns: [
      { key: 'candidate_name', label: t('candidate'), render: (i) => link(`#/interviews/${i.id}`, i.candidate_name) },
      { key: 'vacancy_id', label: t('vacancy'), render: (i) => titles.get(i.vacancy_id) || i.title },
      { key: 'datetime_end', label: t('completed'), sortable: true, render: (i) => fmtDate(i.datetime_end) },
      { key: 'num_of_recordings', label: t('answers') },
      { key: 'num_of_reviews', label: t('reviews'), render: (i) => (i.num_of_reviews ? String(i.num_of_reviews) : h('span', { class: 'badge warn' }, t('not_reviewed'))) },
    ],
  });
  const filters = h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() }, vacancy, from, to, reviewed);
  filters.addEventListener('change', () => table.reload(true));
  append(view, [heading(t('nav_interviews')), filters, table.node]);
}

function stars(rating) {
  return h('span', { class: 'stars', role: 'img', 'aria-label': t('rating_of', { n: rating }) },
    h('span', { 'aria-hidden': 'true' }, '★'.repeat(rating) + '☆'.repeat(Math.max(0, 5 - rating))));
}

export async function renderDetail(view, { ids, isCurrent }) {
  const id = ids[0];
  const base = `/api/interviews/${id}`;
  const iv = (await api('GET', base)).json.interview;
  const recordings = unwrap(iv.recordings, 'recording').filter((r) => r.video_url);

  // Videos: one player, a list of answers; N / P (outside text fields) and
  // the list's buttons switch answers.
  const player = h('video', { controls: true, preload: 'metadata', class: 'player' });
  const nowTitle = h('p', { class: 'now-playing', 'aria-live': 'polite' });
  const answerList = h('ol', { class: 'answers' });
  let current = -1;
  function play(i, autoplay) {
    if (i < 0 || i >= recordings.length) return;
    current = i;
    const r = recordings[i];
    player.src = new URL(r.video_url, window.location.href).pathname;
    if (r.thumbnail) player.poster = new URL(r.thumbnail, window.location.href).pathname;
    nowTitle.textContent = t('answer_n_of', { n: i + 1, count: recordings.length, title: r.title });
    answerList.querySelectorAll('button').forEach((b, j) => b.setAttribute('aria-pressed', String(j === i)));
    if (autoplay) player.play().catch(() => {});
  }
  recordings.forEach((r, i) => answerList.appendChild(h('li', {},
    h('button', { type: 'button', class: 'answer', 'aria-pressed': 'false', onclick: () => play(i, true) },
      `${i + 1}. ${r.title}`))));
  const onKey = (e) => {
    if (!isCurrent() || !document.body.contains(player)) { document.removeEventListener('keydown', onKey); return; }
    if (e.target.closest('input, textarea, select') || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'n' || e.key === 'N') { play(Math.min(current + 1, recordings.length - 1), true); e.preventDefault(); }
    if (e.key === 'p' || e.key === 'P') { play(Math.max(current - 1, 0), true); e.preventDefault(); }
  };
  document.addEventListener('keydown', onKey);
  player.addEventListener('ended', () => { if (current + 1 < recordings.length) play(current + 1, true); });

  const videos = h('section', { class: 'card videos', 'aria-labelledby': 'videos-h' },
    h('h2', { id: 'videos-h' }, t('answers')),
    recordings.length ? [player, nowTitle, answerList, h('p', { class: 'hint' }, t('shortcut_hint'))]
      : h('p', { class: 'empty' }, t('no_videos')),
    iv.cv_url ? h('p', {}, h('a', { href: new URL(iv.cv_url, window.location.href).pathname }, t('download_cv'))) : null);
  if (recordings.length) play(0, false);

  const side = h('div', { class: 'side' }, reviewsBox(iv, base), reviewersBox(iv, base), forwardBox(base));
  append(view, [
    heading(iv.candidate_name, h('p', { class: 'muted' }, `${iv.title} · ${t('completed')} ${fmtDate(iv.datetime_end)}`)),
    h('dl', { class: 'facts card' }, [[t('email'), iv.candidate_email], [t('phone'), iv.candidate_phone || '—'],
      [t('vacancy'), link(`#/vacancies/${iv.vacancy_id}`, iv.title)],
      [t('duration'), t('minutes_n', { n: iv.duration_in_minutes ?? '—' })],
      [t('synchronized'), fmtDate(iv.datetime_synchronized)]].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('div', { class: 'split' }, videos, side),
  ]);
}

function reviewsBox(iv, base) {
  const box = h('section', { class: 'card', 'aria-labelledby': 'reviews-h' });
  const list = h('ul', { class: 'reviews plain-list' });
  const avg = h('p', { class: 'average' });
  async function load() {
    const rows = unwrap((await api('GET', `${base}/reviews`)).json, 'review');
    clear(list);
    avg.textContent = rows.length
      ? t('average_rating', { avg: (rows.reduce((s, r) => s + r.rating, 0) / rows.length).toFixed(1), n: rows.length })
      : t('reviews_none');
    rows.forEach((r) => {
      const del = dangerButton(t('delete'), t('review_delete_confirm', { name: r.reviewer_name }),
        () => api('DELETE', `${base}/reviews/${r.id}`), t('review_deleted'), load);
      list.appendChild(h('li', { class: 'review' }, h('div', { class: 'review-head' },
        h('strong', {}, r.reviewer_name || '—'), stars(r.rating), del),
      r.remarks ? h('p', {}, r.remarks) : null));
    });
  }
  const rating = h('fieldset', { class: 'rating' }, h('legend', {}, t('rating')),
    [1, 2, 3, 4, 5].map((n) => h('label', {}, h('input', { type: 'radio', name: 'rating', value: n, required: n === 1 }), ` ${n}`)));
  const form = h('form', { class: 'form', novalidate: true }, rating,
    field({ label: t('remarks'), name: 'remarks', type: 'textarea', rows: 3 }));
  const save = h('button', { type: 'submit' }, t('review_save'));
  form.appendChild(save);
  onSubmit(form, save, (v) => {
    if (!v.rating) throw new ApiError(0, '', t('rating_required'));
    return api('POST', `${base}/reviews`, { review: { rating: Number(v.rating), remarks: v.remarks || null } },
      { idempotencyKey: newKey() });
  }, t('review_saved'), () => { form.reset(); load(); });
  append(box, [h('h2', { id: 'reviews-h' }, t('reviews')), avg, list, h('h3', {}, t('review_write')), form]);
  load();
  return box;
}

function reviewersBox(iv, base) {
  const box = h('section', { class: 'card', 'aria-labelledby': 'reviewers-h' });
  const list = h('ul', { class: 'plain-list' });
  async function load() {
    const rows = unwrap((await api('GET', `${base}/reviewers`)).json, 'reviewer');
    clear(list);
    if (!rows.length) list.appendChild(h('li', { class: 'empty' }, t('reviewers_none')));
    rows.forEach((r) => {
      const del = dangerButton(t('remove'), t('reviewer_remove_confirm', { name: r.name }),
        () => api('DELETE', `${base}/reviewers/${r.id}`), t('reviewer_removed'), load);
      list.appendChild(h('li', {}, `${r.name} <${r.email}> `, r.url ? copyButton(r.url, t('copy_link')) : null, ' ', del));
    });
  }
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('reviewer_name'), name: 'name', required: true }),
    field({ label: t('email'), name: 'email', type: 'email', required: true }),
    field({ label: t('phone'), name: 'phone', type: 'tel' }));
  const add = h('button', { type: 'submit' }, t('reviewer_invite'));
  form.appendChild(add);
  onSubmit(form, add, (v) => {
    if (!v.phone) delete v.phone;
    return api('POST', `${base}/reviewers`, { reviewer: v }, { idempotencyKey: newKey() });
  }, (v) => t('reviewer_invited', { name: v.name }), () => { form.reset(); load(); });
  append(box, [h('h2', { id: 'reviewers-h' }, t('reviewers')), h('p', { class: 'hint' }, t('reviewers_hint')), list, form]);
  load();
  return box;
}

function forwardBox(base) {
  const out = h('div', { class: 'forward-out', 'aria-live': 'polite' });
  const make = h('button', { type: 'button', class: 'secondary' }, t('forward_make'));
  make.addEventListener('click', async () => {
    const res = await busy(make, () => api('GET', `${base}/forward_url`), t('forward_made'));
    if (!res) return;
    clear(out);
    const url = res.json.url;
    append(out, [h('label', { for: 'forward-url' }, t('forward_link')),
      h('input', { id: 'forward-url', type: 'text', readonly: true, value: url, class: 'url-field' }),
      copyButton(url, t('copy_link'))]);
  });
  return h('section', { class: 'card', 'aria-labelledby': 'forward-h' }, h('h2', { id: 'forward-h' }, t('forward')),
    h('p', { class: 'hint' }, t('forward_hint')), make, out);
}
