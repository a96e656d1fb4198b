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
