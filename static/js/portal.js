/* Behaviour shared by every page of the portal. No inline script or handler anywhere (CSP). */
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option sends its form (the language switch).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
(function () {
  "use strict";
  // A form came back with errors: move the focus to its summary, so a screen reader reads it
  // first and the keyboard starts there; each item links to its field.
  var summary = document.querySelector(".form-errors[data-focus-on-load]");
  if (summary) { summary.focus(); }
})();
