// Heard dashboard: draws the charts whose specs the server put in #chart-data (a JSON data block,
// never executed). No inline script anywhere: the Content-Security-Policy forbids it.
"use strict";
(function () {
  function draw() {
    var block = document.getElementById("chart-data");
    if (!block || typeof Plotly === "undefined") { return; }
    var specs;
    try { specs = JSON.parse(block.textContent || "[]"); } catch (e) { return; }
    specs.forEach(function (spec) {
      var el = document.getElementById(spec.id);
      if (!el) { return; }
      Plotly.newPlot(el, spec.data, spec.layout, { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["toImage"] });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
