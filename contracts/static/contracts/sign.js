/* Contract signing in the portal: signature_pad on the canvas, its PNG into the hidden field on
   submit, the device's clock and (if the customer allows it) location as evidence. */
(function () {
  "use strict";
  var canvas = document.querySelector("[data-signature-pad]");
  var form = document.getElementById("sign-form");
  if (!canvas || !form || typeof SignaturePad === "undefined") return;
  var pad = new SignaturePad(canvas, { minWidth: 0.8, maxWidth: 2.4 });

  function resize() {
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var data = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(data);
  }
  window.addEventListener("resize", resize);
  resize();

  var clear = form.querySelector("[data-signature-clear]");
  if (clear) clear.addEventListener("click", function () { pad.clear(); });

  var share = document.getElementById("share-location");
  if (share && navigator.geolocation) {
    share.addEventListener("change", function () {
      if (!share.checked) { form.elements.latitude.value = ""; form.elements.longitude.value = ""; return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.latitude.value = pos.coords.latitude.toFixed(6);
        form.elements.longitude.value = pos.coords.longitude.toFixed(6);
      }, function () { share.checked = false; }, { timeout: 10000 });
    });
  }

  form.addEventListener("submit", function () {
    form.elements.signature.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
    form.elements.device_time.value = new Date().toString().slice(0, 64);
  });
})();
