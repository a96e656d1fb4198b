/* Technician app: every action is queued in IndexedDB (idb-keyval) with a UUID made here, then sent to
   the server, which applies each UUID once and answers a replay with the stored result. The queue is
   replayed when the app starts, comes back online, returns to the foreground, or when the service
   worker's Background Sync asks. Photos are compressed here and uploaded separately, keyed the same way.
   A refused action (the order was reassigned or cancelled meanwhile) is shown, never dropped silently. */
(function () {
  "use strict";
  var idb = window.idbKeyval;
  var state = document.getElementById("sync-state");
  var conflicts = document.getElementById("sync-conflicts");
  if (!idb || !state) return;
  var OPS_URL = state.dataset.opsUrl;
  var PHOTOS_URL = state.dataset.photosUrl;
  var BATCH = 50;
  var flushing = null;
  var flushAgain = null;
  var orderSection = document.getElementById("order");
  var orderId = orderSection ? orderSection.dataset.order : null;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  function keysWith(prefix) {
    return idb.keys().then(function (keys) { return keys.filter(function (k) { return String(k).indexOf(prefix) === 0; }); });
  }

  function pending(prefix) {
    return keysWith(prefix).then(function (keys) { return idb.getMany(keys); }).then(function (items) {
      return items.filter(Boolean).sort(function (a, b) { return a.created - b.created || (a.seq || 0) - (b.seq || 0); });
    });
  }

  var seq = 0;
  function enqueue(kind, payload) {
    var op = { uuid: uuid(), kind: kind, order: Number(orderId), payload: payload || {}, created: Date.now(), seq: seq++ };
    return idb.set("op:" + op.uuid, op).then(function () {
      applyLocally(op);
      showState();
      return flush();
    });
  }

  // A completed, failed or cancelled visit has nothing left to do: its buttons and forms go away at
  // once (a refused completion, answered on site, brings them back).
  var CLOSED = ["completed", "failed", "cancelled"];
  function showOpen(status) {
    var open = document.getElementById("order-open");
    var closed = document.getElementById("order-closed");
    if (!open || !closed) return;
    var done = CLOSED.indexOf(status) !== -1;
    open.hidden = done;
    closed.hidden = !done;
  }

  // What the screen shows before the server has answered: the status, the ticks.
  function applyLocally(op) {
    if (String(op.order) !== String(orderId)) return;
    var labels = { start_travel: "en_route", arrive: "on_site", complete: "completed", fail: "failed" };
    var badge = document.getElementById("order-status");
    if (labels[op.kind] && badge) {
      badge.textContent = orderSection.getAttribute("data-label-" + labels[op.kind]) || labels[op.kind];
      badge.className = "badge wo-status-" + labels[op.kind];
      badge.dataset.status = labels[op.kind];
      showOpen(labels[op.kind]);
    }
    if (op.kind === "check") {
      var box = document.querySelector('[data-check="' + op.payload.item + '"]');
      if (box) box.checked = !!op.payload.done;
    }
  }

  // What the server accepted stays true on this page after the operation leaves the queue: the
  // completion check reads these flags, as the page carries them when it is rendered again.
  function markAccepted(op) {
    if (!orderSection || String(op.order) !== String(orderId)) return;
    if (op.kind === "sign") orderSection.dataset.signed = "1";
    if (op.kind === "equipment") orderSection.dataset.serialRecorded = "1";
    if (op.kind === "readings" && op.payload.onu_power_dbm !== undefined && String(op.payload.onu_power_dbm).trim() !== "") {
      orderSection.dataset.onuPower = String(op.payload.onu_power_dbm).trim();
    }
  }

  // The server's word on the order's status, after each answered operation (a refused completion
  // leaves it on site; a cancelled order shows cancelled).
  function showStatus(status) {
    var badge = document.getElementById("order-status");
    var label = orderSection && orderSection.getAttribute("data-label-" + status);
    if (!badge || !label) return;
    badge.textContent = label;
    badge.className = "badge wo-status-" + status;
    badge.dataset.status = status;
    showOpen(status);
  }

  function addConflict(text) {
    if (!conflicts) return;
    var li = document.createElement("li");
    li.textContent = text;
    conflicts.appendChild(li);
  }

  function showStoredConflicts() {
    return pending("conflict:").then(function (items) {
      if (!conflicts) return;
      conflicts.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item.text + " ";
        var dismiss = document.createElement("button");
        dismiss.type = "button";
        dismiss.className = "outline small-button";
        dismiss.textContent = "OK";
        dismiss.addEventListener("click", function () { idb.del("conflict:" + item.uuid).then(showStoredConflicts); });
        li.appendChild(dismiss);
        conflicts.appendChild(li);
      });
    });
  }

  function recordConflict(op, result) {
    var text = (op.label || op.kind) + " (" + (op.order ? "#" + op.order : "") + "): " + (result.error || result.code || "refused");
    return idb.set("conflict:" + op.uuid, { uuid: op.uuid, text: text, created: Date.now() });
  }

  function showState(extra) {
    return Promise.all([keysWith("op:"), keysWith("photo:")]).then(function (lists) {
      var waiting = lists[0].length + lists[1].length;
      state.dataset.waiting = String(waiting);
      if (extra) state.textContent = extra;
      else if (waiting) state.textContent = waiting + " " + state.dataset.msgWaiting + (navigator.onLine ? "" : " — " + state.dataset.msgOffline);
      else state.textContent = state.dataset.msgSynced;
      state.classList.toggle("waiting", waiting > 0);
    });
  }

  function sendOps(batch) {
    return fetch(OPS_URL, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" },
      // `at`: when the technician did it, by this phone's clock; the server keeps it beside the time it received it.
      body: JSON.stringify({ ops: batch.map(function (op) { return { uuid: op.uuid, kind: op.kind, order: op.order, payload: op.payload, at: op.created }; }) }),
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) throw new Error("signin");
      if (!response.ok) throw new Error("server " + response.status);
      return response.json();
    });
  }

  function flushOps() {
    return pending("op:").then(function (ops) {
      if (!ops.length) return;
      var batch = ops.slice(0, BATCH);
      return sendOps(batch).then(function (data) {
        var byUuid = {};
        (data.results || []).forEach(function (r) { byUuid[r.uuid] = r; });
        return Promise.all(batch.map(function (op) {
          var result = byUuid[op.uuid];
          if (!result || result.code === "retry") return null;  // not answered, or to be sent again: stays queued
          var done = idb.del("op:" + op.uuid);
          if (!result.ok) done = done.then(function () { return recordConflict(op, result); });
          if (result.status && String(op.order) === String(orderId)) showStatus(result.status);
          if (result.ok) markAccepted(op);
          return done;
        })).then(function () { if (ops.length > batch.length) return flushOps(); });
      });
    });
  }

  function flushPhotos() {
    return pending("photo:").then(function (photos) {
      return photos.reduce(function (chain, photo) {
        return chain.then(function () {
          var form = new FormData();
          form.append("uuid", photo.uuid);
          form.append("order", photo.order);
          form.append("caption", photo.caption || "");
          form.append("at", String(photo.created));
          form.append("photo", photo.blob, "photo.jpg");
          return fetch(PHOTOS_URL, {
            method: "POST", credentials: "same-origin", redirect: "manual", body: form,
            headers: { "X-CSRFToken": csrfToken() },
          }).then(function (response) {
            if (response.ok) return idb.del("photo:" + photo.uuid).then(function () { markPhoto(photo.uuid, "done"); });
            if (response.status === 400 || response.status === 404 || response.status === 413) {
              return response.json().catch(function () { return {}; }).then(function (data) {
                return idb.del("photo:" + photo.uuid).then(function () {
                  markPhoto(photo.uuid, "refused");
                  return recordConflict({ uuid: photo.uuid, kind: "photo", order: photo.order }, { error: data.error || String(response.status) });
                });
              });
            }
            throw new Error("photo " + response.status);  // retried later
          });
        });
      }, Promise.resolve());
    });
  }

  function flush() {
    // An action queued while a flush is under way may have missed the list that flush read: one more
    // flush runs right after it (however many actions were queued meanwhile), and callers wait for that.
    if (flushing) {
      if (!flushAgain) flushAgain = flushing.then(function () { flushAgain = null; return flush(); });
      return flushAgain;
    }
    if (!navigator.onLine) return showState();
    flushing = flushPhotos()
      .then(flushOps)
      .then(function () { return showState(); })
      .catch(function (error) { return showState(error && error.message === "signin" ? state.dataset.msgSignin : null); })
      .then(showStoredConflicts)
      .then(function () { flushing = null; }, function () { flushing = null; });
    return flushing;
  }
  window.technicianSync = { flush: flush };

  // Photos: scaled to at most 1600 px and re-encoded as JPEG until under the size limit.
  function compress(file, maxBytes) {
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      function encode(quality) {
        return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", quality); }).then(function (blob) {
          if (blob.size <= maxBytes || quality <= 0.3) return blob;
          return encode(quality - 0.15);
        });
      }
      return encode(0.8);
    });
  }

  function markPhoto(id, how) {
    var chip = document.getElementById("photo-" + id);
    if (chip) chip.className = "photo-" + how;
  }

  // Before completing: the rules the server will check, downloaded with the order (checked in, the
  // required ticks, photos, a serial, the signature), met by what the server has or what is queued
  // here. What is missing is listed and the completion is not queued, so the technician fixes it on
  // site instead of learning of it at the next sync.
  function completionMissing() {
    var rulesNode = document.getElementById("completion-rules");
    var list = document.getElementById("finish-missing");
    if (!rulesNode || !list) return Promise.resolve([]);
    var rules = JSON.parse(rulesNode.textContent);
    return Promise.all([pending("op:"), pending("photo:")]).then(function (queues) {
      var ops = queues[0];
      var queuedPhotos = queues[1].filter(function (photo) { return String(photo.order) === String(orderId); }).length;
      var mine = ops.filter(function (op) { return String(op.order) === String(orderId); });
      var queued = function (kind) { return mine.some(function (op) { return op.kind === kind; }); };
      var missing = [];
      var badge = document.getElementById("order-status");
      if (badge && badge.dataset.status !== rules.status) missing.push(list.dataset.msgStatus);
      var unticked = rules.checklist.filter(function (id) {
        var box = document.querySelector('[data-check="' + id + '"]');
        return !box || !box.checked;
      }).map(function (id) {
        var box = document.querySelector('[data-check="' + id + '"]');
        return box ? box.parentNode.textContent.replace("*", "").trim() : "#" + id;
      });
      if (unticked.length) missing.push(list.dataset.msgChecklist + " " + unticked.join(", "));
      var photos = document.querySelectorAll("#photo-strip .photo-done").length + queuedPhotos;  // on the server, or waiting here
      if (rules.photos && photos < rules.photos) missing.push(list.dataset.msgPhotos + " " + photos + " / " + rules.photos);
      if (rules.serial && !orderSection.dataset.serialRecorded && !queued("equipment")) missing.push(list.dataset.msgSerial);
      if (rules.signature && !orderSection.dataset.signed && !queued("sign")) missing.push(list.dataset.msgSignature);
      var rx = rxProblem(rules, mine, list);
      if (rx) missing.push(rx);
      return missing;
    });
  }

  // An installation's Rx must be within the OLT profile's range (docs/fibre.md), as the server checks:
  // the OLT's own reading when the page had one, else the meter reading (the last one queued here,
  // else the one the server has).
  function rxProblem(rules, mine, list) {
    if (!rules.rx_range) return null;
    var low = parseFloat(rules.rx_range[0]), high = parseFloat(rules.rx_range[1]);
    var text = null;
    if (rules.rx_olt !== null && rules.rx_olt !== undefined) {
      text = String(rules.rx_olt);
    } else {
      var readings = mine.filter(function (op) { return op.kind === "readings" && op.payload.onu_power_dbm !== undefined && String(op.payload.onu_power_dbm).trim() !== ""; });
      text = readings.length ? String(readings[readings.length - 1].payload.onu_power_dbm).trim() : (orderSection.dataset.onuPower || null);
    }
    var rx = text === null ? NaN : parseFloat(text);
    if (isNaN(rx)) return list.dataset.msgRxMissing;
    if (rx < low || rx > high) return list.dataset.msgRx.replace("RX", text).replace("LOW", rules.rx_range[0]).replace("HIGH", rules.rx_range[1]);
    return null;
  }

  function showMissing(missing) {
    var list = document.getElementById("finish-missing");
    if (!list) return;
    list.textContent = "";
    missing.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      list.appendChild(li);
    });
    list.hidden = !missing.length;
  }

  function setUpOrder() {
    if (!orderSection) return;
    document.querySelectorAll("[data-op]").forEach(function (button) {
      button.addEventListener("click", function () {
        var kind = button.dataset.op;
        if (kind === "complete") {
          return completionMissing().then(function (missing) {
            showMissing(missing);
            if (!missing.length) return enqueue(kind, {});
          });
        }
        if (kind !== "arrive") return enqueue(kind, {});
        button.disabled = true;
        var done = function (payload) { button.disabled = false; enqueue("arrive", payload); };
        if (!navigator.geolocation) return done({});
        navigator.geolocation.getCurrentPosition(
          function (pos) { done({ latitude: pos.coords.latitude.toFixed(6), longitude: pos.coords.longitude.toFixed(6), accuracy: Math.round(pos.coords.accuracy) }); },
          function () { done({}); },  // no fix: the check-in is still made, flagged on the server
          { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
        );
      });
    });
    document.querySelectorAll("[data-check]").forEach(function (box) {
      box.addEventListener("change", function () { enqueue("check", { item: Number(box.dataset.check), done: box.checked }); });
    });
    document.querySelectorAll("form[data-op-form]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var payload = {};
        new FormData(form).forEach(function (value, key) { payload[key] = value; });
        enqueue(form.dataset.opForm, payload).then(function () {
          if (form.dataset.opForm === "note" || form.dataset.opForm === "equipment") form.reset();
        });
      });
    });
    var photoInput = document.getElementById("photo-input");
    if (photoInput) {
      photoInput.addEventListener("change", function () {
        var file = photoInput.files && photoInput.files[0];
        if (!file) return;
        var max = Number(orderSection.dataset.photoMax) || 2097152;
        compress(file, max).then(function (blob) {
          var id = uuid();
          var chip = document.createElement("span");
          chip.id = "photo-" + id;
          chip.className = "photo-queued";
          chip.textContent = "⏳ " + Math.round(blob.size / 1024) + " KB";
          document.getElementById("photo-strip").appendChild(chip);
          return idb.set("photo:" + id, { uuid: id, order: Number(orderId), blob: blob, caption: "", created: Date.now() });
        }).then(function () { photoInput.value = ""; showState(); return flush(); }, function () {
          addConflict(photoInput.getAttribute("data-error") || "The photo could not be read.");
        });
      });
    }
    var scan = document.getElementById("serial-scan");
    if (scan && "BarcodeDetector" in window) {
      scan.closest("label").hidden = false;
      scan.addEventListener("change", function () {
        var file = scan.files && scan.files[0];
        if (!file) return;
        createImageBitmap(file).then(function (bitmap) { return new window.BarcodeDetector().detect(bitmap); }).then(function (codes) {
          if (codes.length) document.getElementById("serial-input").value = codes[0].rawValue;
        }).catch(function () {});
      });
    }
    var canvas = document.getElementById("signature-canvas");
    if (canvas && window.SignaturePad) {
      var pad = new window.SignaturePad(canvas, { backgroundColor: "rgb(255,255,255)" });
      var resize = function () {
        var ratio = Math.max(window.devicePixelRatio || 1, 1);
        var data = pad.toData();
        canvas.width = canvas.offsetWidth * ratio;
        canvas.height = canvas.offsetHeight * ratio;
        canvas.getContext("2d").scale(ratio, ratio);
        pad.clear();
        pad.fromData(data);
      };
      window.addEventListener("resize", resize);
      resize();
      document.getElementById("signature-clear").addEventListener("click", function () { pad.clear(); });
      document.getElementById("signature-save").addEventListener("click", function () {
        if (pad.isEmpty()) return addConflict(canvas.getAttribute("aria-label") + ": —");
        enqueue("sign", { signer_name: document.getElementById("signer-name").value, data_url: pad.toDataURL("image/png") });
      });
    }
    // Re-apply what is still queued for this order (the page may come from the service worker's cache).
    pending("op:").then(function (ops) { ops.forEach(applyLocally); });
  }

  function precacheOrders() {
    if (!("caches" in window)) return;
    var links = Array.prototype.map.call(document.querySelectorAll("a[data-precache]"), function (a) { return a.href; });
    links.push(location.href);
    caches.open("fs-pages").then(function (cache) {
      return Promise.all(links.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(url, response);
        }).catch(function () {});
      }));
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(state.dataset.sw, { scope: state.dataset.scope }).then(function (registration) {
      if (registration.sync) {
        window.addEventListener("offline", function () { registration.sync.register("fs-sync").catch(function () {}); });
      }
    }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) { if (event.data === "flush") flush(); });
  }

  // Signing out leaves nothing for the next person on this phone: the queue, the cached pages and the
  // service worker go (the server's Clear-Site-Data says the same to the browser). Unsent actions are
  // tried once more, then the technician is warned before they are deleted.
  function clearApp() {
    var jobs = [idb.clear()];
    if ("caches" in window) jobs.push(caches.keys().then(function (keys) { return Promise.all(keys.map(function (key) { return caches.delete(key); })); }));
    if ("serviceWorker" in navigator) {
      jobs.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (registration) { return registration.unregister(); }));
      }));
    }
    return Promise.all(jobs);
  }

  document.querySelectorAll('form[action="' + state.dataset.logoutUrl + '"]').forEach(function (form) {
    var confirmed = false;
    form.addEventListener("submit", function (event) {
      if (confirmed) return;
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) button.disabled = true;
      flush().then(function () { return Promise.all([keysWith("op:"), keysWith("photo:")]); }).then(function (lists) {
        var unsent = lists[0].length + lists[1].length;
        if (unsent && !window.confirm(unsent + " " + state.dataset.msgUnsent)) {
          if (button) button.disabled = false;
          return;
        }
        return clearApp().catch(function () {}).then(function () { confirmed = true; form.submit(); });
      });
    });
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { showState(); });
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") flush(); });
  setUpOrder();
  showStoredConflicts();
  flush().then(function () { if (navigator.onLine) precacheOrders(); });
})();
