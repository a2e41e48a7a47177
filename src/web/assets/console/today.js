/* Today: upcoming live interviews (open invitations scheduled from now on),
   interviews completed since the last visit (kept in localStorage: the
   previous visit's time is shown, and this visit becomes the next one's
   mark), and interviews waiting for a review. */
import {
  t, h, append, api, unwrap, fmtDate, heading, link,
} from './core.js';
import { idOrderedPage } from './table.js';

const LAST_VISIT = 'cammio:console:last-visit';

function section(id, title, rows, empty, render) {
  return h('section', { class: 'card', 'aria-labelledby': id },
    h('h2', { id }, title, ' ', h('span', { class: 'count' }, `(${rows.length})`)),
    rows.length ? h('ul', { class: 'plain-list' }, rows.map((r) => h('li', {}, render(r))))
      : h('p', { class: 'empty' }, empty));
}

export async function render(view) {
  const now = new Date();
  const stored = localStorage.getItem(LAST_VISIT);
  const since = stored && !Number.isNaN(Date.parse(stored)) ? new Date(stored) : new Date(now - 7 * 86400e3);
  const iso = (d) => d.toISOString().replace(/\.\d+Z$/, 'Z');

  const upcomingRes = await api('GET', `/api/invitations?from=${encodeURIComponent(iso(now))}&limit=200`);
  const upcoming = unwrap(upcomingRes.json, 'invitation')
    .filter((i) => i.kind === 'live' && i.datetime_scheduled)
    .sort((a, b) => Date.parse(a.datetime_scheduled) - Date.parse(b.datetime_scheduled))
    .slice(0, 10);
  const newRes = await api('GET', `/api/interviews?from=${encodeURIComponent(iso(since))}&limit=50`);
  const completed = unwrap(newRes.json, 'interview').reverse();
  const recent = await idOrderedPage('/api/interviews', 'interview', { offset: 0, limit: 100, dir: 'desc' });
  const waiting = recent.rows.filter((i) => !i.num_of_reviews).slice(0, 10);

  append(view, [
    heading(t('nav_today')),
    h('div', { class: 'grid' },
      section('upcoming-h', t('today_upcoming'), upcoming, t('today_upcoming_none'), (i) => [
        h('time', { datetime: i.datetime_scheduled }, fmtDate(i.datetime_scheduled)), ' · ',
        link(`#/invitations/${i.id}`, i.candidate_name), ` · ${i.title || ''}`]),
      section('completed-h', t('today_completed', { since: fmtDate(since) }), completed, t('today_completed_none'), (i) => [
        link(`#/interviews/${i.id}`, i.candidate_name), ` · ${i.title} · `, fmtDate(i.datetime_end)]),
      section('waiting-h', t('today_waiting'), waiting, t('today_waiting_none'), (i) => [
        link(`#/interviews/${i.id}`, i.candidate_name), ` · ${i.title} · `, fmtDate(i.datetime_end),
        i.num_of_review_invitations ? h('span', { class: 'badge' }, t('reviewers_pending', { n: i.num_of_review_invitations })) : null])),
  ]);
  localStorage.setItem(LAST_VISIT, now.toISOString());
}
