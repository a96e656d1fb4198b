// Referrals page: the "Copy link" button copies the text of the element it names.
// The button is rendered hidden and shown here once it works, so nobody (a slow phone, a
// browser test) can press it before its handler exists; without scripts the link stays on
// screen to copy by hand.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = document.getElementById(button.dataset.copyTarget).textContent.trim();
      var done = function () {
        var label = button.textContent;
        button.textContent = button.dataset.copiedLabel || "Copied";
        setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
      } else {
        fallback(text);
        done();
      }
    });
    button.hidden = false;
  });
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* the link is still on screen to copy by hand */ }
    document.body.removeChild(area);
  }
})();
