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
