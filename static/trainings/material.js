// "Larger text" toggle for the learning material; remembered on this device. Works with the keyboard (a real button).
(function () {
  var root = document.documentElement;
  var button = document.getElementById("text-size");
  var KEY = "menet-material-large-text";
  function apply(on) {
    root.classList.toggle("text-large", on);
    if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  try { apply(localStorage.getItem(KEY) === "1"); } catch (e) { /* storage may be blocked */ }
  if (!button) return;
  button.addEventListener("click", function () {
    var on = !root.classList.contains("text-large");
    apply(on);
    try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* ignore */ }
  });
})();
