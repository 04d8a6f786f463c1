// Feasibility dashboard: draws each chart from the figures in its table view, and shows the
// progress of a "refresh now" build. Without JavaScript the tables carry every figure.
(function () {
  "use strict";

  var COLOURS = ["#005eb8", "#d5281b", "#007f3b", "#7c2855", "#ffb81c", "#330072"];

  function drawCharts() {
    var node = document.getElementById("dashboard-charts");
    if (!node || typeof window.Chart === "undefined") { return; }
    var charts = JSON.parse(node.textContent);
    Object.keys(charts).forEach(function (key) {
      var canvas = document.getElementById("chart-" + key);
      if (!canvas) { return; }
      var spec = charts[key];
      var datasets = spec.datasets.map(function (d, i) {
        var colour = COLOURS[i % COLOURS.length];
        return {
          type: d.type,
          label: d.label,
          data: d.data,
          backgroundColor: d.type === "line" ? "transparent" : colour,
          borderColor: colour,
          borderWidth: 2,
          borderDash: d.dashed ? [6, 4] : [],
          pointRadius: d.type === "line" ? 0 : undefined,
          order: d.type === "line" ? 0 : 1
        };
      });
      // Sized once from its box: a resize observer would redraw mid-print or mid-screenshot.
      var width = canvas.parentNode.clientWidth || 600;
      canvas.width = width;
      canvas.height = Math.round(width / 2.5);
      new window.Chart(canvas, {
        type: "bar",
        data: { labels: spec.labels, datasets: datasets },
        options: {
          responsive: false,
          animation: false,
          scales: {
            y: spec.percent
              ? { beginAtZero: true, max: 100, title: { display: true, text: "%" } }
              : { beginAtZero: true }
          },
          plugins: { legend: { position: "bottom" } }
        }
      });
    });
  }

  function watchRefresh() {
    var section = document.getElementById("snapshot");
    if (!section) { return; }
    var box = document.getElementById("refresh-progress");
    var bar = document.getElementById("refresh-bar");
    var label = document.getElementById("refresh-percent");
    var url = section.getAttribute("data-status-url");
    var startedWith = null;

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (state) {
          if (startedWith === null) { startedWith = state.latest_finished_at; }
          if (state.building) {
            box.classList.remove("d-none");
            bar.value = state.progress || 0;
            label.textContent = (state.progress || 0) + "%";
            window.setTimeout(poll, 1500);
          } else if (state.latest_finished_at !== startedWith) {
            window.location.reload();
          } else if (!box.classList.contains("d-none")) {
            window.location.reload();
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }

    var form = document.getElementById("refresh-form");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      fetch(form.action, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      }).then(function () {
        box.classList.remove("d-none");
        poll();
      });
    });
    if (section.getAttribute("data-building") === "true") { poll(); }
  }

  drawCharts();
  watchRefresh();
}());
