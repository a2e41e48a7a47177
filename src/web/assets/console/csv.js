/* CSV import of candidates, parsed in the browser (RFC 4180: quoted fields
   with "" escapes and line breaks, comma or semicolon separated, as
   spreadsheets export them), and checked row by row against the rules the
   API applies to an invitation, so that a file with any bad row creates
   nothing. */

// Text -> array of rows (arrays of strings). The separator is the one of
// ',' ';' '\t' that occurs most in the first line.
export function parseCsv(text) {
  const src = text.replace(/^\uFEFF/, '');
  const firstLine = src.split(/\r?\n/, 1)[0] || '';
  const counts = [',', ';', '\t'].map((s) => [s, firstLine.split(s).length]);
  const sep = counts.sort((a, b) => b[1] - a[1])[0][0];
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') {
      quoted = true;
    } else if (c === sep) {
      row.push(cell); cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(cell); cell = '';
      if (row.some((x) => x.trim() !== '')) rows.push(row);
      row = [];
    } else {
      cell += c;
    }
  }
  row.push(cell);
  if (row.some((x) => x.trim() !== '')) rows.push(row);
  return rows;
}

// Header names (any case, spaces or dashes for underscores; English and
// Dutch) -> the invitation field.
const COLUMNS = {
  name: 'candidate_name', candidate_name: 'candidate_name', naam: 'candidate_name',
  firstname: 'candidate_firstname', first_name: 'candidate_firstname', candidate_firstname: 'candidate_firstname', voornaam: 'candidate_firstname',
  lastname: 'candidate_lastname', last_name: 'candidate_lastname', candidate_lastname: 'candidate_lastname', achternaam: 'candidate_lastname',
  email: 'candidate_email', e_mail: 'candidate_email', candidate_email: 'candidate_email',
  phone: 'candidate_phone', candidate_phone: 'candidate_phone', telefoon: 'candidate_phone',
  scheduled: 'datetime_scheduled', datetime_scheduled: 'datetime_scheduled', date: 'datetime_scheduled',
  gepland: 'datetime_scheduled', datum: 'datetime_scheduled',
  reference: 'reference_id', reference_id: 'reference_id',
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// The most rows one import may have (the API's limit, docs/decisions.md
// "Invitation import"); a longer file is refused before it is sent.
export const MAX_ROWS = 1000;

// rows (with a header row) -> {columns, items: [{line, fields, errors}],
// error}. `live`: the vacancy is live, so a schedule is required. `t` gives
// the texts of the errors.
export function checkRows(rows, live, t) {
  if (rows.length < 2) return { columns: [], items: [], error: t('csv_no_rows') };
  if (rows.length - 1 > MAX_ROWS) return { columns: [], items: [], error: t('csv_too_many', { n: rows.length - 1, max: MAX_ROWS }) };
  const header = rows[0].map((x) => x.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  const columns = header.map((x) => COLUMNS[x] || null);
  if (!columns.includes('candidate_email')) return { columns, items: [], error: t('csv_no_email_column') };
  if (!columns.includes('candidate_name') && !columns.includes('candidate_firstname')) {
    return { columns, items: [], error: t('csv_no_name_column') };
  }
  const seen = new Map();
  const items = rows.slice(1).map((cells, i) => {
    const fields = {};
    columns.forEach((col, j) => {
      if (col && cells[j] !== undefined && cells[j].trim() !== '') fields[col] = cells[j].trim();
    });
    const errors = [];
    if (cells.length > header.length) errors.push(t('csv_err_cells', { n: cells.length, m: header.length }));
    if (!fields.candidate_email) errors.push(t('csv_err_email_missing'));
    else if (!EMAIL.test(fields.candidate_email)) errors.push(t('csv_err_email', { value: fields.candidate_email }));
    else {
      const lower = fields.candidate_email.toLowerCase();
      if (seen.has(lower)) errors.push(t('csv_err_duplicate', { line: seen.get(lower) }));
      seen.set(lower, i + 2);
    }
    if (!fields.candidate_name && !(fields.candidate_firstname || fields.candidate_lastname)) {
      errors.push(t('csv_err_name'));
    }
    if (fields.datetime_scheduled) {
      const d = new Date(fields.datetime_scheduled);
      if (Number.isNaN(d.getTime())) errors.push(t('csv_err_date', { value: fields.datetime_scheduled }));
      else fields.datetime_scheduled = d.toISOString().replace(/\.\d+Z$/, 'Z');
    } else if (live) {
      errors.push(t('csv_err_schedule'));
    }
    return { line: i + 2, fields, errors };
  });
  return { columns, items, error: null };
}
