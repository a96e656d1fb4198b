// Small glue between htmx and native <dialog>: dialogs arrive with data-autoopen and are
// opened as modals; they leave the DOM when closed. A server "closeModal" event closes them.
(function () {
  function openDialogs(root) {
    var scope = root.querySelectorAll ? root : document;
    var dialogs = Array.from(scope.querySelectorAll("dialog[data-autoopen]"));
    // A dialog swapped in with beforeend is itself the htmx:load target, not a descendant of it.
    if (scope.matches && scope.matches("dialog[data-autoopen]")) dialogs.unshift(scope);
    dialogs.forEach(function (dialog) {
      dialog.removeAttribute("data-autoopen");
      dialog.addEventListener("close", function () { dialog.remove(); });
      dialog.querySelectorAll("[data-close-dialog]").forEach(function (button) {
        button.addEventListener("click", function (event) { event.preventDefault(); dialog.close(); });
      });
      if (!dialog.open) dialog.showModal();
    });
  }
  document.addEventListener("htmx:load", function (event) { openDialogs(event.target); });
  document.addEventListener("closeModal", function () {
    document.querySelectorAll("dialog[open]").forEach(function (dialog) { dialog.close(); });
  });
  document.addEventListener("DOMContentLoaded", function () { openDialogs(document); });
})();

// Messages from an htmx answer that shows none itself (a dialog closed with a 204): the server
// sends them as a "messages" event (ispbill.core.middleware.HtmxMessagesMiddleware); shown in the
// page's message area like those of a full page.
(function () {
  document.addEventListener("messages", function (event) {
    var area = document.getElementById("messages");
    var items = (event.detail && event.detail.items) || [];
    if (!area || !items.length) return;
    area.replaceChildren.apply(area, items.map(function (item) {
      var line = document.createElement("p");
      line.className = "flash-" + (item.tags || "info");
      line.textContent = item.text;
      return line;
    }));
  });
})();
