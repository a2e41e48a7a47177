/* A vacancy's or question's video (docs/web.md "Recruiter console"): shows
   the attached one, records a new one with the camera (MediaRecorder, WebM)
   or takes a file (WebM or MP4), uploads it (tus.js) and attaches it; or
   removes it. videoBox({title, videoId, attach(uploadId), detach()}) answers
   the element; attach/detach are the API calls, and the box re-renders
   itself with the new video id they answer. */
import { t, h, clear, append, busy, toast, dangerButton } from './core.js';
import { uploadVideo } from './tus.js';

function recorderType() {
  if (!window.MediaRecorder) return null;
  return ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm']
    .find((x) => MediaRecorder.isTypeSupported(x)) || null;
}

export function videoBox(o) {
  const box = h('div', { class: 'video-box', role: 'group', 'aria-label': o.title });
  let videoId = o.videoId || null;

  async function send(blob, name) {
    const bar = h('progress', { max: 100, value: 0, 'aria-label': t('video_uploading') });
    const note = h('p', { class: 'hint', 'aria-live': 'polite' }, t('video_uploading'));
    clear(box);
    append(box, [note, bar]);
    const id = await busy(null, async () => {
      const upload = await uploadVideo(blob, { name, onProgress: (f) => { bar.value = Math.round(f * 100); } });
      return o.attach(upload);
    }, t('video_attached'));
    if (id) videoId = id;
    render();
  }

  function record() {
    const type = recorderType();
    if (!type || !navigator.mediaDevices) { toast(t('video_no_recorder'), 'error'); return; }
    clear(box);
    const preview = h('video', { class: 'player', muted: true, autoplay: true, playsinline: true });
    preview.muted = true;
    const start = h('button', { type: 'button' }, t('video_start'));
    const stop = h('button', { type: 'button', hidden: true }, t('video_stop'));
    const cancel = h('button', { type: 'button', class: 'secondary' }, t('cancel'));
    const status = h('p', { class: 'hint', 'aria-live': 'polite' }, t('video_camera_wait'));
    append(box, [preview, status, h('div', { class: 'actions' }, start, stop, cancel)]);
    let stream = null;
    let recorder = null;
    const chunks = [];
    const end = () => { if (stream) stream.getTracks().forEach((tr) => tr.stop()); };
    cancel.addEventListener('click', () => { end(); render(); });
    navigator.mediaDevices.getUserMedia({ video: true, audio: true }).then((s) => {
      stream = s;
      preview.srcObject = s;
      status.textContent = t('video_camera_ready');
      start.focus();
    }).catch(() => { status.textContent = t('video_no_camera'); start.disabled = true; });
    start.addEventListener('click', () => {
      if (!stream) return;
      recorder = new MediaRecorder(stream, { mimeType: type });
      recorder.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
      recorder.onstop = () => {
        end();
        const blob = new Blob(chunks, { type: 'video/webm' });
        clear(box);
        const review = h('video', { class: 'player', controls: true, src: URL.createObjectURL(blob) });
        const use = h('button', { type: 'button' }, t('video_use'));
        use.addEventListener('click', () => send(blob, 'question.webm'));
        append(box, [review, h('div', { class: 'actions' }, use,
          h('button', { type: 'button', class: 'secondary', onclick: record }, t('video_again')),
          h('button', { type: 'button', class: 'secondary', onclick: render }, t('cancel')))]);
        use.focus();
      };
      recorder.start(1000);
      start.hidden = true;
      stop.hidden = false;
      status.textContent = t('video_recording');
      stop.focus();
    });
    stop.addEventListener('click', () => recorder && recorder.state !== 'inactive' && recorder.stop());
  }

  function render() {
    clear(box);
    const file = h('input', { type: 'file', accept: 'video/webm,video/mp4', hidden: true, 'aria-label': t('video_file') });
    file.addEventListener('change', () => { if (file.files[0]) send(file.files[0], file.files[0].name); });
    append(box, [
      videoId ? h('video', { class: 'player small', controls: true, preload: 'metadata', src: `/api/videos/${videoId}` })
        : h('p', { class: 'muted' }, t('video_none')),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary small', onclick: record }, t('video_record')),
        file, h('button', { type: 'button', class: 'secondary small', onclick: () => file.click() }, t('video_file')),
        videoId ? dangerButton(t('video_remove'), t('video_remove_confirm'), o.detach, t('video_removed'),
          () => { videoId = null; render(); }) : null)]);
  }

  render();
  return box;
}
