/* The archived report's page: follow a background render until it is done (templates/reports/documents/detail.html). */
(function () {
  "use strict";
  var box = document.getElementById("report-progress");
  if (!box || box.hidden) return;
  var bar = document.getElementById("report-progress-bar");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      bar.style.width = s.progress + "%";
      bar.textContent = s.progress + "%";
      bar.parentElement.setAttribute("aria-valuenow", s.progress);
      document.getElementById("report-status-label").textContent = s.status_label;
      // Done, failed, or not queued at all (the background service was down): the page says which.
      if (s.status === "done" || s.status === "failed" || s.queued === false) { window.location.reload(); return; }
      setTimeout(poll, 1000);
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
