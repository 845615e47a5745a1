// Signature pad for the register page: pointer (mouse, pen, touch) strokes on a canvas,
// sent as points in pad coordinates (the canvas's own width × height); the server draws the SVG.
(function () {
  "use strict";
  var canvas = document.getElementById("signature-pad");
  var form = document.getElementById("signature-form");
  var field = document.getElementById("strokes");
  if (!canvas || !form || !field) return;
  var ctx = canvas.getContext("2d");
  var strokes = [];
  var current = null;
  ctx.lineWidth = 3;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.strokeStyle = "#111111";

  function point(event) {
    var rect = canvas.getBoundingClientRect();
    var x = (event.clientX - rect.left) * canvas.width / rect.width;
    var y = (event.clientY - rect.top) * canvas.height / rect.height;
    x = Math.max(0, Math.min(canvas.width, x));
    y = Math.max(0, Math.min(canvas.height, y));
    return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    var p = point(event);
    current = [p];
    strokes.push(current);
    ctx.beginPath();
    ctx.moveTo(p[0], p[1]);
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!current) return;
    event.preventDefault();
    var p = point(event);
    current.push(p);
    ctx.lineTo(p[0], p[1]);
    ctx.stroke();
  });
  function end() { current = null; }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  document.getElementById("signature-clear").addEventListener("click", function () {
    strokes = [];
    ctx.clearRect(0, 0, canvas.width, canvas.height);
  });
  form.addEventListener("submit", function () {
    field.value = JSON.stringify(strokes);
  });
})();
