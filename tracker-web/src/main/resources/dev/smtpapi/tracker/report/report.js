// The report page's only script (the Content-Security-Policy allows no inline script). It draws the chart of
// one campaign with Chart.js from the numbers the server put in the canvas's data-series attribute. Nothing
// here turns text into markup: Chart.js paints labels on the canvas.
'use strict';

document.addEventListener('DOMContentLoaded', function () {
  var canvas = document.getElementById('activity-chart');
  if (!canvas || typeof Chart === 'undefined') {
    return;
  }
  var series = JSON.parse(canvas.dataset.series);
  var chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels: series.labels,
      datasets: [
        { label: 'Opens', data: series.opens, backgroundColor: '#4e79a7' },
        { label: 'Clicks', data: series.clicks, backgroundColor: '#f28e2b' }
      ]
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { ticks: { autoSkip: true, maxRotation: 0 } },
        y: { beginAtZero: true, ticks: { precision: 0 } }
      },
      plugins: { legend: { position: 'bottom' } }
    }
  });
  canvas.dataset.drawn = String(chart.data.datasets.length);
});
