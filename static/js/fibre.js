// An ONU's optical signal over 90 days (uPlot, vendored in static/vendor/uplot/). The data comes from a
// json_script element named by the container's data-onu-chart: {t: [unix seconds], avg: [dBm], min: [dBm]}.
(function () {
  "use strict";

  function setUp(container) {
    var source = document.getElementById(container.getAttribute("data-onu-chart"));
    if (!source || typeof uPlot === "undefined") return;
    var data = JSON.parse(source.textContent);
    if (!data.t.length) return;
    var warning = parseFloat(container.getAttribute("data-warning"));
    var critical = parseFloat(container.getAttribute("data-critical"));
    var line = function (value) { return data.t.map(function () { return value; }); };
    var width = Math.max(280, container.clientWidth || 600);
    var options = {
      width: width,
      height: 240,
      scales: { x: { time: true } },
      series: [
        { label: container.getAttribute("data-label-time") || "Time" },
        { label: container.getAttribute("data-label-avg"), stroke: "#0172ad", width: 1.5, points: { show: false } },
        { label: container.getAttribute("data-label-min"), stroke: "#9aa6b2", width: 1, points: { show: false } },
        { label: "warning", stroke: "#e07b00", dash: [6, 4], width: 1, points: { show: false } },
        { label: "critical", stroke: "#c0392b", dash: [6, 4], width: 1, points: { show: false } },
      ],
      axes: [{ space: 70 }, { size: 56 }],
    };
    var plot = new uPlot(options, [data.t, data.avg, data.min, line(warning), line(critical)], container);
    window.addEventListener("resize", function () {
      plot.setSize({ width: Math.max(280, container.clientWidth || 600), height: 240 });
    });
  }

  function setUpAll() {
    document.querySelectorAll("[data-onu-chart]:not([data-drawn])").forEach(function (container) {
      container.setAttribute("data-drawn", "1");
      setUp(container);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpAll);
  else setUpAll();
  document.addEventListener("htmx:afterSwap", setUpAll);
})();
