// Screening form: show the reason list that applies (not eligible, or eligible but declined).
(function () {
  "use strict";
  var form = document.getElementById("screening-form");
  if (!form) { return; }
  var criteria = ["aged_18_or_over", "smokes_daily", "has_depression_or_anxiety", "starting_talking_therapies", "wants_help_to_quit"];
  var exclusion = document.getElementById("exclusion-section");
  var decline = document.getElementById("decline-section");

  function value(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }

  function update() {
    var answers = criteria.map(value);
    var anyNo = answers.indexOf("no") !== -1;
    var allYes = answers.every(function (a) { return a === "yes"; });
    exclusion.hidden = !anyNo;
    decline.hidden = !allYes;
    var declineReason = document.getElementById("div_id_decline_reason");
    if (declineReason) { declineReason.hidden = value("declined") !== "yes"; }
  }

  form.addEventListener("change", update);
  update();
})();
