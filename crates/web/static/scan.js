// songmaytinh: a barcode scanner types like a keyboard and ends each scan with Enter.
// Each scan is added to the list (and to the form's textarea), counted, and checked:
// a serial scanned twice, or already in the registry, beeps and is marked.
(function () {
  var audio = null;
  function beep(times) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      for (var i = 0; i < times; i++) {
        var o = audio.createOscillator(), g = audio.createGain();
        o.frequency.value = 880; o.type = "square"; g.gain.value = 0.15;
        o.connect(g); g.connect(audio.destination);
        var t = audio.currentTime + i * 0.22;
        o.start(t); o.stop(t + 0.15);
      }
    } catch (e) { /* no sound on this device: the red line still shows */ }
    if (navigator.vibrate) { navigator.vibrate(times > 1 ? [120, 80, 120] : 120); }
  }
  function norm(s) { return s.replace(/\s+/g, "").toUpperCase(); }
  function setup(box) {
    var input = box.querySelector("[data-scan-input]");
    var area = document.getElementById(box.getAttribute("data-target"));
    var list = box.querySelector("[data-scan-list]");
    var count = box.querySelector("[data-scan-count]");
    var status = box.querySelector("[data-scan-status]");
    var check = box.getAttribute("data-check-url");
    var seen = {};
    function recount() {
      var n = area.value.split("\n").filter(function (l) { return l.trim() !== ""; }).length;
      count.textContent = n;
    }
    function say(text, bad) {
      status.textContent = text;
      status.className = bad ? "scan-status bad" : "scan-status";
    }
    area.value.split("\n").forEach(function (l) { var s = norm(l.split(/[\t,;]/)[0] || ""); if (s) { seen[s] = true; } });
    recount();
    area.addEventListener("input", recount);
    input.addEventListener("keydown", function (e) {
      if (e.key !== "Enter") { return; }
      e.preventDefault();
      var s = norm(input.value);
      input.value = "";
      if (!s) { return; }
      if (seen[s]) {
        beep(2);
        say(box.getAttribute("data-msg-repeat").replace("{}", s), true);
        return;
      }
      seen[s] = true;
      area.value = (area.value && !/\n$/.test(area.value) ? area.value + "\n" : area.value) + s + "\n";
      recount();
      var li = document.createElement("li");
      var code = document.createElement("code");
      code.textContent = s;
      li.appendChild(code);
      list.insertBefore(li, list.firstChild);
      say(box.getAttribute("data-msg-added").replace("{}", s), false);
      if (check) {
        fetch(check + (check.indexOf("?") >= 0 ? "&" : "?") + "serial=" + encodeURIComponent(s), { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (j) {
            if (j && (j.known || j.refused)) {
              // Already in the registry (intake), or refused for these minutes (handover):
              // beep, mark it, and take it off the list (the whole list would be refused).
              beep(2);
              li.className = "bad";
              li.appendChild(document.createTextNode(" — " + j.message));
              say(s + " — " + j.message, true);
              area.value = area.value.split("\n").filter(function (l) { return norm(l.split(/[\t,;]/)[0] || "") !== s; }).join("\n");
              recount();
            }
          })
          .catch(function () {});
      }
    });
    input.focus();
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-scanner]"), setup);
  });
})();
