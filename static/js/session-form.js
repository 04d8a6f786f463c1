// Session form: attended-only parts hide for a DNA or cancellation, the "expected" marks on the
// BCT checklist follow the session type (nothing is ever ticked for the PWP), and the quit date
// shows on quit-day sessions. The expected BCTs and CO bands come from the server's rules.
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
  var marks = Array.prototype.slice.call(form.querySelectorAll("[data-bct-expected]"));

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

  function markExpected() {
    if (!typeSelect) { return; }
    var expected = protocol.expected[typeSelect.value] || [];
    marks.forEach(function (mark) {
      mark.hidden = expected.indexOf(mark.dataset.bctExpected) === -1;
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "attendance") { showAttended(); }
  });
  if (typeSelect) {
    typeSelect.addEventListener("change", function () { markExpected(); showQuitDate(); });
  }
  if (numberInput && typeSelect) {
    numberInput.addEventListener("change", function () {
      var number = parseInt(numberInput.value, 10);
      if (!isNaN(number)) {
        typeSelect.value = protocol.typeByNumber[number] || protocol.defaultType;
        markExpected();
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
    var rule = protocol.co;
    if (ppm > rule.max) { coOut.textContent = "CO must be 0 to " + rule.max + " ppm."; return; }
    var band = ppm >= rule.smokerFrom ? rule.labels.smoker
      : (ppm >= rule.borderlineFrom ? rule.labels.borderline : rule.labels.nonSmoker);
    coOut.textContent = ppm + " ppm: " + band
      + (ppm < rule.verifiedBelow ? ", verifies abstinence" : ", does not verify abstinence");
  }
  if (co) { co.addEventListener("input", showCo); }
  showAttended();
  showQuitDate();
  showCo();
})();
