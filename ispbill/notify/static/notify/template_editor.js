// Message template editor: a click on a variable inserts it at the cursor of the field last in
// focus (the message body by default) and fires "input", so the live preview follows.
(function () {
  var target = null;
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-variable-target]")) target = event.target;
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-insert-variable]") : null;
    if (!button) return;
    event.preventDefault();
    var field = target || document.querySelector("textarea[data-variable-target]");
    if (!field) return;
    var text = button.getAttribute("data-insert-variable");
    var start = field.selectionStart == null ? field.value.length : field.selectionStart;
    var end = field.selectionEnd == null ? start : field.selectionEnd;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.focus();
    field.setSelectionRange(start + text.length, start + text.length);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
