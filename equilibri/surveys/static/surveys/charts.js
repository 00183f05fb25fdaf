/* Survey results: each <canvas data-chart="ID"> is drawn as a bar chart from the JSON block with
   that id (<script type="application/json">, never executed). The table beside each chart holds
   the same figures, so the page is complete without JavaScript; a figure withheld for anonymity
   (null) is drawn as no bar. */
(function () {
  "use strict";
  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    if (!spec.labels.length) { return; }
    var box = canvas.closest("[data-chart-box]");
    if (box) {
      box.classList.remove("d-none");
      box.style.height = Math.max(200, 60 + spec.labels.length * 26) + "px"; /* CSSOM: CSP-safe */
    }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d) { return { label: d.label, data: d.data, backgroundColor: "#0066CC" }; })
      },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }
  function init() { Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
