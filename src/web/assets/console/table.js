/* The console's lists: pagedTable, a sortable and paged table over a
   load({offset, limit, sort, dir}) -> {rows, total} source (total null when
   unknown); clientSource for lists loaded whole (sorted and paged here);
   idOrderedPage for the API's lists, which are ordered by id and paged by
   limit/offset with X-Total-Count. */
import { t, h, clear, append, api, unwrap } from './core.js';

// A source over rows loaded once: filter(row) and sorting by column key in
// the browser.
export function clientSource(rows, filter) {
  return async ({ offset, limit, sort, dir }) => {
    let list = filter ? rows.filter(filter) : rows.slice();
    if (sort) {
      list.sort((a, b) => {
        const x = a[sort];
        const y = b[sort];
        const c = typeof x === 'number' && typeof y === 'number'
          ? x - y : String(x ?? '').localeCompare(String(y ?? ''), undefined, { numeric: true });
        return dir === 'desc' ? -c : c;
      });
    }
    return { rows: list.slice(offset, offset + limit), total: list.length };
  };
}

// A sortable, paged table. opts: {caption, columns: [{key, label, sortable,
// render(row)}], load, pageSize, sort, dir, empty}. Answers {node, reload}.
export function pagedTable(opts) {
  const state = { offset: 0, sort: opts.sort || null, dir: opts.dir || 'asc' };
  const pageSize = opts.pageSize || 20;
  const node = h('div', { class: 'table-wrap' });
  const status = h('p', { class: 'pager-status', 'aria-live': 'polite' });

  async function reload(resetOffset) {
    if (resetOffset) state.offset = 0;
    node.setAttribute('aria-busy', 'true');
    let page;
    try {
      page = await opts.load({ offset: state.offset, limit: pageSize, sort: state.sort, dir: state.dir });
    } catch (e) {
      clear(node);
      node.removeAttribute('aria-busy');
      node.appendChild(h('p', { class: 'field-error', role: 'alert' }, e.details || e.message));
      return;
    }
    node.removeAttribute('aria-busy');
    render(page);
  }

  function header(col) {
    if (!col.sortable) return h('th', { scope: 'col' }, col.label);
    const active = state.sort === col.key;
    const ariaSort = active ? (state.dir === 'asc' ? 'ascending' : 'descending') : 'none';
    return h('th', { scope: 'col', 'aria-sort': ariaSort },
      h('button', {
        type: 'button', class: 'sort',
        onclick: () => {
          if (state.sort === col.key) state.dir = state.dir === 'asc' ? 'desc' : 'asc';
          else { state.sort = col.key; state.dir = 'asc'; }
          reload(true).then(() => {
            const again = node.querySelector(`th button[data-key="${col.key}"]`);
            if (again) again.focus();
          });
        },
        'data-key': col.key,
      }, col.label, h('span', { class: 'arrow', 'aria-hidden': 'true' }, active ? (state.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕')));
  }

  function render({ rows, total }) {
    clear(node);
    if (!rows.length && state.offset === 0) {
      node.appendChild(h('p', { class: 'empty' }, opts.empty || t('list_empty')));
      return;
    }
    const table = h('table', { class: 'list' },
      opts.caption ? h('caption', { class: 'sr-only' }, opts.caption) : null,
      h('thead', {}, h('tr', {}, opts.columns.map(header))),
      h('tbody', {}, rows.map((row) => h('tr', {}, opts.columns.map((col, i) =>
        h(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row', 'data-label': col.label } : { 'data-label': col.label },
          col.render ? col.render(row) : String(row[col.key] ?? '—')))))));
    const first = total === 0 ? 0 : state.offset + 1;
    const last = state.offset + rows.length;
    status.textContent = total === null || total === undefined
      ? t('pager_range_open', { first, last })
      : t('pager_range', { first, last, total });
    const prev = h('button', {
      type: 'button', class: 'secondary', disabled: state.offset === 0,
      onclick: () => { state.offset = Math.max(0, state.offset - pageSize); reload(); },
    }, t('pager_prev'));
    const more = total === null || total === undefined ? rows.length === pageSize : last < total;
    const next = h('button', {
      type: 'button', class: 'secondary', disabled: !more,
      onclick: () => { state.offset += pageSize; reload(); },
    }, t('pager_next'));
    append(node, [h('div', { class: 'scroll' }, table),
      h('nav', { class: 'pager', 'aria-label': t('pager_label') }, prev, status, next)]);
  }

  reload();
  return { node, reload };
}

// The X-Total-Count of an answer, or null.
export function totalOf(res) {
  const v = res.headers.get('X-Total-Count');
  return v === null ? null : Number(v);
}

// A {offset, limit, dir} page of a list path that is ordered by id ascending,
// newest first when dir is 'desc'. Answers {rows, total}.
export async function idOrderedPage(path, key, { offset, limit, dir }, params = {}) {
  const q = new URLSearchParams(params);
  if (dir !== 'desc') {
    q.set('limit', limit); q.set('offset', offset);
    const res = await api('GET', `${path}?${q}`);
    return { rows: unwrap(res.json, key), total: totalOf(res) };
  }
  q.set('limit', 0);
  const head = await api('GET', `${path}?${q}`);
  const total = totalOf(head) || 0;
  const start = Math.max(0, total - offset - limit);
  const count = Math.max(0, Math.min(limit, total - offset));
  if (!count) return { rows: [], total };
  q.set('limit', count); q.set('offset', start);
  const res = await api('GET', `${path}?${q}`);
  return { rows: unwrap(res.json, key).reverse(), total };
}
