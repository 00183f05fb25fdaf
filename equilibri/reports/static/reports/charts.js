/* Dashboard charts: each <canvas data-chart="ID"> is drawn from the JSON data block with that id
   (<script type="application/json">, never executed). The tables beside each chart hold the same
   figures, so the page is complete without JavaScript: the charts are shown only once drawn. */
(function () {
  "use strict";
  var PALETTE = ["#0066CC", "#5C6F82", "#008055", "#995C00"];
  var GENDER = ["#995C00", "#0066CC"];

  function formatter(percent) {
    var lang = document.documentElement.lang || "it";
    var number = new Intl.NumberFormat(lang, { maximumFractionDigits: percent ? 1 : 2 });
    return function (value) {
      return value === null || value === undefined ? "—" : number.format(value) + (percent ? " %" : "");
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    if (!spec.labels.length) { return; }
    var format = formatter(spec.percent);
    var doughnut = spec.type === "doughnut";
    var datasets = spec.datasets.map(function (dataset, index) {
      return {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: doughnut ? GENDER : PALETTE[index % PALETTE.length]
      };
    });
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: doughnut || datasets.length > 1 },
        tooltip: {
          callbacks: {
            label: function (context) {
              var value = doughnut ? context.parsed : (spec.horizontal ? context.parsed.x : context.parsed.y);
              return (context.dataset.label ? context.dataset.label + ": " : "") + format(value);
            }
          }
        }
      }
    };
    if (!doughnut) {
      options.indexAxis = spec.horizontal ? "y" : "x";
      var valueAxis = { beginAtZero: true, ticks: { callback: function (value) { return format(value); } } };
      var labelAxis = {
        ticks: {
          callback: function (value) {
            var label = this.getLabelForValue(value);
            return label.length > 32 ? label.slice(0, 31) + "…" : label;
          }
        }
      };
      options.scales = spec.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis };
    }
    var box = canvas.closest("[data-chart-box]");
    if (box) {
      box.classList.remove("d-none");
      if (spec.horizontal) {
        // CSSOM (not a style attribute): allowed by the CSP. One row per label and dataset.
        box.style.height = Math.max(240, 80 + spec.labels.length * datasets.length * 22) + "px";
      }
    }
    new window.Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
