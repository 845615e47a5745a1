// Shows the organisation fields only for nonprofit and business participants, and only the
// organisation kinds of the chosen group. Without JavaScript every field stays visible and the
// server checks the same rules.
(function () {
  "use strict";
  var form = document.getElementById("participant-form");
  if (!form) { return; }
  var group = form.querySelector("[name=target_group]");
  var box = document.getElementById("organisation-fields");
  var kind = form.querySelector("[name=organisation_kind]");
  var size = form.querySelector("[name=size_band]");
  var kinds = {
    nonprofit: ["association", "foundation", "nonprofit_other"],
    business: ["sole_trader", "company", "business_other"]
  };
  function update() {
    var value = group.value;
    var hasOrganisation = value === "nonprofit" || value === "business";
    box.hidden = !hasOrganisation;
    if (!hasOrganisation) { return; }
    Array.prototype.forEach.call(kind.options, function (option) {
      var fits = option.value === "" || kinds[value].indexOf(option.value) !== -1;
      option.hidden = !fits;
      option.disabled = !fits;
      if (!fits && option.selected) { kind.value = ""; }
    });
    var sizeWrapper = size.closest(".mb-3") || size.parentElement;
    sizeWrapper.hidden = value !== "business";
  }
  group.addEventListener("change", update);
  update();
})();
