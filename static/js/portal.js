/* Behaviour shared by every page of the portal. No inline script or handler anywhere (CSP). */
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option sends its form (the language switch).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
