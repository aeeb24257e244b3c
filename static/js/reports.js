// Charts of the reports pages (Chart.js, vendored). Each <canvas data-chart="ID"> reads its data from the
// <script type="application/json" id="ID"> beside it; the same numbers are in the data table below each chart,
// so the page reads fine without this file. Runs on load and after htmx swaps in a report (drill-down).
(function () {
  const percent = (v) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);

  function build(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    // A canvas already drawn is left alone (charts are never destroyed: Chart.js would write a style attribute
    // back, which the CSP refuses); a swapped-out canvas goes with its chart.
    if (!source || typeof Chart === "undefined" || canvas.dataset.drawn) return;
    canvas.dataset.drawn = "1";
    const spec = JSON.parse(source.textContent);
    let config;
    const yPercent = { beginAtZero: true, ticks: { callback: (v) => v + "%" } };
    if (spec.kind === "step") {
      config = {
        type: "line",
        data: {
          datasets: spec.curves.map((c) => ({
            label: c.label,
            stepped: true,
            pointRadius: 0,
            data: c.points.map((p) => ({ x: p.days, y: percent(p.survival) })),
          })),
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          scales: { x: { type: "linear", title: { display: true, text: spec.x_title || "" } }, y: { ...yPercent, max: 100 } },
        },
      };
    } else {
      config = {
        type: spec.kind === "bar" ? "bar" : "line",
        data: {
          labels: spec.labels,
          datasets: spec.series.map((s) => ({ label: s.label, data: s.data.map(spec.percent ? percent : (v) => v) })),
        },
        options: { animation: false, maintainAspectRatio: false, scales: { y: spec.percent ? yPercent : { beginAtZero: true } } },
      };
    }
    new Chart(canvas, config);
  }

  function buildAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(build);
  }

  // htmx runs this file again when a history restore swaps the whole body in: listen once only.
  if (window.talentReportCharts) {
    buildAll();
    return;
  }
  window.talentReportCharts = true;
  document.addEventListener("htmx:after:swap", buildAll);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", buildAll);
  else buildAll();
})();
