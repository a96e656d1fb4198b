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

// Date fields are text in the console's style, dd/mm/yyyy (a browser's own date input shows its
// own, often mm/dd/yyyy). Where the browser can open its calendar on demand, a button beside the
// field opens it and writes the chosen day back as dd/mm/yyyy; typing works the same without it.
(function () {
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function toIso(text) {
    var digits = text.replace(/[০-৯]/g, function (d) { return String(d.charCodeAt(0) - 0x09E6); });
    var m = digits.match(/^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})/);
    return m ? m[3] + "-" + pad(+m[2]) + "-" + pad(+m[1]) : "";
  }
  function enhance(input) {
    if (input.dataset.datePicker) return;
    input.dataset.datePicker = "1";
    var picker = document.createElement("input");
    picker.type = "date";
    if (typeof picker.showPicker !== "function") return;
    picker.tabIndex = -1;
    picker.className = "date-picker-native";
    picker.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "date-picker-button secondary outline";
    button.innerHTML = '<svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4"/></svg>';
    button.setAttribute("aria-label", document.documentElement.lang === "bn" ? "ক্যালেন্ডার খুলুন" : "Open calendar");
    var group = document.createElement("div");
    group.setAttribute("role", "group");
    group.className = "date-picker-group";
    input.parentNode.insertBefore(group, input);
    group.append(input, button, picker);
    button.addEventListener("click", function () {
      picker.value = toIso(input.value);
      try { picker.showPicker(); } catch (error) { input.focus(); }
    });
    picker.addEventListener("change", function () {
      var parts = picker.value.split("-");
      if (parts.length !== 3) return;
      var time = input.dataset.dateInput === "datetime" ? (input.value.match(/\s+\d{1,2}[:.]\d{2}\s*$/) || [" 00:00"])[0] : "";
      input.value = parts[2] + "/" + parts[1] + "/" + parts[0] + time;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }
  function enhanceAll(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("input[data-date-input]").forEach(enhance);
  }
  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();

// A form in a dialog that answers 400/409/422 sends back the dialog with its errors: show it (htmx
// leaves 4xx answers unswapped by default, which would leave the dialog as it was, silently).
(function () {
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if ((status === 400 || status === 409 || status === 422) && target && target.tagName === "DIALOG") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
