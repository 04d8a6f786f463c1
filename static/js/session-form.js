// Session form: attended-only parts hide for a DNA or cancellation, the BCT checklist follows
// the session type until the PWP changes it, and the quit date shows on quit-day sessions.
(function () {
  "use strict";
  var form = document.getElementById("session-form");
  var dataNode = document.getElementById("session-protocol");
  if (!form || !dataNode) { return; }
  var protocol = JSON.parse(dataNode.textContent);
  var attendedOnly = form.querySelector("[data-attended-only]");
  var typeSelect = document.getElementById("id_session_type");
  var numberInput = document.getElementById("id_number");
  var quitDate = form.querySelector("[data-quit-date]");
  var dateInput = document.getElementById("id_session_date");
  var quitDateInput = document.getElementById("id_quit_date_set");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[data-bct]"));
  var touched = boxes.some(function (box) { return box.dataset.bctTouched === "true"; });

  function attendance() {
    var checked = form.querySelector('input[name="attendance"]:checked');
    return checked ? checked.value : "attended";
  }

  function showAttended() {
    if (!attendedOnly) { return; }
    var attended = attendance() === "attended";
    attendedOnly.hidden = !attended;
    // Hidden parts are not sent: a DNA or cancellation stores only its date and status.
    Array.prototype.forEach.call(
      attendedOnly.querySelectorAll("input, select, textarea"),
      function (input) { input.disabled = !attended; }
    );
  }

  function showQuitDate() {
    if (!quitDate || !typeSelect) { return; }
    var type = typeSelect.value;
    quitDate.hidden = !(type === "quit_day" || type === "pre_quit");
    if (type === "quit_day" && quitDateInput && !quitDateInput.value && dateInput) {
      quitDateInput.value = dateInput.value;
    }
  }

  function tickExpected() {
    if (touched || !typeSelect) { return; }
    var expected = protocol.expected[typeSelect.value] || [];
    boxes.forEach(function (box) { box.checked = expected.indexOf(box.value) !== -1; });
  }

  boxes.forEach(function (box) {
    box.addEventListener("change", function () { touched = true; });
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "attendance") { showAttended(); }
  });
  if (typeSelect) {
    typeSelect.addEventListener("change", function () { tickExpected(); showQuitDate(); });
  }
  if (numberInput && typeSelect) {
    numberInput.addEventListener("change", function () {
      var number = parseInt(numberInput.value, 10);
      if (!isNaN(number)) {
        typeSelect.value = protocol.typeByNumber[number] || protocol.defaultType;
        tickExpected();
        showQuitDate();
      }
    });
  }
  var co = document.getElementById("id_co_ppm");
  var coOut = document.getElementById("co-result");
  function showCo() {
    if (!co || !coOut) { return; }
    var text = co.value.trim();
    if (!/^\d+$/.test(text)) { coOut.textContent = ""; return; }
    var ppm = parseInt(text, 10);
    if (ppm > 100) { coOut.textContent = "CO must be 0 to 100 ppm."; return; }
    var band = ppm >= 11 ? "smoker" : (ppm >= 7 ? "borderline" : "non-smoker");
    coOut.textContent = ppm + " ppm: " + band + (ppm < 10 ? " (verifies abstinence)" : "");
  }
  if (co) { co.addEventListener("input", showCo); }
  showAttended();
  showQuitDate();
  showCo();
})();
