// Portal speed test client for our LibreSpeed-protocol backend (customers/speedtest.py).
// Ping/jitter from repeated GET empty; download from parallel streams of garbage; upload from parallel
// POSTs of random bodies. Bytes in the first GRACE ms of each phase are not counted (TCP slow start).
// Everything it needs comes from data attributes: no inline script under our nonce-based CSP.
(function () {
  "use strict";
  var root = document.getElementById("speedtest");
  if (!root) return;
  var d = root.dataset;
  var DURATION = parseInt(d.durationMs, 10) || 15000;
  var GRACE = Math.min(1500, DURATION / 5);
  var DOWNLOAD_STREAMS = 6, UPLOAD_STREAMS = 3, PINGS = 10;
  var CHUNK_MIB = 100, UPLOAD_BYTES = 20 * 1024 * 1024;
  var canvas = document.getElementById("speedtest-gauge");
  var button = document.getElementById("speedtest-start");
  var phase = document.getElementById("speedtest-phase");
  var gaugeMax = 100;

  function $(id) { return document.getElementById(id); }
  function fmt(n) { return n >= 100 ? n.toFixed(0) : n.toFixed(1); }
  function bust(url) { return url + (url.indexOf("?") < 0 ? "?" : "&") + "r=" + Math.random(); }

  function draw(value, label) {
    var ctx = canvas.getContext("2d"), w = canvas.width, h = canvas.height;
    var cx = w / 2, cy = h - 20, r = Math.min(w / 2, h) - 24;
    ctx.clearRect(0, 0, w, h);
    ctx.lineWidth = 16;
    ctx.lineCap = "round";
    ctx.strokeStyle = "#dfe3eb";
    ctx.beginPath();
    ctx.arc(cx, cy, r, Math.PI, 2 * Math.PI);
    ctx.stroke();
    while (value > gaugeMax) gaugeMax *= 2;  // the dial grows with fast connections
    var share = Math.max(0, Math.min(1, value / gaugeMax));
    ctx.strokeStyle = "#1e88e5";
    ctx.beginPath();
    ctx.arc(cx, cy, r, Math.PI, Math.PI + share * Math.PI);
    ctx.stroke();
    ctx.fillStyle = "#1b1f24";
    ctx.textAlign = "center";
    ctx.font = "bold 32px system-ui, sans-serif";
    ctx.fillText(fmt(value), cx, cy - 24);
    ctx.font = "14px system-ui, sans-serif";
    ctx.fillText((label || "") + " Mbps", cx, cy);
  }

  function ping() {
    var times = [];
    function one() {
      var start = performance.now();
      return fetch(bust(d.emptyUrl), { cache: "no-store", credentials: "same-origin" }).then(function (res) {
        return res.arrayBuffer().then(function () {
          if (!res.ok) throw new Error("ping " + res.status);
          times.push(performance.now() - start);
        });
      });
    }
    var chain = Promise.resolve();
    for (var i = 0; i < PINGS; i++) chain = chain.then(one);
    return chain.then(function () {
      times.shift();  // the first request also opened the connection
      var min = Math.min.apply(null, times), jitter = 0;
      for (var k = 1; k < times.length; k++) jitter += Math.abs(times[k] - times[k - 1]);
      return { ping: min, jitter: times.length > 1 ? jitter / (times.length - 1) : 0 };
    });
  }

  // Runs `streams` workers until DURATION; `counted` bytes after the grace time give the speed.
  function measure(label, start) {
    return new Promise(function (resolve) {
      var t0 = performance.now(), graceBytes = null, total = 0, stopped = false, controllers = [];
      function add(n) {
        total += n;
        var elapsed = performance.now() - t0;
        if (elapsed >= GRACE && graceBytes === null) graceBytes = { bytes: total, at: elapsed };
      }
      function mbps() {
        if (graceBytes === null) return 0;
        var seconds = (performance.now() - t0 - graceBytes.at) / 1000;
        return seconds > 0 ? ((total - graceBytes.bytes) * 8) / seconds / 1e6 : 0;
      }
      var timer = setInterval(function () {
        var value = mbps();
        draw(value, label);
        if (performance.now() - t0 >= DURATION) {
          stopped = true;
          clearInterval(timer);
          controllers.forEach(function (c) { c.abort(); });
          resolve(value);
        }
      }, 200);
      start(add, function () { return stopped; }, controllers);
    });
  }

  function download() {
    return measure(d.labelDownload, function (add, stopped, controllers) {
      function stream(delay) {
        setTimeout(function () {
          if (stopped()) return;
          var controller = new AbortController();
          controllers.push(controller);
          fetch(bust(d.garbageUrl + "?ckSize=" + CHUNK_MIB), { cache: "no-store", credentials: "same-origin", signal: controller.signal })
            .then(function (res) {
              var reader = res.body.getReader();
              function pump() {
                return reader.read().then(function (part) {
                  if (part.done) { stream(0); return; }
                  add(part.value.length);
                  if (!stopped()) return pump();
                  reader.cancel();
                });
              }
              return pump();
            })
            .catch(function () { /* aborted at the end of the phase */ });
        }, delay);
      }
      for (var i = 0; i < DOWNLOAD_STREAMS; i++) stream(i * 100);
    });
  }

  function randomBody() {
    var block = new Uint8Array(1024 * 1024);
    for (var off = 0; off < block.length; off += 65536) crypto.getRandomValues(block.subarray(off, off + 65536));
    var parts = [];
    for (var i = 0; i < UPLOAD_BYTES / block.length; i++) parts.push(block);
    return new Blob(parts, { type: "application/octet-stream" });
  }

  function upload() {
    var body = randomBody();
    return measure(d.labelUpload, function (add, stopped, controllers) {
      function stream(delay) {
        setTimeout(function () {
          if (stopped()) return;
          var xhr = new XMLHttpRequest(), sent = 0;
          controllers.push({ abort: function () { xhr.abort(); } });
          xhr.upload.onprogress = function (e) { add(e.loaded - sent); sent = e.loaded; };
          xhr.onload = function () { add(body.size - sent); sent = body.size; stream(0); };
          xhr.open("POST", bust(d.emptyUrl));
          xhr.setRequestHeader("X-CSRFToken", d.csrf);
          xhr.setRequestHeader("Content-Type", "application/octet-stream");
          xhr.send(body);
        }, delay);
      }
      for (var i = 0; i < UPLOAD_STREAMS; i++) stream(i * 200);
    });
  }

  function save(result) {
    var form = new FormData();
    Object.keys(result).forEach(function (key) { form.append(key, result[key]); });
    return fetch(d.resultUrl, { method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": d.csrf } })
      .then(function (res) { return res.text(); })
      .then(function (html) {
        var history = $("speedtest-history");
        var holder = document.createElement("div");
        holder.innerHTML = html;
        if (history && holder.firstElementChild) history.replaceWith(holder.firstElementChild);
      });
  }

  function run() {
    button.disabled = true;
    gaugeMax = 100;
    ["st-download", "st-upload", "st-ping", "st-jitter"].forEach(function (id) { $(id).textContent = "…"; });
    var result = {};
    fetch(bust(d.ipUrl), { cache: "no-store", credentials: "same-origin" })
      .then(function (res) { return res.json(); })
      .then(function (info) { $("st-ip").textContent = info.processedString; })
      .then(function () { phase.textContent = d.labelPing; return ping(); })
      .then(function (p) {
        result.ping = p.ping.toFixed(1); result.jitter = p.jitter.toFixed(1);
        $("st-ping").textContent = p.ping.toFixed(0); $("st-jitter").textContent = p.jitter.toFixed(0);
        phase.textContent = d.labelDownload;
        return download();
      })
      .then(function (down) {
        result.download = down.toFixed(2); $("st-download").textContent = fmt(down);
        phase.textContent = d.labelUpload;
        gaugeMax = 100;
        return upload();
      })
      .then(function (up) {
        result.upload = up.toFixed(2); $("st-upload").textContent = fmt(up);
        phase.textContent = d.labelDone;
        return save(result);
      })
      .catch(function () { phase.textContent = d.labelFailed; })
      .then(function () { button.disabled = false; });
  }

  draw(0, "");
  button.addEventListener("click", run);
})();
