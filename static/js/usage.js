// Usage charts (uPlot, vendored in static/vendor/uplot/). The data comes from a json_script element
// named by the container's data-usage-chart; the page shows the same figures in a table without JS.
(function () {
  "use strict";

  function formatMB(value) {
    if (value === null || value === undefined) return "—";
    if (value >= 1000) return (value / 1000).toFixed(value >= 100000 ? 0 : 1) + " GB";
    return Math.round(value) + " MB";
  }

  var DATE_FORMATS = {
    hourly: "{HH}:{mm}\n{D} {MMM}",
    daily: "{D} {MMM}",
    weekly: "{D} {MMM}",
    monthly: "{MMM} {YYYY}",
  };

  function chartOptions(container, period, width) {
    var zone = container.getAttribute("data-time-zone");
    var bars = function (align) {
      return uPlot.paths.bars({ size: [0.4, 24], align: align });
    };
    var names = document.getElementById(container.getAttribute("data-date-names"));
    // Month and weekday names in the page's language (uPlot's own are English).
    var tickFormat = names ? uPlot.fmtDate(DATE_FORMATS[period], JSON.parse(names.textContent)) : uPlot.fmtDate(DATE_FORMATS[period]);
    var tzDate = zone && uPlot.tzDate
      ? function (ts) { return uPlot.tzDate(new Date(ts * 1e3), zone); }
      : function (ts) { return new Date(ts * 1e3); };
    var options = {
      tzDate: tzDate,
      width: width,
      height: 260,
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(max, 1)]; } } },
      series: [
        {
          label: container.getAttribute("data-label-time") || "Time",
          value: function (u, ts) { return ts === null ? "—" : tickFormat(tzDate(ts)); },
        },
        {
          label: container.getAttribute("data-label-download"), fill: "rgba(1, 114, 173, 0.8)", stroke: "#0172ad",
          width: 0, paths: bars(-1), points: { show: false }, value: function (u, v) { return formatMB(v); },
        },
        {
          label: container.getAttribute("data-label-upload"), fill: "rgba(224, 123, 0, 0.8)", stroke: "#e07b00",
          width: 0, paths: bars(1), points: { show: false }, value: function (u, v) { return formatMB(v); },
        },
      ],
      axes: [
        { values: function (u, ticks) { return ticks.map(function (t) { return tickFormat(tzDate(t)); }); }, space: 60 },
        { values: function (u, ticks) { return ticks.map(formatMB); }, size: 72 },
      ],
    };
    return options;
  }

  function setUp(container) {
    var source = document.getElementById(container.getAttribute("data-usage-chart"));
    if (!source || typeof uPlot === "undefined") return;
    var data = JSON.parse(source.textContent);
    var buttons = document.querySelectorAll("[data-usage-periods] [data-period]");
    var period = "daily";
    var chart = null;

    function draw() {
      var series = data[period];
      var width = Math.max(container.clientWidth, 280);
      if (chart) chart.destroy();
      container.textContent = "";
      chart = new uPlot(chartOptions(container, period, width), [series.x, series.down, series.up], container);
    }

    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        period = button.getAttribute("data-period");
        buttons.forEach(function (other) { other.setAttribute("aria-pressed", String(other === button)); });
        draw();
      });
    });
    var group = document.querySelector("[data-usage-periods]");
    if (group) group.hidden = false;
    var resizeTimer = null;
    window.addEventListener("resize", function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(draw, 150);
    });
    draw();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-usage-chart]").forEach(setUp);
  });
})();
