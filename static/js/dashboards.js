// Feasibility dashboard: draws each chart from the figures in its table view, and shows the
// progress of a "refresh now" build. Without JavaScript the tables carry every figure.
(function () {
  "use strict";

  var COLOURS = ["#005eb8", "#d5281b", "#007f3b", "#7c2855", "#ffb81c", "#330072"];
  var TRACK = "#d8dde0";

  function dataset(d, colour, bullet) {
    if (d.track) {
      // The bullet's track: what is available, drawn full width behind the bars on it.
      return {
        type: "bar", label: d.label, data: d.data, backgroundColor: TRACK,
        borderColor: "#aeb7bd", borderWidth: 1, grouped: false,
        barPercentage: 1, categoryPercentage: 0.9, order: 2
      };
    }
    return {
      type: d.type,
      label: d.label,
      // On a bullet a zero is no bar at all, not the shortest bar.
      data: bullet ? d.data.map(function (v) { return v === 0 ? null : v; }) : d.data,
      backgroundColor: d.type === "line" ? "transparent" : colour,
      borderColor: colour,
      borderWidth: 2,
      borderDash: d.dotted ? [2, 3] : d.dashed ? [6, 4] : [],
      pointRadius: d.type === "line" ? 0 : undefined,
      // A few minutes against a working week must still show as a bar.
      minBarLength: bullet ? 3 : undefined,
      categoryPercentage: bullet ? 0.55 : undefined,
      order: d.type === "line" ? 0 : 1
    };
  }

  function valueScale(spec) {
    if (spec.percent) {
      return { beginAtZero: true, max: 100, title: { display: true, text: "%" } };
    }
    var scale = { beginAtZero: true };
    if (spec.axis_title) { scale.title = { display: true, text: spec.axis_title }; }
    return scale;
  }

  function drawCharts() {
    var node = document.getElementById("dashboard-charts");
    if (!node || typeof window.Chart === "undefined") { return; }
    var charts = JSON.parse(node.textContent);
    Object.keys(charts).forEach(function (key) {
      var canvas = document.getElementById("chart-" + key);
      if (!canvas) { return; }
      var spec = charts[key];
      var bullet = spec.datasets.some(function (d) { return d.track; });
      var colourIndex = 0;
      var datasets = spec.datasets.map(function (d) {
        var colour = d.track ? TRACK : d.colour || COLOURS[colourIndex++ % COLOURS.length];
        return dataset(d, colour, bullet);
      });
      // Sized once from its box: a resize observer would redraw mid-print or mid-screenshot.
      var width = canvas.parentNode.clientWidth || 600;
      canvas.width = width;
      canvas.height = spec.horizontal
        ? Math.max(160, 48 * spec.labels.length + 90)
        : Math.round(width / 2.5);
      var scales = spec.horizontal
        ? { x: valueScale(spec), y: { grid: { display: false } } }
        : { y: valueScale(spec) };
      new window.Chart(canvas, {
        type: "bar",
        data: { labels: spec.labels, datasets: datasets },
        options: {
          responsive: false,
          animation: false,
          indexAxis: spec.horizontal ? "y" : "x",
          scales: scales,
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
