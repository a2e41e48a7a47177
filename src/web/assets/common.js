/* Shared helpers of the candidate pages (window.Cammio):
   - t(key, vars): texts of the page's language (embedded by the server as
     #cammio-strings, from src/web/assets/i18n/<lang>.json);
   - h(tag, attrs, ...children): DOM building without innerHTML;
   - parseDuration / formatDuration / clock: answering times;
   - recorderType / cameraCheck: the camera and microphone check that the
     automated interview and the live room's lobby share;
   - blobs: an IndexedDB store (put, get, del, keys by prefix), so
     recordings survive a page reload until they are uploaded;
   - tusUpload: a resumable upload (tus 1.0 core + creation) that survives
     dropped connections: after any failure it asks the server (HEAD) how
     many bytes are durable and continues from there. */
(function () {
  'use strict';

  var stringsNode = document.getElementById('cammio-strings');
  var strings = stringsNode ? JSON.parse(stringsNode.textContent) : {};

  function t(key, vars) {
    var text = Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return vars && vars[name] !== undefined ? String(vars[name]) : m;
    });
  }

  function h(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name.slice(0, 2) === 'on') {
        node.addEventListener(name.slice(2), value);
      } else if (name === 'muted' || name === 'autoplay' || name === 'controls' || name === 'playsinline' ||
                 name === 'disabled' || name === 'required') {
        node[name === 'playsinline' ? 'playsInline' : name] = true;
        node.setAttribute(name, '');
      } else {
        node.setAttribute(name, value === true ? '' : String(value));
      }
    });
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) {
      child.forEach(function (c) { append(node, c); });
    } else {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
  }

  // "2 minutes", "90 seconds", "1 minuut", "30 sec", "1:30", "45" (seconds).
  function parseDuration(text) {
    var s = String(text || '').trim().toLowerCase();
    var clock = /^(\d+):([0-5]\d)$/.exec(s);
    if (clock) return Number(clock[1]) * 60 + Number(clock[2]);
    var total = 0;
    var found = false;
    var re = /(\d+(?:[.,]\d+)?)\s*([a-z]*)/g;
    var m;
    while ((m = re.exec(s)) !== null) {
      var n = Number(m[1].replace(',', '.'));
      var unit = m[2];
      found = true;
      if (unit[0] === 'h' || unit[0] === 'u') total += n * 3600;
      else if (unit[0] === 'm') total += n * 60;
      else total += n;
    }
    total = Math.round(total);
    return found && total > 0 ? Math.min(total, 3600) : 120;
  }

  function formatDuration(seconds) {
    if (seconds >= 60 && seconds % 60 === 0) {
      var m = seconds / 60;
      return m === 1 ? t('minute') : t('minutes', { n: m });
    }
    if (seconds < 60) return seconds === 1 ? t('second') : t('seconds', { n: seconds });
    return clock(seconds);
  }

  function clock(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var rest = s % 60;
    return Math.floor(s / 60) + ':' + (rest < 10 ? '0' : '') + rest;
  }

  // ---------------------------------------------------------------- camera

  // The WebM type MediaRecorder records here, or null when it cannot.
  function recorderType() {
    if (!window.MediaRecorder) return null;
    var types = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm'];
    for (var i = 0; i < types.length; i++) {
      if (MediaRecorder.isTypeSupported(types[i])) return types[i];
    }
    return null;
  }

  // Shows the microphone level of `stream` on `meter`; returns the function
  // that stops it.
  function levelMeter(stream, meter) {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx || !stream.getAudioTracks().length) return function () {};
    var ctx = new Ctx();
    var analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    ctx.createMediaStreamSource(stream).connect(analyser);
    var data = new Uint8Array(analyser.fftSize);
    var frame = 0;
    (function tick() {
      analyser.getByteTimeDomainData(data);
      var sum = 0;
      for (var i = 0; i < data.length; i++) {
        var v = (data[i] - 128) / 128;
        sum += v * v;
      }
      meter.value = Math.min(1, Math.sqrt(sum / data.length) * 4);
      frame = requestAnimationFrame(tick);
    })();
    return function () { cancelAnimationFrame(frame); ctx.close(); };
  }

  // The camera and microphone check: cameraCheck() -> {nodes, start(), stop()}.
  // `nodes` (a mirrored preview, the level meter with its label, a status
  // line) go on the page; start() asks for camera and microphone and resolves
  // with the stream once the preview runs, or rejects after saying why on the
  // status line (error.retry: asking again may help); stop() ends the meter
  // (the stream stays the caller's).
  function cameraCheck() {
    var preview = h('video', { 'class': 'preview mirror', muted: true, autoplay: true, playsinline: true,
                               'aria-label': t('check_preview') });
    var meter = h('meter', { id: 'level', min: 0, max: 1, value: 0 });
    var status = h('p', { role: 'status' });
    var stopMeter = function () {};
    function failed(text, retry) {
      status.className = 'error';
      status.textContent = text;
      var e = new Error(text);
      e.retry = retry;
      return e;
    }
    return {
      nodes: [preview, h('label', { 'for': 'level' }, t('check_level')), meter, status],
      preview: preview,
      start: function () {
        if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !recorderType()) {
          return Promise.reject(failed(t('check_unsupported'), false));
        }
        return navigator.mediaDevices.getUserMedia({
          video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: 'user' },
          audio: { echoCancellation: true, noiseSuppression: true }
        }).then(function (s) {
          preview.srcObject = s;
          stopMeter = levelMeter(s, meter);
          return s;
        }, function (err) {
          throw failed(t('check_denied', { reason: (err && (err.message || err.name)) || '?' }), true);
        });
      },
      stop: function () { stopMeter(); }
    };
  }

  // ---------------------------------------------------------------- blobs

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open('cammio', 1);
        req.onupgradeneeded = function () { req.result.createObjectStore('blobs'); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }

  function tx(mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var transaction = d.transaction('blobs', mode);
        var result = fn(transaction.objectStore('blobs'));
        transaction.oncomplete = function () { resolve(result && result.result); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  var blobs = {
    put: function (key, blob) { return tx('readwrite', function (s) { return s.put(blob, key); }); },
    get: function (key) { return tx('readonly', function (s) { return s.get(key); }); },
    del: function (key) { return tx('readwrite', function (s) { return s.delete(key); }); },
    // The keys that start with `prefix`, in key order.
    keys: function (prefix) {
      return tx('readonly', function (s) { return s.getAllKeys(IDBKeyRange.bound(prefix, prefix + '\uffff')); });
    }
  };

  // ---------------------------------------------------------------- tus

  var TUS = '1.0.0';

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function fatal(message) {
    var e = new Error(message);
    e.fatal = true;
    return e;
  }

  // The error document's details, or the status line.
  function reason(xhr) {
    try {
      var doc = JSON.parse(xhr.responseText);
      if (doc && doc.error && doc.error.details) return doc.error.details;
    } catch (ignored) { /* not JSON */ }
    return 'HTTP ' + xhr.status;
  }

  // One request; resolves with the XHR for any HTTP answer, rejects on a
  // network failure (a dropped connection).
  function send(method, url, headers, body, onSent) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      Object.keys(headers).forEach(function (k) { xhr.setRequestHeader(k, headers[k]); });
      if (onSent && xhr.upload) {
        xhr.upload.onprogress = function (e) { onSent(e.loaded); };
      }
      xhr.onload = function () { resolve(xhr); };
      xhr.onerror = function () { reject(new Error('network error')); };
      xhr.ontimeout = xhr.onerror;
      xhr.onabort = xhr.onerror;
      xhr.send(body === undefined ? null : body);
    });
  }

  function metadata(meta) {
    return Object.keys(meta).map(function (k) {
      return k + ' ' + btoa(unescape(encodeURIComponent(String(meta[k]))));
    }).join(',');
  }

  // Whether an answer refuses the request for good: a 4xx other than 409
  // (offset mismatch), 423 (locked), 408 (timeout) and 429 (too many, try
  // later). A 5xx or a lost connection is worth another try.
  function refusal(xhr) {
    var s = xhr.status;
    return s >= 400 && s < 500 && s !== 409 && s !== 423 && s !== 408 && s !== 429;
  }

  function failure(xhr) {
    var e = refusal(xhr) ? fatal(reason(xhr)) : new Error(reason(xhr));
    e.status = xhr.status;
    return e;
  }

  // Creates a tus upload of `size` bytes -> Promise(path of the upload).
  // Rejects with error.fatal and the server's details when it refuses (for
  // instance a recording beyond the question's takes: 412); with a plain
  // error (and error.status when the server answered) when the server could
  // not be reached, is busy (429) or failed (5xx), after up to 3 attempts
  // with backoff for a 5xx. A lost connection is not retried here: the
  // upload may have been created, and the caller decides.
  function tusCreate(endpoint, size, meta) {
    var attempts = 0;
    function attempt() {
      attempts += 1;
      return send('POST', endpoint, {
        'Tus-Resumable': TUS,
        'Upload-Length': String(size),
        'Upload-Metadata': metadata(meta)
      }).then(function (xhr) {
        if (xhr.status === 201) return new URL(xhr.getResponseHeader('Location'), location.href).pathname;
        if (xhr.status >= 500 && attempts < 3) {
          return sleep(1000 * Math.pow(2, attempts - 1)).then(attempt);
        }
        throw failure(xhr);
      });
    }
    return attempt();
  }

  // tusUpload({endpoint, blob, meta, url?, chunkSize?, onUrl(url),
  //            onProgress(bytes), onWaiting(bool)}) -> Promise(url).
  // Rejects only for a refusal (error.fatal): wrong type, too large, closed;
  // any other failure is retried with backoff (at most 15 s apart).
  function tusUpload(o) {
    var size = o.blob.size;
    var chunk = o.chunkSize || 4 * 1024 * 1024;
    var url = o.url || null;
    var failures = 0;

    function create() {
      return tusCreate(o.endpoint, size, o.meta).then(function (u) {
        url = u;
        if (o.onUrl) o.onUrl(url);
        return 0;
      });
    }

    // The durable offset; a lost upload (404) starts again.
    function offset() {
      if (!url) return create();
      return send('HEAD', url, { 'Tus-Resumable': TUS }).then(function (xhr) {
        if (xhr.status === 404) { url = null; return create(); }
        if (xhr.status !== 200) throw failure(xhr);
        return Number(xhr.getResponseHeader('Upload-Offset'));
      });
    }

    function patch(at) {
      var piece = o.blob.slice(at, Math.min(size, at + chunk));
      return send('PATCH', url, {
        'Tus-Resumable': TUS,
        'Upload-Offset': String(at),
        'Content-Type': 'application/offset+octet-stream'
      }, piece, function (sent) { if (o.onProgress) o.onProgress(at + sent); }).then(function (xhr) {
        if (xhr.status === 204) return Number(xhr.getResponseHeader('Upload-Offset'));
        if (xhr.status === 409) return offset();
        throw failure(xhr);
      });
    }

    function step(at) {
      if (o.onProgress) o.onProgress(at);
      if (at >= size) return Promise.resolve(url);
      return patch(at).then(function (next) {
        failures = 0;
        if (o.onWaiting) o.onWaiting(false);
        return step(next);
      }, retry);
    }

    function retry(err) {
      if (err && err.fatal) throw err;
      failures += 1;
      if (o.onWaiting) o.onWaiting(true);
      return sleep(Math.min(15000, 500 * Math.pow(2, Math.min(failures, 5)))).then(function () {
        return offset().then(step, retry);
      });
    }

    return offset().then(step, retry);
  }

  window.Cammio = {
    t: t,
    h: h,
    parseDuration: parseDuration,
    formatDuration: formatDuration,
    clock: clock,
    recorderType: recorderType,
    cameraCheck: cameraCheck,
    blobs: blobs,
    tusCreate: tusCreate,
    tusUpload: tusUpload,
    sleep: sleep
  };
})();
