// Exports page: while an export is queued or running, poll its status and reload when done.
(function () {
  "use strict";
  var rows = document.querySelectorAll("#export-log tr[data-status]");
  var pending = Array.prototype.filter.call(rows, function (row) {
    var s = row.getAttribute("data-status");
    return s === "queued" || s === "running";
  });
  if (!pending.length) { return; }
  function poll() {
    Promise.all(pending.map(function (row) {
      return fetch(row.getAttribute("data-status-url"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (state) {
          var bar = row.querySelector("progress");
          if (bar) { bar.value = state.progress || 0; }
          return state.status === "ready" || state.status === "failed";
        });
    })).then(function (done) {
      if (done.some(Boolean)) { window.location.reload(); } else { window.setTimeout(poll, 1500); }
    }).catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
