// Charts of the reports pages (Chart.js, vendored). Each <canvas data-chart="ID"> reads its data from the
// <script type="application/json" id="ID"> beside it; the same numbers are in the data table below each chart,
// so the page reads fine without this file. Runs on load and after htmx swaps in a report (drill-down).
(function () {
  const charts = new Map();
  const percent = (v) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);

  function build(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") return;
    const spec = JSON.parse(source.textContent);
    const previous = charts.get(canvas.dataset.chart);
    if (previous) previous.destroy();
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
          scales: { x: { type: "linear", title: { display: true, text: "days" } }, y: { ...yPercent, max: 100 } },
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
    charts.set(canvas.dataset.chart, new Chart(canvas, config));
  }

  function buildAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(build);
  }

  document.addEventListener("DOMContentLoaded", buildAll);
  document.addEventListener("htmx:after:swap", buildAll);
  if (document.readyState !== "loading") buildAll();
})();
