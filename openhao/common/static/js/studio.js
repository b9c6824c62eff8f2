// Studio editor enhancements: image upload into the editor and autosave. Without JavaScript
// the form still saves, previews and publishes, and images upload on their own page.
(function () {
  "use strict";
  // Loaded before the editor's modules (not deferred) so that this listener is in place when
  // the editor announces itself; everything else waits for the document.
  var editors = [];
  document.addEventListener("prose-editor:ready", function (event) {
    editors.push(event.detail);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }

  function setUp() {
  var form = document.querySelector("form.editor-form");
  if (!form) return;
  function currentEditor() {
    for (var i = 0; i < editors.length; i++) {
      if (editors[i].textarea.form === form) return editors[i].editor;
    }
    return null;
  }
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var status = form.querySelector(".autosave-status");
  var uploadStatus = form.querySelector(".upload-status");
  var AUTOSAVE_MS = 30000;
  var dirty = false;
  var submitting = false;
  var saving = false;

  // --- image upload -----------------------------------------------------------------------
  var tools = form.querySelector(".upload-js");
  if (tools && window.fetch && window.FormData) {
    tools.hidden = false;
    tools.querySelector(".insert-image").addEventListener("click", function () {
      var file = tools.querySelector("input[type=file]").files[0];
      var altInput = tools.querySelector("#body-image-alt");
      var alt = altInput.value.trim();
      if (!file) { uploadStatus.textContent = "请先选择图片。"; return; }
      if (!alt) { uploadStatus.textContent = "请填写图片说明（替代文字），再上传。"; altInput.focus(); return; }
      var data = new FormData();
      data.append("image", file);
      data.append("csrfmiddlewaretoken", csrf);
      uploadStatus.textContent = "正在上传…";
      fetch(form.dataset.uploadUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrf }
      }).then(function (response) {
        return response.json().then(function (json) { return { ok: response.ok, json: json }; });
      }).then(function (result) {
        if (!result.ok) { uploadStatus.textContent = result.json.error || "上传失败。"; return; }
        var img = { type: "image", attrs: { src: result.json.url, alt: alt } };
        var editor = currentEditor();
        if (editor) {
          editor.chain().focus().insertContent({ type: "figure", content: [img] }).run();
        } else {
          var textarea = form.querySelector("[name=body_html]");
          var tag = document.createElement("img");
          tag.src = result.json.url; tag.alt = alt;
          textarea.value += "<figure>" + tag.outerHTML + "</figure>";
        }
        dirty = true;
        altInput.value = "";
        tools.querySelector("input[type=file]").value = "";
        uploadStatus.textContent = "图片已插入。";
      }).catch(function () { uploadStatus.textContent = "上传失败，请检查网络后重试。"; });
    });
  }

  // --- references: one more row without a round trip --------------------------------------
  var refs = form.querySelector(".references-set");
  var addRow = refs && refs.querySelector(".add-reference");
  if (addRow) {
    addRow.hidden = false;
    addRow.addEventListener("click", function () {
      var total = refs.querySelector("[name=refs-TOTAL_FORMS]");
      var max = parseInt(refs.querySelector("[name=refs-MAX_NUM_FORMS]").value, 10);
      var rows = refs.querySelectorAll(".reference-row");
      var n = parseInt(total.value, 10);
      if (n >= max) { addRow.disabled = true; return; }
      var row = rows[rows.length - 1].cloneNode(true);
      row.querySelectorAll("[id], [for], [name]").forEach(function (el) {
        ["id", "for", "name"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(/refs-\d+-/, "refs-" + n + "-"));
        });
        if (el.tagName === "INPUT") el.value = "";
      });
      row.querySelectorAll(".error").forEach(function (el) { el.remove(); });
      rows[rows.length - 1].after(row);
      total.value = n + 1;
      row.querySelector("input").focus();
    });
  }

  // --- autosave ---------------------------------------------------------------------------
  function payload() {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("title", form.querySelector("[name=title]").value);
    data.append("body_html", form.querySelector("[name=body_html]").value);
    data.append("channel", form.querySelector("[name=channel]").value);
    return data;
  }

  // A new article becomes a draft only once a title or some body text is typed (the server
  // refuses to make an empty one too): an image uploaded first stays in the editor until then.
  function nothingTyped() {
    if (form.dataset.draftId) return false;
    var title = form.querySelector("[name=title]").value.trim();
    var body = form.querySelector("[name=body_html]").value
      .replace(/<[^>]*>/g, "").replace(/&nbsp;/g, "").replace(/\s+/g, "");
    return !title && !body;
  }

  function adopt(json) {
    if (!json.id) return;  // nothing typed yet: still no draft
    // A new article became a draft: keep saving into it and submit the form to it.
    form.dataset.draftId = json.id;
    form.dataset.autosaveUrl = json.autosave_url;
    if (form.getAttribute("action") !== json.edit_url) {
      form.setAttribute("action", json.edit_url);
      if (window.history && history.replaceState) history.replaceState(null, "", json.edit_url);
    }
  }

  function save() {
    if (!dirty || saving || submitting || !window.fetch) return;
    if (nothingTyped()) { dirty = false; return; }
    saving = true;
    dirty = false;
    fetch(form.dataset.autosaveUrl, {
      method: "POST", body: payload(), credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (json) {
      adopt(json);
      if (json.saved_at) status.textContent = "已自动保存 " + json.saved_at;
    }).catch(function () {
      dirty = true;
      status.textContent = "自动保存失败，请手动保存。";
    }).then(function () { saving = false; });
  }

  function saveOnLeave() {
    if (!dirty || submitting || nothingTyped()) return;
    dirty = false;
    if (navigator.sendBeacon) navigator.sendBeacon(form.dataset.autosaveUrl, payload());
  }

  // Choosing an image or typing its caption is not an edit of the article (the inserted image
  // is, and marks the form dirty itself).
  function edited(event) {
    if (!(event.target.closest && event.target.closest(".image-tools"))) dirty = true;
  }
  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  form.addEventListener("submit", function () { submitting = true; });
  setInterval(save, AUTOSAVE_MS);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") saveOnLeave();
  });
  window.addEventListener("pagehide", saveOnLeave);
  window.studioAutosave = save;  // lets the browser test trigger a save without waiting 30 s
  }
})();
