// Small touches for every server-rendered form: one click submits once.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.submitted === "true") {
      if (form instanceof HTMLFormElement) { event.preventDefault(); }
      return;
    }
    form.dataset.submitted = "true";
    // Re-enable after a while in case the browser stays on the page (e.g. a download).
    window.setTimeout(function () { form.dataset.submitted = "false"; }, 8000);
  });
})();
