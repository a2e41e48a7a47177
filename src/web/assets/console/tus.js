/* Recruiter video uploads: tus 1.0 (creation, PATCH, resume at the offset
   the server reports) to POST /api/uploads under the console's
   authentication. uploadVideo(blob, {name, onProgress}) answers the finished
   upload's id, which PUT /api/vacancies/:id/video and
   .../questions/:question_id/video attach ({"upload_id": N}). A dropped
   connection is retried (up to 8 times, backing off to 8 s) from the
   durable offset; a refusal (4xx) is thrown as ApiError with its details. */
import { authHeaders, ApiError, t } from './core.js';

const TUS = '1.0.0';
const CHUNK = 2 * 1024 * 1024;

function b64(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

async function refusal(res) {
  let details = '';
  try { details = (await res.json()).error.details; } catch (e) { details = `HTTP ${res.status}`; }
  return new ApiError(res.status, '', details);
}

async function call(method, url, headers, body) {
  return fetch(url, { method, credentials: 'same-origin', body,
    headers: Object.assign(authHeaders(method), { 'Tus-Resumable': TUS }, headers) });
}

export async function uploadVideo(blob, { name = 'video', onProgress } = {}) {
  const type = blob.type.startsWith('video/mp4') ? 'video/mp4' : 'video/webm';
  const created = await call('POST', '/api/uploads', {
    'Upload-Length': String(blob.size),
    'Upload-Metadata': `filetype ${b64(type)},filename ${b64(name)}`,
  });
  if (created.status !== 201) throw await refusal(created);
  const url = created.headers.get('Location');
  const id = (await created.json()).upload.id;
  let offset = 0;
  let failures = 0;
  while (offset < blob.size) {
    let res = null;
    try {
      res = await call('PATCH', url, { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
        blob.slice(offset, Math.min(blob.size, offset + CHUNK)));
    } catch (e) {
      res = null;  // the connection dropped: ask where to go on
    }
    if (res && res.status === 204) {
      offset = Number(res.headers.get('Upload-Offset'));
      failures = 0;
      if (onProgress) onProgress(offset / blob.size);
      continue;
    }
    if (res && res.status !== 409 && res.status < 500) throw await refusal(res);
    if (++failures > 8) throw new ApiError(0, '', t('error_network'));
    await new Promise((r) => setTimeout(r, Math.min(8000, 500 * 2 ** failures)));
    try {
      const head = await call('HEAD', url, {});
      if (head.ok) offset = Number(head.headers.get('Upload-Offset'));
    } catch (e) { /* still offline: the next PATCH tells */ }
  }
  return id;
}
