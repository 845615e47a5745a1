/* Registration list: tick all rows of the page, count the ticked ones, show only the fields the
   chosen bulk action needs. Without script everything is shown and the server checks it all. */
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  if (!form) { return; }
  var all = document.getElementById("bulk-all");
  var rows = Array.prototype.slice.call(document.querySelectorAll("input.bulk-row"));
  var count = document.getElementById("bulk-count");
  var action = form.querySelector("select[name=action]") || document.querySelector("select[name=action][form=bulk-form]");
  function update() {
    var n = rows.filter(function (r) { return r.checked; }).length;
    count.textContent = n ? "(" + n + ")" : "";
    if (all) {
      all.checked = n > 0 && n === rows.length;
      all.indeterminate = n > 0 && n < rows.length;
    }
  }
  if (all) {
    all.addEventListener("change", function () {
      rows.forEach(function (r) { r.checked = all.checked; });
      update();
    });
  }
  rows.forEach(function (r) { r.addEventListener("change", update); });
  function showFields() {
    var chosen = action ? action.value : "";
    document.querySelectorAll("[data-bulk-for]").forEach(function (box) {
      box.hidden = chosen !== "" && box.getAttribute("data-bulk-for") !== chosen;
    });
  }
  if (action) { action.addEventListener("change", showFields); showFields(); }
  update();
})();
