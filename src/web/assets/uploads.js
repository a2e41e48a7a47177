/* Cammio.UploadQueue: the candidate's uploads, one at a time in the
   background while the interview goes on.

   new Cammio.UploadQueue({endpoint, blobPrefix, progress, save, chunkSize})
     progress.uploads is the persisted map key -> {kind, question, size, url,
     done}; save() persists it. Blobs wait in IndexedDB under blobPrefix+key
     until their upload is done, so a reload continues them (the tus upload
     resumes at the offset the server reports as durable).
   add(key, blob, kind, question, url?, meta?) -> Promise
                                               queue a file (url: its tus
                                               upload, when already created;
                                               meta: more Upload-Metadata)
   drop(key) -> Promise                        forget a queued file (a take
                                               that a retake replaced)
   kick()                                      (re)start sending
   totals() -> {sent, total}                   bytes, for the progress bar
   pending() -> [key]                          not yet done
   onChange(fn)                                called on every progress step
   onMissing(fn(key))                          a queued blob is gone from this browser
   state: waiting (connection lost, retrying), error (refused by the server). */
(function () {
  'use strict';
  var C = window.Cammio;

  function UploadQueue(o) {
    this.o = o;
    this.sent = {};
    this.waiting = false;
    this.error = null;
    this.running = false;
    this.listeners = [];
    this.missing = function () {};
  }

  UploadQueue.prototype.onChange = function (f) { this.listeners.push(f); };
  UploadQueue.prototype.onMissing = function (f) { this.missing = f; };

  UploadQueue.prototype.changed = function () {
    this.listeners.forEach(function (f) { f(); });
  };

  UploadQueue.prototype.totals = function () {
    var all = this.o.progress.uploads;
    var sent = this.sent;
    var out = { total: 0, sent: 0 };
    Object.keys(all).forEach(function (key) {
      var u = all[key];
      out.total += u.size;
      out.sent += u.done ? u.size : Math.min(u.size, sent[key] || 0);
    });
    return out;
  };

  UploadQueue.prototype.pending = function () {
    var all = this.o.progress.uploads;
    return Object.keys(all).filter(function (key) { return !all[key].done; });
  };

  UploadQueue.prototype.add = function (key, blob, kind, question, url, meta) {
    var self = this;
    return C.blobs.put(this.o.blobPrefix + key, blob).then(function () {
      self.o.progress.uploads[key] = { kind: kind, question: question, size: blob.size, url: url || null,
                                       done: false, meta: meta || null };
      self.o.save();
      self.kick();
    });
  };

  UploadQueue.prototype.drop = function (key) {
    if (!this.o.progress.uploads[key]) return Promise.resolve();
    delete this.o.progress.uploads[key];
    delete this.sent[key];
    this.o.save();
    this.changed();
    return C.blobs.del(this.o.blobPrefix + key);
  };

  // Retries a refused upload (after the candidate asked to).
  UploadQueue.prototype.retry = function () {
    this.error = null;
    this.kick();
  };

  UploadQueue.prototype.kick = function () {
    if (this.running || this.error) return;
    var key = this.pending()[0];
    if (!key) { this.changed(); return; }
    this.running = true;
    var self = this;
    var u = this.o.progress.uploads[key];
    var blobKey = this.o.blobPrefix + key;
    C.blobs.get(blobKey).then(function (blob) {
      if (!blob) throw Object.assign(new Error('missing'), { missing: true });
      var meta = Object.assign({}, u.meta || {}, { kind: u.kind });
      if (u.question !== null && u.question !== undefined) meta.question = u.question;
      return C.tusUpload({
        endpoint: self.o.endpoint,
        blob: blob,
        url: u.url,
        chunkSize: self.o.chunkSize,
        meta: meta,
        onUrl: function (url) { u.url = url; self.o.save(); },
        onProgress: function (bytes) { self.sent[key] = bytes; self.changed(); },
        onWaiting: function (w) {
          if (self.waiting !== w) { self.waiting = w; self.changed(); }
        }
      });
    }).then(function () {
      u.done = true;
      self.o.save();
      return C.blobs.del(blobKey);
    }).then(function () {
      self.running = false;
      self.changed();
      self.kick();
    }, function (err) {
      self.running = false;
      if (!self.o.progress.uploads[key]) {  // dropped meanwhile: its failure does not matter
        self.changed();
        self.kick();
        return;
      }
      if (err && err.missing) {
        self.missing(key);
        self.changed();
        self.kick();
        return;
      }
      self.error = (err && err.message) || String(err);
      self.changed();
    });
  };

  C.UploadQueue = UploadQueue;
})();
