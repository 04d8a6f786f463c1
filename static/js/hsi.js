// Heaviness of Smoking Index shown as the PWP types. Mirrors the pure rule in
// apps/outcomes/scoring.py (heaviness_of_smoking_index); the server recomputes and stores it.
(function () {
  "use strict";
  var minutesInput = document.getElementById("id_minutes_to_first_cigarette");
  var perDayInput = document.getElementById("id_cigarettes_per_day");
  var out = document.getElementById("hsi-result");
  if (!minutesInput || !perDayInput || !out) { return; }

  function wholeNumber(input) {
    var text = input.value.trim();
    return /^\d+$/.test(text) ? parseInt(text, 10) : null;
  }

  function timeToFirstPoints(minutes) {
    if (minutes <= 5) { return 3; }
    if (minutes <= 30) { return 2; }
    if (minutes <= 60) { return 1; }
    return 0;
  }

  function cigarettePoints(perDay) {
    if (perDay <= 10) { return 0; }
    if (perDay <= 20) { return 1; }
    if (perDay <= 30) { return 2; }
    return 3;
  }

  function band(score) {
    if (score <= 1) { return "low"; }
    if (score <= 4) { return "medium"; }
    return "high";
  }

  function update() {
    var minutes = wholeNumber(minutesInput);
    var perDay = wholeNumber(perDayInput);
    if (minutes === null || perDay === null) {
      out.textContent = "Heaviness of Smoking Index: enter cigarettes per day and minutes to first cigarette.";
      return;
    }
    var score = timeToFirstPoints(minutes) + cigarettePoints(perDay);
    out.textContent = "Heaviness of Smoking Index: " + score + " of 6 (" + band(score) + " dependence)";
    out.dataset.hsi = String(score);
  }

  minutesInput.addEventListener("input", update);
  perDayInput.addEventListener("input", update);
  update();
})();
