// Business analytics charts (uPlot, vendored in static/vendor/uplot/). The figures come from the
// json_script "analytics-data"; the page shows the same figures in tables and links without JS.
// A click on a chart opens the rows behind the nearest point of the nearest series.
(function () {
  "use strict";

  var source = document.getElementById("analytics-data");
  if (!source || typeof uPlot === "undefined") return;
  var data = JSON.parse(source.textContent);
  var names = document.getElementById("analytics-date-names");
  // Month names in the page's language (uPlot's own are English).
  var monthFormat = names ? uPlot.fmtDate("{MMM} {YY}", JSON.parse(names.textContent)) : uPlot.fmtDate("{MMM} {YY}");

  function taka(v) {
    if (v === null || v === undefined) return "—";
    return "৳" + Math.round(v).toLocaleString("en-IN");
  }
  function percent(v) { return v === null || v === undefined ? "—" : v.toFixed(2) + " %"; }

  // The axes are drawn on a canvas, which takes only the fonts it is given, loaded: the shipped Noto
  // Sans Bengali (static/css/fonts.css) has "৳" and the Bangla month names, system-ui here does not
  // (a box). The charts are drawn once it has loaded (see the end of this file).
  var AXIS_FONT = '12px "Noto Sans Bengali", system-ui, sans-serif';
  var LABEL_FONT = 'bold 12px "Noto Sans Bengali", system-ui, sans-serif';

  function bars(align) { return uPlot.paths.bars({ size: [0.45, 40], align: align }); }

  function series(label, colour, keyForUrl, opts) {
    var s = { label: label, stroke: colour, width: 2, drill: keyForUrl };
    for (var k in opts || {}) s[k] = opts[k];
    return s;
  }

  function clickToDrill(u, drills) {
    u.over.addEventListener("click", function () {
      var idx = u.cursor.idx;
      if (idx === null || idx === undefined) return;
      var y = u.posToVal(u.cursor.top, "y");
      var best = null, bestGap = Infinity;
      for (var i = 1; i < u.series.length; i++) {
        var value = u.data[i][idx];
        if (!u.series[i].show || value === null || value === undefined) continue;
        var gap = Math.abs(value - y);
        if (gap < bestGap) { bestGap = gap; best = i; }
      }
      var urls = data.urls[idx] || {};
      var target = best !== null && urls[drills[best - 1]];
      if (target) window.location.assign(target);
    });
    u.over.style.cursor = "pointer";
  }

  function make(container, seriesList, values, format) {
    var drills = seriesList.map(function (s) { return s.drill; });
    var width = Math.max(280, container.clientWidth || 600);
    // Room for a whole bar beside the first and last month (a bar is at most 0.45 of a month wide, drawn to the
    // left or right of its month), and money from zero: a bar's height is its amount.
    var xs = data.x;
    var step = xs.length > 1 ? (xs[xs.length - 1] - xs[0]) / (xs.length - 1) : 30 * 86400;
    var scales = { x: { time: true, range: function (u, min, max) { return [min - 0.75 * step, max + 0.75 * step]; } } };
    if (format === taka) {
      scales.y = { range: function (u, min, max) {
        var low = Math.min(0, min), high = Math.max(0, max);
        if (low === high) high = 1;
        return [low < 0 ? low * 1.1 : 0, high > 0 ? high * 1.1 : 0];
      } };
    }
    var options = {
      width: width, height: 260,
      scales: scales,
      series: [{
        label: container.getAttribute("data-label-month") || "Month",
        value: function (u, ts) { return ts === null ? "—" : monthFormat(new Date(ts * 1e3)); },
      }].concat(seriesList),
      axes: [
        { values: function (u, ticks) { return ticks.map(function (t) { return monthFormat(new Date(t * 1e3)); }); }, space: 50,
          font: AXIS_FONT, labelFont: LABEL_FONT },
        { values: function (u, ticks) { return ticks.map(format); }, size: 80, font: AXIS_FONT, labelFont: LABEL_FONT },
      ],
      hooks: { ready: [function (u) { clickToDrill(u, drills); }] },
    };
    seriesList.forEach(function (s) { s.value = function (u, v) { return format(v); }; });
    var chart = new uPlot(options, [data.x].concat(values), container);
    container.uplot = chart;  // read by the browser tests
    container.setAttribute("data-axis-font", AXIS_FONT);
    container.setAttribute("data-drawn", "true");
    window.addEventListener("resize", function () {
      chart.setSize({ width: Math.max(280, container.clientWidth || 600), height: 260 });
    });
    return chart;
  }

  var charts = {
    mrr: function (c) {
      var l = function (name) { return c.getAttribute("data-label-" + name); };
      return make(c, [
        series(l("mrr"), "#0172ad", "mrr"),
        series(l("new"), "#2f855a", "new", { fill: "rgba(47,133,90,.7)", width: 0, paths: bars(0), points: { show: false } }),
        series(l("expansion"), "#38a169", "expansion", { fill: "rgba(56,161,105,.5)", width: 0, paths: bars(0), points: { show: false } }),
        series(l("reactivation"), "#805ad5", "reactivation", { fill: "rgba(128,90,213,.6)", width: 0, paths: bars(0), points: { show: false } }),
        series(l("contraction"), "#dd6b20", "contraction", { fill: "rgba(221,107,32,.6)", width: 0, paths: bars(0), points: { show: false } }),
        series(l("churned"), "#c53030", "churned", { fill: "rgba(197,48,48,.7)", width: 0, paths: bars(0), points: { show: false } }),
        series(l("paused"), "#718096", "paused", { fill: "rgba(113,128,150,.6)", width: 0, paths: bars(0), points: { show: false } }),
      ], [data.mrr, data["new"], data.expansion, data.reactivation, data.contraction, data.churned, data.paused], taka);
    },
    collections: function (c) {
      return make(c, [
        series(c.getAttribute("data-label-billed"), "#0172ad", "billed", { fill: "rgba(1,114,173,.75)", width: 0, paths: bars(-1), points: { show: false } }),
        series(c.getAttribute("data-label-collected"), "#e07b00", "collected", { fill: "rgba(224,123,0,.75)", width: 0, paths: bars(1), points: { show: false } }),
      ], [data.billed, data.collected], taka);
    },
    churn: function (c) {
      return make(c, [
        series(c.getAttribute("data-label-logo"), "#c53030", "churn"),
        series(c.getAttribute("data-label-revenue"), "#805ad5", "churned"),
      ], [data.logo_churn, data.revenue_churn], percent);
    },
  };

  function drawAll() {
    document.querySelectorAll("[data-analytics-chart]").forEach(function (container) {
      var build = charts[container.getAttribute("data-analytics-chart")];
      if (build) build(container);
    });
  }
  // A web font is fetched when text needs it; a canvas does not ask, so load the glyphs first.
  var sample = "৳0123456789" + (names ? JSON.parse(names.textContent).MMM.join("") : "");
  if (document.fonts && document.fonts.load) {
    Promise.all([document.fonts.load(AXIS_FONT, sample), document.fonts.load(LABEL_FONT, sample)]).then(drawAll, drawAll);
  } else {
    drawAll();
  }
})();
