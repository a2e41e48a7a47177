/* The automated video interview behind an invitation link
   (/public/job_interviews/<token>): welcome, the vacancy's intro video (if
   it has one), camera and microphone check,
   the practice question, each question (countdown, recording with
   MediaRecorder as WebM plus a JPEG still, review and retake), the CV, then
   sending and completion.

   Takes are counted by the server (docs/decisions.md "Takes and the CV"):
   each recording of a question is registered as a tus upload as soon as it
   stops, before the candidate reviews it, and counts once its last byte
   arrived; the server refuses a take beyond num_of_retries (412, shown to
   the candidate) and the state document says how many takes each question
   has left (takes_left, null: no limit). The newest finished take replaces
   the earlier ones. A registration that fails for a passing reason (no
   connection, 5xx, 429) keeps the recording and offers to try again.

   Progress lives in localStorage ("cammio:<token>") and recordings in
   IndexedDB until their upload is done, so a reload or a dropped connection
   continues where the candidate was. Endpoints: GET <base>/state, tus
   uploads under <base>/uploads, POST <base>/complete. */
(function () {
  'use strict';
  var C = window.Cammio;
  var t = C.t;
  var h = C.h;

  var app = document.getElementById('app');
  var announcer = document.getElementById('announcer');
  var token = app.getAttribute('data-token');
  var base = '/public/job_interviews/' + token;
  var storageKey = 'cammio:' + token;

  var S = null;        // the link's state document
  var P = null;        // persisted progress
  var stream = null;   // camera + microphone
  var cleanups = [];   // undo the current step (timers, meters)
  var queue = null;    // Cammio.UploadQueue

  // ---------------------------------------------------------------- basics

  function announce(text) {
    announcer.textContent = '';
    setTimeout(function () { announcer.textContent = text; }, 50);
  }

  // Replaces the page's card with one holding `children`; focuses its heading.
  function show(children) {
    cleanups.splice(0).forEach(function (f) { f(); });
    var section = h('section', { 'class': 'card' }, children);
    app.replaceChildren(section);
    var heading = section.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
    window.scrollTo(0, 0);
    return section;
  }

  function button(label, onclick, primary) {
    return h('button', { type: 'button', 'class': primary ? 'primary' : null, onclick: onclick }, label);
  }

  function actions() {
    return h('div', { 'class': 'actions' }, [].slice.call(arguments));
  }

  function loadProgress() {
    try {
      P = JSON.parse(localStorage.getItem(storageKey));
    } catch (ignored) {
      P = null;
    }
    if (!P || P.v !== 1) {
      P = { v: 1, started_at: Math.floor(Date.now() / 1000), test_done: false, answers: {},
            takes: {}, uploads: {}, cv: null };
    }
    P.takes = P.takes || {};  // progress saved by an earlier version of this page
  }

  function save() { localStorage.setItem(storageKey, JSON.stringify(P)); }

  function answeredCount() {
    return S.questions.filter(function (q) { return P.answers[q.id]; }).length;
  }

  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
  }

  // A recording that is gone from this browser cannot be sent: its question
  // is asked again (or the CV chosen again).
  function forget(key) {
    Object.keys(P.answers).forEach(function (qid) {
      var a = P.answers[qid];
      if (a.rec === key || a.thumb === key) {
        delete P.uploads[a.rec];
        if (a.thumb) delete P.uploads[a.thumb];
        delete P.answers[qid];
      }
    });
    Object.keys(P.takes).forEach(function (qid) {
      if (P.takes[qid].rec === key) delete P.takes[qid];
    });
    if (P.cv === key) {
      delete P.uploads[key];
      P.cv = null;
    }
    save();
  }

  function uploadId(key) {
    var u = key && P.uploads[key];
    return u && u.url ? Number(u.url.split('/').pop()) : undefined;
  }

  // ---------------------------------------------------------------- flow

  function next() {
    // The vacancy's intro video, once, before the first question.
    if (S.intro_video_url && !P.intro_seen && answeredCount() === 0) return introStep();
    if (S.play_test_question && !P.test_done && answeredCount() === 0) {
      var practice = { id: 'test', title: t('test_title'), text: t('test_question'), answering_time: '30 seconds' };
      return withCamera(function () { questionStep(practice, true); });
    }
    for (var i = 0; i < S.questions.length; i++) {
      if (!P.answers[S.questions[i].id]) {
        var q = S.questions[i];
        return withCamera(function () { questionStep(q, false); });
      }
    }
    stopCamera();
    if (S.cv_upload_required && !P.cv) return cvStep();
    return finishStep();
  }

  function introStep() {
    show([
      h('h1', {}, t('intro_title', { recruiter: S.recruiter_name })),
      h('p', {}, t('intro_text')),
      h('video', { 'class': 'intro-video', controls: true, preload: 'metadata', playsinline: true,
                   src: base + '/video', 'aria-label': t('intro_video') }),
      actions(button(t('continue'), function () { P.intro_seen = true; save(); next(); }, true))
    ]);
  }

  function welcomeStep() {
    var done = answeredCount();
    var retries = S.num_of_retries;
    show([
      h('h1', {}, t('welcome_title', { name: S.candidate_name })),
      h('p', {}, t('welcome_intro', { recruiter: S.recruiter_name, title: S.title })),
      S.generic_invitation_text ? h('p', { 'class': 'text' }, S.generic_invitation_text) : null,
      done > 0 ? h('p', { 'class': 'ok' }, t('welcome_resume', { done: done, count: S.questions.length })) : null,
      h('h2', {}, t('welcome_expect')),
      h('ul', { 'class': 'expect' },
        h('li', {}, S.questions.length === 1 ? t('welcome_questions_one')
                                             : t('welcome_questions', { count: S.questions.length })),
        h('li', {}, t('welcome_time', { time: C.formatDuration(C.parseDuration(S.answering_time)) })),
        h('li', {}, retries === null || retries === undefined ? t('welcome_retries_unlimited')
          : retries === 0 ? t('welcome_retries_none')
            : retries === 1 ? t('welcome_retries_one') : t('welcome_retries', { count: retries })),
        S.cv_upload_required ? h('li', {}, t('welcome_cv')) : null),
      h('p', { 'class': 'note' }, t('welcome_privacy', { recruiter: S.recruiter_name })),
      actions(button(done > 0 ? t('continue') : t('start'), next, true))
    ]);
  }

  function withCamera(then) {
    return stream ? then() : cameraStep(then);
  }

  function cameraStep(then) {
    var check = C.cameraCheck();
    var ok = button(t('check_ok'), function () { then(); }, true);
    ok.disabled = true;
    var row = actions(ok);
    show([h('h1', {}, t('check_title')), h('p', {}, t('check_intro'))].concat(check.nodes, [row]));
    cleanups.push(check.stop);
    check.start().then(function (s) {
      stream = s;
      ok.disabled = false;
      ok.focus();
    }, function (err) {
      if (err.retry) row.appendChild(button(t('try_again'), function () { cameraStep(then); }));
    });
  }

  // A JPEG still of the live preview (null before the first frame).
  function captureStill(video) {
    return new Promise(function (resolve) {
      if (!video.videoWidth) return resolve(null);
      var canvas = document.createElement('canvas');
      canvas.width = Math.min(640, video.videoWidth);
      canvas.height = Math.round(video.videoHeight * canvas.width / video.videoWidth);
      canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(resolve, 'image/jpeg', 0.85);
    });
  }

  // One question (or the practice question): countdown, record, review.
  function questionStep(q, practice) {
    var index = S.questions.indexOf(q);
    var seconds = C.parseDuration(q.answering_time || S.answering_time);
    // Takes this question still has on the server (the practice question is
    // never sent: no limit).
    function takesLeft() {
      return practice || q.takes_left === null || q.takes_left === undefined ? Infinity : q.takes_left;
    }
    var live = h('video', { 'class': 'preview mirror', muted: true, autoplay: true, playsinline: true,
                            'aria-label': t('check_preview') });
    live.srcObject = stream;
    var badge = h('span', { 'class': 'badge', hidden: true });
    var overlay = h('div', { 'class': 'countdown', 'aria-hidden': 'true', hidden: true });
    var stage = h('div', { 'class': 'stage' }, live, badge, overlay);
    var timer = h('p', { 'class': 'timer', role: 'timer', 'aria-live': 'off' });
    var row = actions();
    show([
      h('p', { 'class': 'step' }, practice ? t('test_title')
                                           : t('question_of', { n: index + 1, count: S.questions.length })),
      h('h1', {}, q.title),
      q.text ? h('p', { 'class': 'text' }, q.text) : null,
      practice ? h('p', { 'class': 'note' }, t('test_intro')) : null,
      q.video_url ? h('video', { controls: true, preload: 'metadata', playsinline: true,
                                 src: base + '/questions/' + q.id + '/video', 'aria-label': t('question_video') })
                  : null,
      h('p', {}, t('time_for_answer', { time: C.formatDuration(seconds) })),
      stage, timer, row
    ]);

    function ready() {
      stage.replaceChildren(live, badge, overlay);
      live.srcObject = stream;
      timer.textContent = '';
      var pending = !practice && P.takes[q.id];
      if (pending) return pendingTake(pending);
      if (takesLeft() <= 0) {
        row.replaceChildren(h('p', { 'class': 'error', role: 'alert' }, t('no_takes_left')));
        return;
      }
      row.replaceChildren(button(t('start_recording'), countdown, true));
    }

    // The page was reloaded after a take was registered but before the
    // candidate chose: use it, or record again while takes are left.
    function pendingTake(take) {
      var note = h('p', { 'class': 'note' }, t('take_pending'));
      var use = button(t('use_answer'), function () { accept(take, null); }, true);
      row.replaceChildren(note, use, retakeButton());
    }

    function retakeButton() {
      var left = takesLeft();
      if (left <= 0) return h('p', { 'class': 'note' }, t('no_retakes_left'));
      return button(left === Infinity ? t('retake_unlimited') : t('retake', { count: left }), function () {
        row.replaceChildren(button(t('start_recording'), countdown, true));
        stage.replaceChildren(live, badge, overlay);
        live.srcObject = stream;
        row.firstChild.focus();
      });
    }

    function countdown() {
      row.replaceChildren();
      var n = 3;
      overlay.hidden = false;
      (function tick() {
        if (n === 0) {
          overlay.hidden = true;
          return record();
        }
        overlay.textContent = String(n);
        announce(t('get_ready', { n: n }));
        n -= 1;
        var id = setTimeout(tick, 1000);
        cleanups.push(function () { clearTimeout(id); });
      })();
    }

    function record() {
      var chunks = [];
      var still = null;
      var recorder = new MediaRecorder(stream, { mimeType: C.recorderType(), videoBitsPerSecond: 1000000 });
      recorder.ondataavailable = function (e) { if (e.data && e.data.size) chunks.push(e.data); };
      var left = seconds;
      var stop = button(t('stop_recording'), function () { finish(); }, false);
      stop.className = 'danger';
      row.replaceChildren(stop);
      stop.focus();
      badge.hidden = false;
      badge.className = 'badge rec';
      announce(t('recording'));
      var thumbTimer = setTimeout(function () {
        captureStill(live).then(function (b) { still = still || b; });
      }, 1000);
      var interval = setInterval(function () {
        left -= 1;
        paint();
        if (left === 60 || left === 30 || left === 10) {
          announce(t('time_left_announce', { time: C.formatDuration(left) }));
        }
        if (left <= 0) finish();
      }, 1000);
      var stopped = false;
      cleanups.push(function () { if (!stopped) { stopped = true; clearInterval(interval); recorder.stop(); } });
      function paint() {
        var text = t('time_left', { time: C.clock(left) });
        badge.textContent = text;
        timer.textContent = text;
        timer.className = left <= 10 ? 'timer low' : 'timer';
      }
      function finish() {
        if (stopped) return;
        stopped = true;
        clearInterval(interval);
        clearTimeout(thumbTimer);
        captureStill(live).then(function (b) {
          still = still || b;
          recorder.onstop = function () {
            badge.hidden = true;
            register(new Blob(chunks, { type: 'video/webm' }), still);
          };
          recorder.stop();
        });
      }
      paint();
      recorder.start(1000);
    }

    // A take the server must count before the candidate sees it: it is
    // created as a tus upload (and starts sending) right away. A refusal is
    // shown with the server's reason; the previous take, if any, stays.
    function register(blob, still) {
      timer.textContent = '';
      if (practice) return review(blob, still, null);
      var status = h('p', { role: 'status' }, t('take_saving'));
      row.replaceChildren(status);
      C.tusCreate(base + '/uploads', blob.size, { kind: 'recording', question: q.index }).then(function (url) {
        var previous = P.takes[q.id];
        var take = { rec: 'q' + q.id + '-take' + Date.now(), url: url };
        if (q.takes_left !== null && q.takes_left !== undefined) q.takes_left = Math.max(0, q.takes_left - 1);
        P.takes[q.id] = take;
        save();
        return queue.add(take.rec, blob, 'recording', q.index, url).then(function () {
          if (previous) queue.drop(previous.rec);
          review(blob, still, take);
        });
      }, function (err) {
        if (err && err.status === 412) q.takes_left = 0;
        status.className = 'error';
        status.setAttribute('role', 'alert');
        status.textContent = t(err && err.fatal ? 'take_refused' : 'take_not_saved',
                               { reason: (err && err.message) || String(err) });
        var previous = P.takes[q.id];
        var choices = [status];
        if (!(err && err.fatal)) choices.push(button(t('try_again'), function () { register(blob, still); }, true));
        if (previous) {
          choices.push(button(t('use_previous_take'), function () { accept(previous, null); }, !!(err && err.fatal)));
        }
        row.replaceChildren.apply(row, choices);
      });
    }

    function review(blob, still, take) {
      var url = URL.createObjectURL(blob);
      cleanups.push(function () { URL.revokeObjectURL(url); });
      var playback = h('video', { controls: true, playsinline: true, src: url, 'aria-label': t('your_answer') });
      stage.replaceChildren(playback);
      timer.textContent = '';
      var use = button(t('use_answer'), function () { accept(take, still); }, true);
      row.replaceChildren(use, retakeButton());
      var heading = h('h2', { tabindex: '-1' }, t('review_title'));
      stage.insertBefore(heading, playback);
      heading.focus();
    }

    function accept(take, still) {
      row.replaceChildren();
      if (practice) {
        P.test_done = true;
        save();
        return next();
      }
      var thumb = still ? 'q' + q.id + '-thumb' : null;
      var added = thumb ? queue.add(thumb, still, 'thumbnail', q.index) : Promise.resolve();
      added.then(function () {
        P.answers[q.id] = { rec: take.rec, thumb: thumb };
        delete P.takes[q.id];
        save();
        next();
      });
    }

    ready();
  }

  function cvStep() {
    var input = h('input', { id: 'cv', type: 'file', required: true,
                             accept: '.pdf,.doc,.docx,application/pdf,application/msword,' +
                                     'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    var status = h('p', { role: 'alert', 'class': 'error' });
    show([h('h1', {}, t('cv_title')), h('label', { 'for': 'cv' }, t('cv_label')), input, status,
          actions(button(t('cv_upload'), function () {
            var file = input.files && input.files[0];
            if (!file) { status.textContent = t('cv_choose'); return; }
            if (file.size > 10 * 1024 * 1024) { status.textContent = t('cv_too_large'); return; }
            queue.add('cv', file, 'cv', null).then(function () {
              P.cv = 'cv';
              save();
              next();
            });
          }, true))]);
  }

  function finishStep() {
    var bar = h('progress', { id: 'upload-progress', max: 100, value: 0 });
    var percent = h('p', { 'aria-live': 'polite', 'class': 'note' });
    var status = h('p', { role: 'status' });
    var row = actions();
    show([h('h1', {}, t('finish_title')), h('p', {}, t('finish_intro')),
          h('label', { 'for': 'upload-progress' }, t('upload_progress')), bar, percent, status, row]);
    var lastTenth = -1;
    var completing = false;
    function update() {
      var n = queue.totals();
      var p = n.total ? Math.floor(100 * n.sent / n.total) : 100;
      bar.value = p;
      if (Math.floor(p / 10) !== lastTenth) {
        lastTenth = Math.floor(p / 10);
        percent.textContent = t('upload_percent', { percent: p });
      }
      status.className = queue.error ? 'error' : '';
      status.textContent = queue.error ? t('upload_failed', { reason: queue.error })
                                       : queue.waiting ? t('upload_waiting') : '';
      if (queue.error && !row.childNodes.length) {
        row.appendChild(button(t('try_again'), function () { row.replaceChildren(); queue.retry(); }, true));
      }
      if (!queue.pending().length && !queue.error && !completing) {
        completing = true;
        complete(status, row, function () { completing = false; });
      }
    }
    queue.onChange(update);
    update();
  }

  function complete(status, row, failed) {
    status.className = '';
    status.textContent = t('completing');
    var body = {
      started_at: P.started_at,
      recordings: S.questions.filter(function (q) { return P.answers[q.id]; }).map(function (q) {
        var a = P.answers[q.id];
        return { question_id: q.id, upload_id: uploadId(a.rec), thumbnail_upload_id: uploadId(a.thumb) };
      })
    };
    if (P.cv) body.cv_upload_id = uploadId(P.cv);
    fetch(base + '/complete', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (doc) { return { res: res, doc: doc }; });
    }).then(function (r) {
      if (r.res.status === 410) return location.reload();
      if (!r.res.ok) throw new Error((r.doc.error && r.doc.error.details) || 'HTTP ' + r.res.status);
      localStorage.removeItem(storageKey);
      var target = r.doc.completion && r.doc.completion.redirect_url;
      if (target && /^https?:\/\//i.test(target)) {
        show([h('h1', {}, t('done_title')), h('p', { role: 'status' }, t('redirecting'))]);
        setTimeout(function () { location.assign(target); }, 1500);
        return;
      }
      show([h('h1', {}, t('done_title')), h('p', {}, t('done_text', { recruiter: S.recruiter_name }))]);
    }).catch(function (err) {
      status.className = 'error';
      status.textContent = t('complete_failed', { reason: err.message });
      row.replaceChildren(button(t('complete'), function () {
        row.replaceChildren();
        complete(status, row, failed);
      }, true));
      failed();
    });
  }

  // ---------------------------------------------------------------- start

  function start() {
    fetch(base + '/state', { headers: { Accept: 'application/json' }, cache: 'no-store' })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (doc) {
        S = doc.interview;
        if (S.state !== 'open') {  // the server's page says why (withdrawn, completed, closed)
          location.reload();
          return;
        }
        loadProgress();
        var chunk = Number(localStorage.getItem('cammio:chunk-bytes'));  // tests use small chunks
        queue = new C.UploadQueue({ endpoint: base + '/uploads', blobPrefix: token + ':', progress: P,
                                    save: save, chunkSize: chunk > 0 ? chunk : 4 * 1024 * 1024 });
        queue.onMissing(forget);
        queue.kick();
        welcomeStep();
      })
      .catch(function (err) {
        show([h('h1', {}, t('error_title')), h('p', { 'class': 'error', role: 'alert' }, String(err.message)),
              actions(button(t('try_again'), start, true))]);
      });
  }

  start();
})();
