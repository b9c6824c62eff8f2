// 数据中心 charts: one line per metric from the JSON the page embeds. The same numbers are
// in the table below the chart, which is what screen readers and no-JS browsers use.
(function () {
  "use strict";
  var canvas = document.getElementById("stats-chart");
  var source = document.getElementById("stats-data");
  if (!canvas || !source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  // Colours with at least 3:1 contrast on white, told apart by dash pattern too.
  var colours = ["#c4302b", "#0b57a4", "#2e7d32", "#8e44ad", "#a15c00"];
  var dashes = [[], [6, 3], [2, 2], [10, 4, 2, 4], [4, 4]];
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.datasets.map(function (set, i) {
        return {
          label: set.label, data: set.data, borderColor: colours[i % colours.length],
          backgroundColor: colours[i % colours.length], borderDash: dashes[i % dashes.length],
          tension: 0, pointRadius: data.labels.length > 40 ? 0 : 2
        };
      })
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      interaction: { mode: "index", intersect: false },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
})();
