// django-prose-editor in the page's language, and its editable area named by the field's label.
// The strings come from the page (#prose-editor-strings, rendered from
// openhao/creators/editor_strings.py through Django's translation machinery). Loaded as a plain
// script before the editor's modules, because those read window.gettext when they load.
(function () {
  "use strict";

  var holder = document.getElementById("prose-editor-strings");
  var strings = holder ? JSON.parse(holder.textContent) : {};
  var has = Object.prototype.hasOwnProperty;

  function translate(text) {
    return has.call(strings, text) ? strings[text] : text;
  }

  // The editor's dialogs ("List properties", "Edit Link", ...) ask window.gettext.
  if (typeof window.gettext !== "function") window.gettext = translate;

  // The toolbar's titles and option texts are fixed English: retitle them as they are drawn.
  // The block-type picker redraws its current item as the selection moves, so keep watching.
  var ATTRIBUTES = ["title", "aria-label"];
  function localise(root) {
    var elements = [root].concat(Array.prototype.slice.call(root.querySelectorAll("*")));
    elements.forEach(function (el) {
      if (el.nodeType !== 1) return;
      ATTRIBUTES.forEach(function (name) {
        var value = el.getAttribute(name);
        if (value && has.call(strings, value)) el.setAttribute(name, strings[value]);
      });
      // Material icon buttons show their icon by a ligature ("format_bold"): not a label.
      if (el.classList.contains("material-icons")) return;
      Array.prototype.forEach.call(el.childNodes, function (node) {
        if (node.nodeType !== 3) return;
        var text = node.textContent.trim();
        if (text && has.call(strings, text)) node.textContent = strings[text];
      });
    });
  }

  function nameEditable(wrapper, textarea) {
    var editable = wrapper.querySelector(".ProseMirror[contenteditable]");
    var label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    if (!editable || !label) return;
    if (!label.id) label.id = textarea.id + "-label";
    editable.setAttribute("aria-labelledby", label.id);
    editable.setAttribute("aria-multiline", "true");
    // The label points at the hidden textarea; a click on it should reach the editor.
    label.addEventListener("click", function (event) {
      event.preventDefault();
      editable.focus();
    });
  }

  document.addEventListener("prose-editor:ready", function (event) {
    var textarea = event.detail.textarea;
    var wrapper = textarea.closest(".prose-editor") || textarea.parentElement;
    localise(wrapper);
    nameEditable(wrapper, textarea);
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        Array.prototype.forEach.call(record.addedNodes, function (node) {
          if (node.nodeType === 1) localise(node);
        });
      });
    }).observe(wrapper, { childList: true, subtree: true });
  });

  // Dialogs and pickers may be attached outside the editor (popovers, <dialog>).
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      Array.prototype.forEach.call(record.addedNodes, function (node) {
        if (node.nodeType === 1 && /prose|dialog/i.test(node.className + " " + node.tagName)) {
          localise(node);
        }
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
