/* The recruiter console's entry (loaded by index.html): loads the session
   and the texts, builds the navigation and routes by location.hash
   ("#/vacancies/12") to the screens' render(main, params) functions. */
import {
  LANGS, loadStrings, t, h, clear, append, loadSession, currentSession,
} from './core.js';
import * as today from './today.js';
import * as vacancies from './vacancies.js';
import * as invitations from './invitations.js';
import * as interviews from './interviews.js';
import * as settings from './settings.js';

// [pattern, render, nav section]; the first match wins.
const ROUTES = [
  [/^\/?$/, today.render, 'today'],
  [/^\/today$/, today.render, 'today'],
  [/^\/vacancies$/, vacancies.renderList, 'vacancies'],
  [/^\/vacancies\/new$/, vacancies.renderEdit, 'vacancies'],
  [/^\/vacancies\/(\d+)$/, vacancies.renderDetail, 'vacancies'],
  [/^\/vacancies\/(\d+)\/edit$/, vacancies.renderEdit, 'vacancies'],
  [/^\/invitations$/, invitations.renderList, 'invitations'],
  [/^\/invitations\/new$/, invitations.renderInvite, 'invitations'],
  [/^\/invitations\/import$/, invitations.renderImport, 'invitations'],
  [/^\/invitations\/(\d+)$/, invitations.renderDetail, 'invitations'],
  [/^\/interviews$/, interviews.renderList, 'interviews'],
  [/^\/interviews\/(\d+)$/, interviews.renderDetail, 'interviews'],
  [/^\/settings$/, settings.render, 'settings'],
];

const NAV = ['today', 'vacancies', 'invitations', 'interviews', 'settings'];
const LANG_KEY = 'cammio:console:lang';

function pickLang() {
  const stored = localStorage.getItem(LANG_KEY);
  if (LANGS.includes(stored)) return stored;
  const s = currentSession();
  if (s && LANGS.includes(String(s.locale || '').slice(0, 2))) return s.locale.slice(0, 2);
  const browser = String(navigator.language || 'en').slice(0, 2).toLowerCase();
  return LANGS.includes(browser) ? browser : 'en';
}

function parseRoute() {
  const hash = window.location.hash || '#/';
  const [path, query] = hash.slice(1).split('?');
  return { path, query: new URLSearchParams(query || '') };
}

let renderSeq = 0;

async function route() {
  const { path, query } = parseRoute();
  const main = document.getElementById('main');
  let found = null;
  for (const [re, fn, section] of ROUTES) {
    const m = re.exec(path);
    if (m) { found = { fn, section, args: m.slice(1) }; break; }
  }
  document.querySelectorAll('#nav a').forEach((a) => {
    if (found && a.dataset.section === found.section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  const seq = ++renderSeq;
  clear(main);
  if (!found) {
    main.appendChild(h('h1', { tabindex: '-1' }, t('not_found')));
    main.querySelector('h1').focus();
    document.body.dataset.renders = String(seq);
    return;
  }
  main.setAttribute('aria-busy', 'true');
  const view = h('div', { class: 'view' });
  try {
    await found.fn(view, { ids: found.args.map(Number), query, isCurrent: () => seq === renderSeq });
  } catch (e) {
    append(view, h('p', { class: 'field-error', role: 'alert' }, e.details || e.message));
  }
  if (seq !== renderSeq) return;
  main.removeAttribute('aria-busy');
  main.appendChild(view);
  const title = view.querySelector('h1');
  document.title = `${title ? title.textContent : ''} · ${t('console_title')}`;
  if (title && !window.cammioFirstRender) title.focus({ preventScroll: false });
  window.cammioFirstRender = false;
  // How many screens were shown: tests wait for it to grow.
  document.body.dataset.renders = String(seq);
}

function buildChrome() {
  const header = document.getElementById('top');
  clear(header);
  const s = currentSession();
  const langSelect = h('select', {
    id: 'lang', 'aria-label': t('language'),
    onchange: async (e) => {
      localStorage.setItem(LANG_KEY, e.target.value);
      await loadStrings(e.target.value);
      buildChrome();
      route();
    },
  }, LANGS.map((l) => h('option', { value: l, selected: l === document.documentElement.lang }, l.toUpperCase())));
  append(header, [
    h('a', { class: 'brand', href: '#/' }, h('span', { 'aria-hidden': 'true' }, '● '), t('console_title')),
    h('nav', { id: 'nav', 'aria-label': t('nav_label') },
      h('ul', {}, NAV.map((key) => h('li', {}, h('a', { href: `#/${key}`, 'data-section': key }, t(`nav_${key}`)))))),
    h('div', { class: 'who' },
      s ? h('span', { class: 'user' }, s.name || s.email,
        h('span', { class: 'role' }, ` (${t(`role_${s.role}`)})`)) : null,
      langSelect,
      s ? h('form', { method: 'post', action: '/console/sign-out', class: 'inline' },
        h('input', { type: 'hidden', name: 'csrf', value: s.csrf_token }),
        h('button', { type: 'submit', class: 'secondary small' }, t('sign_out'))) : null),
  ]);
  const skip = document.getElementById('skip');
  skip.textContent = t('skip_to_content');
  document.getElementById('alerts').setAttribute('aria-label', t('alerts'));
}

async function boot() {
  await loadSession();
  await loadStrings(pickLang());
  // The skip link targets #main without changing the route.
  document.getElementById('skip').addEventListener('click', (e) => {
    e.preventDefault();
    document.getElementById('main').focus();
  });
  buildChrome();
  window.cammioFirstRender = true;
  window.addEventListener('hashchange', route);
  await route();
  document.body.dataset.ready = 'true';
}

boot();
