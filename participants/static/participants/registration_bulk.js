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

  // The move target: typing in its search box refills the select from the portal's own JSON
  // (participants:event_search?kind=target, scoped); without script the box is a GET search.
  var targetSearch = document.querySelector("input[data-bulk-target-search]");
  var target = document.querySelector("select[name=to_event]");
  if (targetSearch && target && window.fetch) {
    var timer = null;
    var generation = 0;
    var refill = function (results) {
      var keep = target.value;
      var chosen = keep ? target.options[target.selectedIndex] : null;
      var first = target.options[0];
      while (target.firstChild) { target.removeChild(target.firstChild); }
      target.appendChild(first);
      var groups = {};
      if (chosen && chosen !== first) { target.appendChild(chosen); }
      results.forEach(function (item) {
        if (item.id === keep) { return; }
        if (!groups[item.group]) {
          groups[item.group] = document.createElement("optgroup");
          groups[item.group].label = item.group;
          target.appendChild(groups[item.group]);
        }
        groups[item.group].appendChild(new Option(item.text, item.id));
      });
      target.value = keep;
    };
    var search = function () {
      var mine = ++generation;
      var url = targetSearch.getAttribute("data-bulk-target-search") + "?kind=target&q=" +
        encodeURIComponent(targetSearch.value);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (mine === generation) { refill(data.results || []); } })
        .catch(function () { /* the search button still works */ });
    };
    targetSearch.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
    });
  }
})();
