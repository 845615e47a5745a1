/* Event filter search (participant and registration lists): typing in the "Esemény keresése"
 * box refills the info-day and course selects from the portal's own JSON search
 * (participants:event_search, scoped to the user). Without JavaScript the typed text is sent
 * with the form and filters on the server. No inline script, no other host (CSP). */
(function () {
  "use strict";
  var input = document.querySelector("input[data-event-search]");
  if (!input || !window.fetch) { return; }
  var selects = document.querySelectorAll("select[data-event-kind]");
  var timer = null;
  var generation = 0;

  function refill(select, results) {
    var keep = select.value;
    var first = select.options[0];
    var chosen = keep ? select.options[select.selectedIndex] : null;
    while (select.options.length) { select.remove(0); }
    select.add(first);
    if (chosen) { select.add(chosen); }
    results.forEach(function (item) {
      if (String(item.id) === keep) { return; }
      select.add(new Option(item.text, item.id));
    });
    select.value = keep;
  }

  function search() {
    var mine = ++generation;
    selects.forEach(function (select) {
      var url = select.getAttribute("data-event-search-url") + "?kind=" +
        encodeURIComponent(select.getAttribute("data-event-kind")) + "&q=" + encodeURIComponent(input.value);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (mine === generation) { refill(select, data.results || []); } })
        .catch(function () { /* the plain text filter still works on submit */ });
    });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 250);
  });
})();
