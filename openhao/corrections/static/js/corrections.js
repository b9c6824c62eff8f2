// 纠错 on a selected passage: progressive enhancement of the plain 纠错 link under the article
// (which opens the form without a passage). Selecting text in the body shows a 纠错 button
// next to it; the button is the same link with ?passage= filled from the selection. Served as
// a static file (no inline script: the page is cached and the CSP allows no inline code).
(function () {
  "use strict";

  var MAX = 300;

  function init() {
    var body = document.getElementById("article-body");
    var link = document.querySelector("a.suggest-link[data-suggest-url]");
    if (!body || !link) return;
    var button = document.createElement("a");
    button.className = "suggest-float";
    button.textContent = link.dataset.floatLabel || "纠错";
    button.setAttribute("role", "button");
    button.hidden = true;
    document.body.appendChild(button);

    function selectedPassage() {
      var selection = window.getSelection();
      if (!selection || selection.isCollapsed || !selection.rangeCount) return "";
      var range = selection.getRangeAt(0);
      if (!body.contains(range.commonAncestorContainer)) return "";
      return selection.toString().replace(/\s+/g, " ").trim().slice(0, MAX);
    }

    function update() {
      var passage = selectedPassage();
      if (passage.length < 2) {
        button.hidden = true;
        return;
      }
      var rect = window.getSelection().getRangeAt(0).getBoundingClientRect();
      button.href = link.dataset.suggestUrl + "?passage=" + encodeURIComponent(passage);
      button.style.top = window.scrollY + rect.bottom + 6 + "px";
      button.style.left = window.scrollX + Math.max(rect.left, 8) + "px";
      button.hidden = false;
    }

    // After the selection settles (mouse, touch or keyboard), not on every change.
    var timer = null;
    document.addEventListener("selectionchange", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 250);
    });
    // Keyboard readers: after selecting with Shift+arrows, Alt+J moves focus to the button.
    document.addEventListener("keydown", function (event) {
      if (event.altKey && (event.key === "j" || event.key === "J") && !button.hidden) {
        event.preventDefault();
        button.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
