// songmaytinh: a signature drawn on the screen with signature_pad (vendored, MIT). On
// submit, the strokes' points go in the form as JSON ({w, h, strokes: [[[x, y], …], …]});
// the server draws the kept SVG and PNG from them itself.
(function () {
  function setup(box) {
    var canvas = box.querySelector("[data-sign-pad]");
    var value = box.querySelector("[data-sign-value]");
    var clear = box.querySelector("[data-sign-clear]");
    var form = box.closest("form");
    if (!canvas || !window.SignaturePad) { return; }
    var pad = new window.SignaturePad(canvas, { minWidth: 1, maxWidth: 2.5, penColor: "#000" });
    function fit() {
      // Sharp on high-density screens: the bitmap is the CSS size times the pixel ratio.
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var data = pad.toData();
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      if (data.length) { pad.fromData(data); }
    }
    window.addEventListener("resize", fit);
    fit();
    clear.addEventListener("click", function () { pad.clear(); value.value = ""; });
    form.addEventListener("submit", function () {
      if (pad.isEmpty()) { value.value = ""; return; }
      var strokes = pad.toData().map(function (g) {
        return g.points.map(function (p) { return [Math.round(p.x), Math.round(p.y)]; });
      });
      value.value = JSON.stringify({ w: canvas.offsetWidth, h: canvas.offsetHeight, strokes: strokes });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-sign]"), setup);
  });
})();
