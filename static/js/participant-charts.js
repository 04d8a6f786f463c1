// Participant charts: PHQ-9/GAD-7 with caseness lines and CO with the 10 ppm line.
// The same values are in the tables under each chart.
(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  if (!node || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);

  function points(series) {
    return series.map(function (p) { return { x: p.x, y: p.value }; });
  }

  function threshold(label, value, days, colour) {
    return {
      label: label,
      data: days.length ? [{ x: days[0], y: value }, { x: days[days.length - 1], y: value }] : [],
      borderColor: colour,
      borderDash: [6, 4],
      borderWidth: 2,
      pointRadius: 0,
      fill: false,
      spanGaps: true
    };
  }

  var mood = document.getElementById("mood-chart");
  if (mood) {
    var moodDays = data.mood_labels;
    new window.Chart(mood, {
      type: "line",
      data: {
        labels: moodDays,
        datasets: [
          { label: "PHQ-9", data: points(data.phq9), borderColor: "#005eb8", backgroundColor: "#005eb8", spanGaps: true },
          { label: "GAD-7", data: points(data.gad7), borderColor: "#7c2855", backgroundColor: "#7c2855", spanGaps: true },
          threshold("PHQ-9 caseness (10)", 10, moodDays, "#005eb8"),
          threshold("GAD-7 caseness (8)", 8, moodDays, "#7c2855")
        ]
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { min: 0, max: 27, title: { display: true, text: "Total score" } } }
      }
    });
  }

  var co = document.getElementById("co-chart");
  if (co) {
    var coDays = data.co_labels;
    new window.Chart(co, {
      type: "line",
      data: {
        labels: coDays,
        datasets: [
          { label: "CO (ppm)", data: points(data.co), borderColor: "#212b32", backgroundColor: "#212b32", spanGaps: true },
          threshold("10 ppm: abstinence verified below", 10, coDays, "#b30000")
        ]
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { min: 0, suggestedMax: 30, title: { display: true, text: "ppm" } } }
      }
    });
  }
})();
