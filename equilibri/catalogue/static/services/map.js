/* Service catalogue maps (Leaflet). Reads the markers from a JSON block next to the map and the
   tile URL from data-tiles (empty: markers on a plain background). No inline script: CSP. */
(function () {
  "use strict";
  function init() {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-service-map]").forEach(function (el) {
      if (el.dataset.ready) { return; }
      var source = document.getElementById(el.dataset.markers);
      if (!source) { return; }
      var markers = JSON.parse(source.textContent || "[]");
      el.dataset.ready = "1";
      el.hidden = false;
      var map = L.map(el, { scrollWheelZoom: false });
      if (el.dataset.tiles) {
        L.tileLayer(el.dataset.tiles, {
          attribution: el.dataset.attribution || "",
          maxZoom: 18,
        }).addTo(map);
      }
      var points = [];
      markers.forEach(function (m) {
        var marker = L.marker([m.lat, m.lon], { title: m.name, alt: m.name, keyboard: true });
        var label = document.createElement(m.url ? "a" : "span");
        label.textContent = m.name;
        if (m.url) { label.href = m.url; }
        marker.bindPopup(label).addTo(map);
        points.push([m.lat, m.lon]);
      });
      if (points.length) {
        map.fitBounds(points, { maxZoom: 13, padding: [24, 24] });
      } else {
        map.setView([45.6, 9.7], 8);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
})();
