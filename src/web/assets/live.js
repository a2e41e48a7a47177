/* The live interview room behind the candidate's, the interviewer's and a
   guest's link (#app data-base: the link's path B). Steps: the lobby (camera
   and microphone check of common.js, a consent line when the interview is
   recorded), the room, and after leaving or the end the upload of this
   browser's own recording.

   Signalling (docs/web.md "The live room"): GET B/live (the room as this
   participant sees it, with ice_servers and ice_transport_policy), an
   EventSource on B/live/events (opening it joins; welcome, joined, left,
   signal, chat, state, ended, removed, replaced) and POST B/live/messages.
   `replaced`: the same link joined from another window, which has the room
   now; this page stops as on leaving (its recording is kept and sent) and
   offers to take the room back here (a reload rejoins, replacing the other).

   Peers form a mesh: the newcomer (who gets `welcome`) offers to everyone
   present; the others wait for its offer. Each pair uses "perfect
   negotiation": the participant with the greater id is polite (it rolls back
   its own offer when offers cross), the other ignores the colliding offer. A
   `joined` of an id already known is a rejoin (reload, dropped stream): its
   old connection is closed and its new offer awaited.

   Recording: with `recording` each browser records its own camera and
   microphone (MediaRecorder, WebM) in segments. The recorder's chunks go
   into IndexedDB as they come (each second, under segPrefix + segment id +
   ':' + n), so a reload, a crash or a closed tab leaves an unfinished
   segment behind; the next visit of this link queues every segment that no
   page records any more (its Web Lock is free) before it records a new one.
   When it leaves or the interview ends, its segment is queued too. Each
   segment keeps (under visitPrefix + segment id) the visit of the room it
   was recorded in, the latest `welcome`'s `visit` while it records: the
   server waits for a segment of each participant's last visit. Queued
   segments go with tus to B/uploads (kind live_recording, recorded_at: when
   the segment began, epoch seconds; visit) through Cammio.UploadQueue, which
   resumes after a reload. The page warns before it is left while recording
   or uploading. */
(function () {
  'use strict';
  var C = window.Cammio;
  var t = C.t;
  var h = C.h;

  var app = document.getElementById('app');
  var announcer = document.getElementById('announcer');
  var base = app.getAttribute('data-base');
  var storageKey = 'cammio-live:' + base;

  var S = null;           // GET B/live
  var me = null;          // {id, role, name}
  var stream = null;      // camera + microphone
  var es = null;          // EventSource
  var peers = {};         // id -> Peer
  var generations = {};   // id -> connections made with it so far
  var people = {};        // id -> {id, role, name, audio, video}
  var audioOn = true;
  var videoOn = true;
  var recorder = null;
  var segment = null;     // the segment being recorded: {id, n, writes, release}
  var segPrefix = storageKey + ':seg:';
  var visitPrefix = storageKey + ':visit:';  // + segment id: its visit
  var visit = 0;          // this page's visit of the room (`welcome`), 0 before it
  var queue = null;
  var progress = null;    // persisted upload progress (UploadQueue)
  var finished = false;   // left, ended or removed
  var canRejoin = false;  // left by choice or replaced: the room may still be open
  var rejoinLabel = '';   // its button
  var ui = {};
  var cleanups = [];

  // ---------------------------------------------------------------- basics

  function announce(text) {
    announcer.textContent = '';
    setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function button(label, onclick, cls, attrs) {
    return h('button', Object.assign({ type: 'button', 'class': cls || null, onclick: onclick }, attrs || {}),
             label);
  }

  function show(children, cls) {
    cleanups.splice(0).forEach(function (f) { f(); });
    var section = h('section', { 'class': cls || 'card' }, children);
    app.replaceChildren(section);
    var heading = section.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
    return section;
  }

  function fail(text) {
    show([h('h1', {}, t('error_title')), h('p', { 'class': 'error', role: 'alert' }, text),
          h('div', { 'class': 'actions' }, button(t('try_again'), function () { location.reload(); }, 'primary'))]);
  }

  function loadProgress() {
    try { progress = JSON.parse(localStorage.getItem(storageKey)); } catch (ignored) { progress = null; }
    if (!progress || progress.v !== 1) progress = { v: 1, joined: false, uploads: {} };
  }

  function save() { localStorage.setItem(storageKey, JSON.stringify(progress)); }

  function post(message) {
    return fetch(base + '/live/messages', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(message)
    }).then(function (res) {
      if (res.status === 204 || res.ok) return res;
      return res.json().catch(function () { return {}; }).then(function (doc) {
        var e = new Error((doc.error && doc.error.details) || 'HTTP ' + res.status);
        e.status = res.status;
        throw e;
      });
    });
  }

  function nameOf(id) {
    var p = people[id];
    return p ? p.name : id;
  }

  function roleText(role) {
    return t('live_role_' + role);
  }

  // ---------------------------------------------------------------- lobby

  function lobby() {
    var check = C.cameraCheck();
    var consent = null;
    var join = button(t('live_join'), function () {
      progress.joined = true;
      save();
      enter();
    }, 'primary');
    join.disabled = true;
    var ready = false;
    function update() { join.disabled = !ready || (consent && !consent.checked); }
    var consentRow = null;
    if (S.recording) {
      consent = h('input', { type: 'checkbox', id: 'consent', onchange: update });
      consentRow = h('p', { 'class': 'consent' }, consent, ' ',
                     h('label', { 'for': 'consent', 'class': 'inline' }, t('live_consent')));
    }
    var row = h('div', { 'class': 'actions' }, join);
    var facts = h('dl', { 'class': 'facts' },
                  h('dt', {}, t('guest_vacancy')), h('dd', {}, S.vacancy_title),
                  S.interviewer_name ? [h('dt', {}, t('guest_interviewer')), h('dd', {}, S.interviewer_name)] : null,
                  h('dt', {}, t('live_you_are')), h('dd', {}, S.participant.name + ' (' + roleText(S.participant.role) + ')'));
    show([h('h1', {}, t('live_lobby_title')), h('p', {}, t('live_lobby_intro')), facts]
         .concat(check.nodes, [consentRow, row]));
    cleanups.push(check.stop);
    check.start().then(function (s) {
      stream = s;
      ready = true;
      update();
      if (!consent) join.focus();
    }, function (err) {
      if (err.retry) row.appendChild(button(t('try_again'), lobby));
    });
  }

  // A reload of someone who had joined: straight back into the room.
  function rejoin() {
    show([h('h1', {}, t('live_rejoining')), h('p', { role: 'status' }, t('loading'))]);
    var check = C.cameraCheck();
    check.start().then(function (s) {
      check.stop();
      stream = s;
      enter();
    }, function () {
      lobby();
    });
  }

  // ---------------------------------------------------------------- room

  function tile(id, label, video) {
    var name = h('span', { 'class': 'name' }, label);
    var flags = h('span', { 'class': 'flags' });
    var node = h('figure', { 'class': 'tile', 'data-id': id }, video, h('figcaption', {}, name, flags));
    return { node: node, video: video, flags: flags };
  }

  function paintFlags(id) {
    var p = people[id];
    var el = id === me.id ? ui.self : peers[id] && peers[id].tile;
    if (!p || !el) return;
    var list = [];
    if (p.audio === false) list.push(t('live_flag_muted'));
    if (p.video === false) list.push(t('live_flag_camera_off'));
    el.flags.textContent = list.join(' · ');
    el.node.classList.toggle('camera-off', p.video === false);
  }

  function enter() {
    var selfVideo = h('video', { 'class': 'mirror', muted: true, autoplay: true, playsinline: true,
                                 'aria-label': t('live_you') });
    selfVideo.srcObject = stream;
    ui.self = tile('self', t('live_you'), selfVideo);
    ui.grid = h('div', { 'class': 'grid', id: 'grid' }, ui.self.node);
    ui.people = h('ul', { 'class': 'people', id: 'people' });
    ui.chat = h('ol', { 'class': 'chat', id: 'chat', 'aria-live': 'polite' });
    ui.chatInput = h('input', { type: 'text', id: 'chat-text', maxlength: 2000, autocomplete: 'off' });
    var chatForm = h('form', { 'class': 'chat-form', onsubmit: sendChat },
                     h('label', { 'for': 'chat-text', 'class': 'sr-only' }, t('live_chat_label')),
                     ui.chatInput, h('button', { type: 'submit' }, t('live_chat_send')));
    ui.mute = button(t('live_mute'), toggleAudio, null, { 'aria-pressed': 'false', id: 'mute' });
    ui.camera = button(t('live_camera_off'), toggleVideo, null, { 'aria-pressed': 'false', id: 'camera' });
    var controls = h('div', { 'class': 'controls' }, ui.mute, ui.camera,
                     button(t('live_leave'), leave, 'danger', { id: 'leave' }));
    if (S.participant.role === 'interviewer') {
      controls.appendChild(button(t('live_end'), endInterview, 'danger', { id: 'end' }));
    }
    ui.status = h('p', { role: 'status', 'class': 'note', id: 'room-status' }, t('live_connecting'));
    ui.rec = S.recording ? h('p', { 'class': 'badge-inline rec' }, t('live_recorded')) : null;
    show([h('h1', { 'class': 'sr-only' }, t('live_room_title', { title: S.vacancy_title })),
          h('div', { 'class': 'stagebox' }, ui.grid, controls, ui.status, ui.rec),
          h('aside', { 'class': 'side' },
            h('h2', {}, t('live_people')), ui.people,
            h('h2', {}, t('live_chat')), ui.chat, chatForm)], 'room');
    startRecording();
    connect();
  }

  function connect() {
    es = new EventSource(base + '/live/events');
    var on = function (type, fn) {
      es.addEventListener(type, function (e) {
        var data;
        try { data = JSON.parse(e.data); } catch (ignored) { return; }
        fn(data);
      });
    };
    on('welcome', onWelcome);
    on('joined', function (d) { onJoined(d.participant); });
    on('left', onLeft);
    on('signal', function (d) { peerFor(d.from, false).signal(d.data); });
    on('chat', function (d) { if (d.from !== me.id) addChat(d); });
    on('state', function (d) {
      if (!people[d.id]) return;
      people[d.id].audio = d.audio;
      people[d.id].video = d.video;
      paintFlags(d.id);
      paintPeople();
    });
    // `reason` revoked / deleted: the invitation went away (nothing is recorded).
    on('ended', function (d) {
      finish(d.reason === 'revoked' || d.reason === 'deleted' ? d.reason : 'ended', d);
    });
    on('removed', function () { finish('removed'); });
    // This link was opened in another window, which has the room now: no
    // reconnecting (that would throw the other one out in turn).
    on('replaced', function () { finish('replaced'); });
    es.onopen = function () { ui.status.textContent = ''; };
    es.onerror = function () {
      if (finished) return;
      if (es.readyState === EventSource.CLOSED) {
        // Refused (full, ended, removed, not yet open): the server says which.
        fetch(base + '/live', { headers: { Accept: 'application/json' }, cache: 'no-store' }).then(function (res) {
          if (res.status === 410) return location.reload();
          return res.json().then(function (doc) {
            if (doc.state && doc.state !== 'open') return location.reload();
            ui.status.className = 'error';
            ui.status.textContent = t('live_join_refused');
          });
        }).catch(function () { ui.status.textContent = t('live_reconnecting'); });
      } else {
        ui.status.textContent = t('live_reconnecting');
      }
    };
  }

  function onWelcome(d) {
    me = d.self;
    // A join (first, reload, reconnect): the segment recorded now is this visit's.
    if (d.visit > 0) {
      visit = d.visit;
      if (segment) tagSegment(segment);
    }
    people = {};
    people[me.id] = Object.assign({ audio: audioOn, video: videoOn }, me);
    // A new stream (first join or a reconnect): every connection starts over,
    // this side offering.
    Object.keys(peers).forEach(function (id) { closePeer(id); });
    ui.chat.replaceChildren();
    (d.chat || []).forEach(addChat);
    (d.participants || []).forEach(function (p) {
      if (p.id === me.id) return;
      people[p.id] = p;
      peerFor(p.id, true);
      paintFlags(p.id);
    });
    paintPeople();
    // The server keeps the state of someone who rejoins; this page's is the truth.
    if (me.audio !== audioOn || me.video !== videoOn) {
      post({ type: 'state', audio: audioOn, video: videoOn }).catch(function () {});
    }
  }

  function onJoined(p) {
    if (!me || p.id === me.id) return;
    var known = !!people[p.id];
    people[p.id] = p;
    if (peers[p.id]) closePeer(p.id);  // a rejoin: wait for its new offer
    paintPeople();
    announce(t(known ? 'live_rejoined' : 'live_joined', { name: p.name }));
  }

  function onLeft(d) {
    var name = nameOf(d.id);
    closePeer(d.id);
    delete people[d.id];
    paintPeople();
    announce(t(d.reason === 'removed' ? 'live_was_removed' : 'live_left', { name: name }));
  }

  function paintPeople() {
    var ids = Object.keys(people).sort();
    ui.people.replaceChildren.apply(ui.people, ids.map(function (id) {
      var p = people[id];
      var label = p.name + ' (' + roleText(p.role) + ')' + (id === me.id ? ' · ' + t('live_you') : '');
      var flags = (p.audio === false ? ' · ' + t('live_flag_muted') : '') +
                  (p.video === false ? ' · ' + t('live_flag_camera_off') : '');
      var row = h('li', { 'data-id': id }, label + flags);
      if (S.participant.role === 'interviewer' && p.role === 'guest') {
        row.appendChild(button(t('live_remove'), function () { removeGuest(id, p.name); }, 'small',
                               { 'aria-label': t('live_remove_named', { name: p.name }) }));
      }
      return row;
    }));
  }

  // ---------------------------------------------------------------- peers

  function iceConfig() {
    return { iceServers: S.ice_servers || [], iceTransportPolicy: S.ice_transport_policy || 'all' };
  }

  // The connection with `id`; `offering`: this side is the newcomer.
  function peerFor(id, offering) {
    if (peers[id]) return peers[id];
    var pc = new RTCPeerConnection(iceConfig());
    var video = h('video', { autoplay: true, playsinline: true, 'aria-label': nameOf(id) });
    var remote = new MediaStream();
    video.srcObject = remote;
    generations[id] = (generations[id] || 0) + 1;
    var p = {
      id: id, pc: pc, generation: generations[id], polite: me.id > id, makingOffer: false, ignoreOffer: false, sending: false,
      chain: Promise.resolve(), tile: tile(id, nameOf(id), video)
    };
    ui.grid.appendChild(p.tile.node);
    peers[id] = p;
    function send(data) {
      post({ type: 'signal', to: id, data: data }).catch(function () { /* it left; its `left` follows */ });
    }
    function addTracks() {
      if (p.sending) return;
      p.sending = true;
      stream.getTracks().forEach(function (track) { pc.addTrack(track, stream); });
    }
    pc.ontrack = function (e) {
      remote.addTrack(e.track);
      video.play().catch(function () {});
    };
    pc.onicecandidate = function (e) { if (e.candidate) send({ candidate: e.candidate.toJSON() }); };
    pc.onnegotiationneeded = function () {
      p.makingOffer = true;
      pc.setLocalDescription().then(function () {
        send({ description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
      }).catch(function () {}).then(function () { p.makingOffer = false; });
    };
    pc.onconnectionstatechange = function () {
      p.tile.node.setAttribute('data-state', pc.connectionState);
      if (pc.connectionState === 'failed') pc.restartIce();
    };
    p.signal = function (data) {
      p.chain = p.chain.then(function () { return handle(data); }).catch(function () {});
    };
    function handle(data) {
      if (data.description) {
        var d = data.description;
        var collision = d.type === 'offer' && (p.makingOffer || pc.signalingState !== 'stable');
        p.ignoreOffer = !p.polite && collision;
        if (p.ignoreOffer) return null;
        return pc.setRemoteDescription(d).then(function () {
          if (d.type !== 'offer') return null;
          addTracks();  // answers with our media on the offered transceivers
          return pc.setLocalDescription().then(function () {
            send({ description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
          });
        });
      }
      if (data.candidate) {
        return pc.addIceCandidate(data.candidate).catch(function (e) { if (!p.ignoreOffer) throw e; });
      }
      return null;
    }
    if (offering) addTracks();
    return p;
  }

  function closePeer(id) {
    var p = peers[id];
    if (!p) return;
    delete peers[id];
    p.pc.close();
    p.tile.node.remove();
  }

  // ---------------------------------------------------------------- actions

  function toggleAudio() {
    audioOn = !audioOn;
    stream.getAudioTracks().forEach(function (tr) { tr.enabled = audioOn; });
    ui.mute.textContent = audioOn ? t('live_mute') : t('live_unmute');
    ui.mute.setAttribute('aria-pressed', String(!audioOn));
    publishState();
  }

  function toggleVideo() {
    videoOn = !videoOn;
    stream.getVideoTracks().forEach(function (tr) { tr.enabled = videoOn; });
    ui.camera.textContent = videoOn ? t('live_camera_off') : t('live_camera_on');
    ui.camera.setAttribute('aria-pressed', String(!videoOn));
    publishState();
  }

  function publishState() {
    if (!me) return;
    people[me.id].audio = audioOn;
    people[me.id].video = videoOn;
    paintFlags(me.id);
    paintPeople();
    post({ type: 'state', audio: audioOn, video: videoOn }).catch(function () {});
  }

  function addChat(d) {
    var at = d.at ? new Date(d.at) : new Date();
    var time = at.toLocaleTimeString(document.documentElement.lang, { hour: '2-digit', minute: '2-digit' });
    ui.chat.appendChild(h('li', {}, h('span', { 'class': 'who' }, d.name || nameOf(d.from)),
                          h('span', { 'class': 'at' }, time), h('span', { 'class': 'line' }, d.text)));
    ui.chat.scrollTop = ui.chat.scrollHeight;
  }

  function sendChat(e) {
    e.preventDefault();
    var text = ui.chatInput.value.trim();
    if (!text || !me) return;
    ui.chatInput.value = '';
    addChat({ from: me.id, name: me.name, text: text });
    post({ type: 'chat', text: text }).catch(function (err) {
      ui.status.className = 'error';
      ui.status.textContent = t('live_chat_failed', { reason: err.message });
    });
  }

  function leave() {
    post({ type: 'leave' }).catch(function () {});
    finish('left');
  }

  function endInterview() {
    if (!window.confirm(t('live_end_confirm'))) return;
    post({ type: 'end' }).catch(function (err) {
      ui.status.className = 'error';
      ui.status.textContent = err.message;
    });
  }

  function removeGuest(id, name) {
    if (!window.confirm(t('live_remove_confirm', { name: name }))) return;
    post({ type: 'remove', id: id }).catch(function (err) {
      ui.status.className = 'error';
      ui.status.textContent = err.message;
    });
  }

  // ---------------------------------------------------------------- recording

  // A new segment: its chunks are written to IndexedDB as they come, and a
  // Web Lock held until it is queued tells other pages of this link that it
  // is still being recorded.
  function startRecording() {
    if (!S.recording || recorder) return;
    var seg = { id: Date.now() + '-' + Math.random().toString(36).slice(2, 8), n: 0,
                writes: Promise.resolve(), release: function () {} };
    if (navigator.locks) {
      navigator.locks.request(segPrefix + seg.id, function () {
        return new Promise(function (resolve) { seg.release = resolve; });
      }).catch(function () {});
    }
    recorder = new MediaRecorder(stream, { mimeType: C.recorderType(), videoBitsPerSecond: 600000 });
    recorder.ondataavailable = function (e) {
      if (!e.data || !e.data.size) return;
      var key = segPrefix + seg.id + ':' + (seg.n++);
      var data = e.data;
      seg.writes = seg.writes.then(function () { return C.blobs.put(key, data); }).catch(function () {});
    };
    recorder.start(1000);
    segment = seg;
    if (visit) tagSegment(seg);
  }

  // Stores the visit segment `seg` is recorded in (before it is queued).
  function tagSegment(seg) {
    var n = visit;
    seg.writes = seg.writes.then(function () { return C.blobs.put(visitPrefix + seg.id, n); })
      .catch(function () {});
  }

  // Stops the recorder and queues its segment -> Promise.
  function stopRecording() {
    if (!recorder) return Promise.resolve();
    var r = recorder;
    var seg = segment;
    recorder = null;
    segment = null;
    return new Promise(function (resolve) {
      r.onstop = resolve;  // after the last dataavailable
      if (r.state === 'inactive') resolve();
      else r.stop();
    }).then(function () { return seg.writes; }).then(function () {
      return queueSegment(seg.id);
    }).then(function () { seg.release(); }, function () { seg.release(); });
  }

  // The stored chunks of segment `id` -> Promise([{key, n}]) in order.
  function segmentParts(id) {
    var prefix = segPrefix + id + ':';
    return C.blobs.keys(prefix).then(function (keys) {
      return keys.map(function (k) { return { key: k, n: Number(k.slice(prefix.length)) }; })
        .sort(function (a, b) { return a.n - b.n; });
    });
  }

  // Queues segment `id` for upload (once) and drops its chunks -> Promise.
  function queueSegment(id) {
    var key = 'segment-' + id;
    return segmentParts(id).then(function (parts) {
      function drop() {
        return Promise.all(parts.map(function (p) { return C.blobs.del(p.key); })
          .concat([C.blobs.del(visitPrefix + id)]));
      }
      // Queued already, or without its first chunk (the WebM header): nothing to send.
      if (progress.uploads[key] || !parts.length || parts[0].n !== 0) return drop();
      return Promise.all(parts.map(function (p) { return C.blobs.get(p.key); })).then(function (data) {
        return C.blobs.get(visitPrefix + id).then(function (n) {
          var blob = new Blob(data.filter(Boolean), { type: 'video/webm' });
          var meta = { recorded_at: Math.floor(Number(id.split('-')[0]) / 1000) };
          if (typeof n === 'number' && n > 0) meta.visit = n;  // not known: not said
          return queue.add(key, blob, 'live_recording', null, null, meta);
        });
      }).then(drop);
    });
  }

  // Runs fn() unless another page still records segment `id` (holds its lock;
  // a page that is being reloaded lets go within moments) -> Promise.
  function unlessRecorded(id, fn) {
    if (!navigator.locks) return fn();
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, 3000);
    return navigator.locks.request(segPrefix + id, { signal: abort.signal }, function () {
      clearTimeout(timer);
      return fn();
    }).catch(function () { /* recorded elsewhere: that page queues it */ });
  }

  // Queues the segments of this link that no page records any more (a
  // reload, a crash, a closed tab left them), oldest first -> Promise.
  function recoverSegments() {
    return C.blobs.keys(segPrefix).then(function (keys) {
      var ids = {};
      keys.forEach(function (k) {
        var rest = k.slice(segPrefix.length);
        ids[rest.slice(0, rest.lastIndexOf(':'))] = true;
      });
      return Object.keys(ids).sort().reduce(function (p, id) {
        if (segment && segment.id === id) return p;  // this page's own
        return p.then(function () { return unlessRecorded(id, function () { return queueSegment(id); }); });
      }, Promise.resolve());
    }).catch(function () {});
  }

  function makeQueue() {
    queue = new C.UploadQueue({ endpoint: base + '/uploads', blobPrefix: storageKey + ':', progress: progress,
                                save: save, chunkSize: 4 * 1024 * 1024 });
  }

  // ---------------------------------------------------------------- the end

  function finish(why, d) {
    if (finished) return;
    finished = true;
    if (es) es.close();
    Object.keys(peers).forEach(closePeer);
    if (why !== 'replaced') {  // replaced: the other window is in the room
      progress.joined = false;
      save();
    }
    var closed = why === 'revoked' || why === 'deleted';
    var title = closed ? t('live_closed_title') : why === 'ended' ? t('live_ended_title')
      : why === 'removed' ? t('live_removed_title')
        : why === 'replaced' ? t('live_replaced_title') : t('live_left_title');
    var text = why === 'revoked' ? t('live_closed_revoked_text')
      : why === 'deleted' ? t('live_closed_deleted_text')
      : why === 'ended' ? t('live_ended_text', { name: nameOf(d && d.by) })
      : why === 'removed' ? t('live_removed_text')
        : why === 'replaced' ? t('live_replaced_text') : t('live_left_text');
    stopRecording().then(function () { return closed ? null : recoverSegments(); }).then(function () {
      if (stream) stream.getTracks().forEach(function (tr) { tr.stop(); });
      canRejoin = why === 'left' || why === 'replaced';
      rejoinLabel = why === 'replaced' ? t('live_take_back') : t('live_join_again');
      // Nothing recorded, or nowhere to send it (what was queued may be sent already).
      if (closed || !Object.keys(progress.uploads).length) return done(title, text);
      uploadStep(title, text);
    });
  }

  function uploadStep(title, text) {
    var bar = h('progress', { id: 'upload-progress', max: 100, value: 0 });
    var percent = h('p', { 'aria-live': 'polite', 'class': 'note' });
    var status = h('p', { role: 'status' });
    var row = h('div', { 'class': 'actions' });
    show([h('h1', {}, title), text ? h('p', {}, text) : null, h('p', {}, t('live_upload_intro')),
          h('label', { 'for': 'upload-progress' }, t('upload_progress')), bar, percent, status, row]);
    var lastTenth = -1;
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
        row.appendChild(button(t('try_again'), function () { row.replaceChildren(); queue.retry(); }, 'primary'));
      }
      if (!queue.pending().length && !queue.error) {
        queue.onChange(function () {});
        localStorage.removeItem(storageKey);
        done(title, text, true);
      }
    }
    queue.onChange(update);
    update();
    queue.kick();
  }

  function done(title, text, uploaded) {
    show([h('h1', {}, title), text ? h('p', {}, text) : null,
          uploaded ? h('p', { 'class': 'ok', id: 'upload-done' }, t('live_upload_done')) : null,
          canRejoin ? h('div', { 'class': 'actions' },
                        button(rejoinLabel, function () { location.reload(); }, 'primary')) : null]);
  }

  function busy() {
    return (!finished && me && S && S.recording) || (queue && queue.pending().length > 0);
  }

  window.addEventListener('beforeunload', function (e) {
    if (!busy()) return undefined;
    e.preventDefault();
    e.returnValue = '';
    return '';
  });

  // For the tests and for support: what each connection receives (frames
  // decoded, the selected pair's local candidate type) and how many
  // connections were made with that participant so far (generation).
  window.CammioLive = {
    stats: function () {
      return Promise.all(Object.keys(peers).map(function (id) {
        return peers[id].pc.getStats().then(function (report) {
          var out = { id: id, framesDecoded: 0, localCandidateType: null, state: peers[id].pc.connectionState,
                      generation: peers[id].generation };
          var pair = null;
          report.forEach(function (s) {
            if (s.type === 'inbound-rtp' && s.kind === 'video') out.framesDecoded += s.framesDecoded || 0;
            if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId);
          });
          if (pair) {
            var local = report.get(pair.localCandidateId);
            out.localCandidateType = local ? local.candidateType : null;
          }
          return out;
        });
      }));
    },
    self: function () { return me; }
  };

  // ---------------------------------------------------------------- start

  function start() {
    loadProgress();
    makeQueue();
    // Segments an earlier visit left behind are queued before anything else.
    recoverSegments().then(begin);
  }

  function begin() {
    // The server's page after the end (410) still runs this script: an
    // upload this browser had not finished continues there.
    if (app.hasAttribute('data-ended')) {
      finished = true;
      if (queue.pending().length) uploadStep(t('live_ended_title'), '');
      return;
    }
    fetch(base + '/live', { headers: { Accept: 'application/json' }, cache: 'no-store' }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (doc) {
        if (!res.ok) {
          if (res.status === 410 || res.status === 412) return location.reload();
          throw new Error((doc.error && doc.error.details) || 'HTTP ' + res.status);
        }
        S = doc;
        me = null;
        // Back in the room after a reload; uploads queued meanwhile go on.
        if (queue.pending().length && !progress.joined) {
          return uploadStep(t('live_left_title'), t('live_left_text'));
        }
        if (progress.joined) queue.kick();
        if (S.state === 'ended') return location.reload();
        if (S.state === 'waiting') {
          var wait = Date.parse(S.lobby_opens_at) - Date.now();
          setTimeout(function () { location.reload(); }, Math.max(1000, Math.min(wait, 2147483647)));
          return show([h('h1', {}, t('live_waiting_title')), h('p', {}, t('live_waiting_reload'))]);
        }
        return progress.joined ? rejoin() : lobby();
      });
    }).catch(function (err) { fail(String(err.message)); });
  }

  start();
})();
