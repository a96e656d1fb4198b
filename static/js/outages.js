// Declare outage: a filter box over the area checkboxes (the list works without it).
(function () {
  function setUp(picker) {
    var box = picker.querySelector("[data-area-filter]");
    if (!box) return;
    box.hidden = false;
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase();
      picker.querySelectorAll("[data-area-group]").forEach(function (group) {
        var branch = group.querySelector("legend").getAttribute("data-filter-text");
        var branchMatches = !words || branch.indexOf(words) !== -1;
        var shown = 0;
        group.querySelectorAll("label[data-filter-text]").forEach(function (label) {
          var match = branchMatches || label.getAttribute("data-filter-text").indexOf(words) !== -1;
          label.hidden = !match;
          if (match) shown += 1;
        });
        group.hidden = shown === 0;
      });
    });
    // Enter in the filter box filters; it does not submit the form.
    box.addEventListener("keydown", function (event) { if (event.key === "Enter") event.preventDefault(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-area-picker]").forEach(setUp);
  });
})();
