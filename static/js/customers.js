// Customer screens. Everything here is a nicety: the pages work the same without it.
(function () {
  // The customer list's filter form sends only the filters in use, so the URL it pushes into the
  // address bar stays short enough to read and share.
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("form[data-drop-empty-params]")) return;
    var formData = event.detail.formData;
    Array.from(new Set(formData.keys())).forEach(function (name) {
      if (formData.getAll(name).every(function (value) { return value === ""; })) formData.delete(name);
    });
  });

  // A subscription form shows the username and password only for connection types that log in.
  function syncConnectionFields(form) {
    var select = form.querySelector("select[name=connection_type]");
    if (!select) return;
    form.querySelectorAll("[data-for-connection]").forEach(function (block) {
      var shown = block.getAttribute("data-for-connection").split(" ").indexOf(select.value) !== -1;
      block.hidden = !shown;
    });
  }
  function setUpConnectionForms(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("form[data-connection-form]").forEach(function (form) {
      syncConnectionFields(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "connection_type") syncConnectionFields(form);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { setUpConnectionForms(document); });
})();

// "Generate" beside a connection password fills in a new one here; without JavaScript the button
// asks the server for one (the form comes back with the same entries and a new suggestion).
(function () {
  var ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  function newPassword(length) {
    var bytes = new Uint32Array(length);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (value) { return ALPHABET[value % ALPHABET.length]; }).join("");
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-generate-password]") : null;
    if (!button || !window.crypto || !window.crypto.getRandomValues) return;
    var input = document.getElementById(button.getAttribute("data-target"));
    if (!input) return;
    event.preventDefault();
    input.value = newPassword(10);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.focus();
  });
})();
