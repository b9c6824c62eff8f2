// Countdown on the campaign page: progressive enhancement of the printed end time.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick(el) {
    var end = Date.parse(el.getAttribute("data-countdown"));
    if (isNaN(end)) { return; }
    var left = Math.max(0, Math.floor((end - Date.now()) / 1000));
    var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600);
    var m = Math.floor(left % 3600 / 60), s = left % 60;
    el.textContent = (el.getAttribute("data-label") || "") + d + "天" + pad(h) + ":" + pad(m) + ":" + pad(s);
    if (left > 0) { setTimeout(function () { tick(el); }, 1000); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var els = document.querySelectorAll("[data-countdown]");
    for (var i = 0; i < els.length; i++) { tick(els[i]); }
  });
})();
