/* Dispatch board: drag an order card onto a technician's column to assign it (the same POST as the
   select on each card), and the day's orders on a Leaflet map. Redrawn after every HTMX swap. */
(function () {
  "use strict";
  var map = null;

  function assign(board, orderId, technicianId) {
    var form = new FormData();
    form.append("order", orderId);
    form.append("technician", technicianId);
    form.append("day", board.dataset.day);
    htmx.ajax("POST", board.dataset.assignUrl, { target: "#dispatch-board", swap: "outerHTML", values: Object.fromEntries(form) });
  }

  function setUpDrag(board) {
    board.querySelectorAll(".board-card[draggable=true]").forEach(function (card) {
      card.addEventListener("dragstart", function (event) {
        event.dataTransfer.setData("text/plain", card.dataset.order);
        event.dataTransfer.effectAllowed = "move";
      });
    });
    board.querySelectorAll(".board-col").forEach(function (column) {
      column.addEventListener("dragover", function (event) { event.preventDefault(); column.classList.add("drop-target"); });
      column.addEventListener("dragleave", function () { column.classList.remove("drop-target"); });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        column.classList.remove("drop-target");
        var orderId = event.dataTransfer.getData("text/plain");
        if (orderId) assign(board, orderId, column.dataset.technician);
      });
    });
  }

  function listWithoutGps(rows) {
    var list = document.getElementById("dispatch-no-gps-list");
    if (!list) return;
    list.textContent = "";
    rows.forEach(function (row) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = row.url; link.textContent = row.number;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" " + row.name));
      list.appendChild(item);
    });
    if (!rows.length) { var none = document.createElement("li"); none.className = "muted"; none.textContent = "—"; list.appendChild(none); }
  }

  function setUpMap(board) {
    // The points come as JSON after the cards are drawn (the board answers sooner without them).
    var element = document.getElementById("dispatch-map");
    if (!element || !element.dataset.pointsUrl) return;
    fetch(element.dataset.pointsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !document.body.contains(element)) return;
        listWithoutGps(data.without_gps);
        if (typeof L === "undefined") return;
        if (map) { map.remove(); map = null; }
        map = L.map(element).setView([23.8103, 90.4125], 12);
        var tiles = L.tileLayer(element.dataset.tileUrl, { maxZoom: 19, attribution: element.dataset.attribution });
        // Tiles come from the internet (MAP_TILE_URL): without it the markers stay on a blank map; say so.
        tiles.on("tileerror", function () {
          var note = document.getElementById("dispatch-map-offline");
          if (note) note.hidden = false;
        });
        tiles.addTo(map);
        var bounds = [];
        data.points.forEach(function (point) {
          var marker = L.marker([point.lat, point.lng]).addTo(map);
          var popup = document.createElement("div");
          var link = document.createElement("a");
          link.href = point.url; link.textContent = point.number;
          popup.appendChild(link);
          popup.appendChild(document.createTextNode(" " + point.name + " · " + point.status + (point.technician ? " · " + point.technician : "")));
          marker.bindPopup(popup);
          bounds.push([point.lat, point.lng]);
        });
        if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
      });
  }

  function init() {
    var board = document.getElementById("dispatch-board");
    if (!board) return;
    setUpDrag(board);
    setUpMap(board);
  }

  document.addEventListener("DOMContentLoaded", init);
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "dispatch-board") init();
  });
})();
