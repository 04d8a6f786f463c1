// PHQ-9 and GAD-7 totals and severity as items are answered. Mirrors the bands in
// apps/outcomes/scoring.py; the server scores again and is the record.
(function () {
  "use strict";
  var BANDS = {
    phq9: { label: "PHQ-9", items: 9, bands: [[0, "minimal"], [5, "mild"], [10, "moderate"], [15, "moderately severe"], [20, "severe"]] },
    gad7: { label: "GAD-7", items: 7, bands: [[0, "minimal"], [5, "mild"], [10, "moderate"], [15, "severe"]] }
  };

  function severity(total, bands) {
    var label = bands[0][1];
    bands.forEach(function (band) { if (total >= band[0]) { label = band[1]; } });
    return label;
  }

  function update(prefix) {
    var spec = BANDS[prefix];
    var out = document.querySelector('[data-score-for="' + prefix + '"]');
    if (!spec || !out) { return; }
    var total = 0;
    var answered = 0;
    var item9 = null;
    for (var i = 1; i <= spec.items; i++) {
      var checked = document.querySelector('input[name="' + prefix + "_" + i + '"]:checked');
      if (checked) {
        answered += 1;
        total += parseInt(checked.value, 10);
        if (prefix === "phq9" && i === 9) { item9 = parseInt(checked.value, 10); }
      }
    }
    if (answered === 0) {
      out.textContent = spec.label + ": not answered yet.";
    } else if (answered < spec.items) {
      out.textContent = spec.label + ": " + answered + " of " + spec.items + " items answered (total so far " + total + "). Every item is needed.";
    } else {
      out.textContent = spec.label + " total " + total + ": " + severity(total, spec.bands);
    }
    out.dataset.total = answered === spec.items ? String(total) : "";
    var warning = document.querySelector('[data-risk-warning="' + prefix + '"]');
    if (warning) { warning.classList.toggle("d-none", !(item9 !== null && item9 > 0)); }
  }

  document.addEventListener("change", function (event) {
    var prefix = event.target && event.target.dataset ? event.target.dataset.questionnaire : null;
    if (prefix) { update(prefix); }
  });
  Object.keys(BANDS).forEach(update);
})();
