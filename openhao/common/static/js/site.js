// Progressive enhancement only: every feature here has a no-JavaScript fallback.
(function () {
  "use strict";

  // Personal fragment (/_/me) carries the CSRF token; htmx sends it on every write.
  document.addEventListener("htmx:configRequest", function (event) {
    var holder = document.querySelector(".personal-data[data-csrf]");
    if (holder) event.detail.headers["X-CSRFToken"] = holder.dataset.csrf;
  });

  // Validation errors (400), refusals (403) and rate limits (429) carry a message to show:
  // the form with its error, or an alert that the server retargets to #flash.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 403 || status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Content that htmx swaps in can replace the element holding keyboard focus: the 查看全部跟贴
  // link that loads the comments when it scrolls into view, a comment page's 下一页. htmx gives
  // focus back only to an element with the same id; otherwise focus would fall to <body> and
  // the next Tab start over from the top. Focus moves instead to the new content's
  // [data-swap-focus] element (or its first control), so the reader goes on where they were
  // (WCAG 2.4.3).
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]), textarea, select, summary, [tabindex]";
  var focusHolders = [];
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    if (target && active && active !== document.body && target.contains(active)) {
      focusHolders.push({ element: target, id: target.id });
    }
  });
  // On afterSwap, in the same task as the swap: focus never rests on <body> in between.
  document.addEventListener("htmx:afterSwap", function (event) {
    focusHolders = focusHolders.filter(function (holder) {
      if (holder.element !== event.detail.target) return true;
      var root = holder.element.isConnected ? holder.element : document.getElementById(holder.id);
      if (root && !root.contains(document.activeElement)) {
        var next = root.querySelector("[data-swap-focus]") || root.querySelector(FOCUSABLE);
        if (next) next.focus();
      }
      return false;
    });
  });

  // Small POST beacons (share and read counting); they carry the CSRF token of the personal
  // fragment and are skipped until it has loaded.
  function beacon(url, data) {
    var holder = document.querySelector(".personal-data[data-csrf]");
    if (!holder || !url) return false;
    var form = new FormData();
    Object.keys(data).forEach(function (key) { form.append(key, data[key]); });
    form.append("csrfmiddlewaretoken", holder.dataset.csrf);
    if (navigator.sendBeacon && navigator.sendBeacon(url, form)) return true;
    fetch(url, { method: "POST", body: form, credentials: "same-origin", keepalive: true });
    return true;
  }
  var actions = document.querySelector(".article-actions[data-share-url]");
  function countShare(channel) {
    if (actions) beacon(actions.dataset.shareUrl, { channel: channel });
  }
  // One read per page view, once the personal fragment (and so the CSRF token) is in; the
  // server counts it at most once per visitor and article per 30 minutes.
  var readSent = false;
  document.addEventListener("htmx:afterSettle", function () {
    if (readSent || !actions || !actions.dataset.readUrl) return;
    readSent = beacon(actions.dataset.readUrl, {});
  });
  var shareMenu = document.querySelector("details.share");
  if (shareMenu) {
    // Opening the menu shows the WeChat QR code: that is the WeChat channel.
    shareMenu.addEventListener("toggle", function () { if (shareMenu.open) countShare("wechat"); });
  }

  document.addEventListener("click", function (event) {
    var channelLink = event.target.closest(".share-weibo, .share-qq, .share-qzone");
    if (channelLink) countShare(channelLink.classList.contains("share-weibo") ? "weibo" : "qq");
    var copy = event.target.closest(".copy-link");
    if (copy) {
      countShare("copy");
      var status = copy.parentElement.querySelector(".copy-status");
      var done = function (ok) { if (status) status.textContent = ok ? "链接已复制" : "请手动复制上面的链接"; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(copy.dataset.copy).then(function () { done(true); }, function () { done(false); });
      } else {
        var input = copy.parentElement.querySelector("input");
        input.select();
        done(document.execCommand && document.execCommand("copy"));
      }
    }
  });

  // The 关怀版 switch is a link on the cached pages (they hold no CSRF token); it leads to a
  // small page with the switch as a form. Here the click posts that form at once, with the
  // personal fragment's token (fetched if the fragment has not arrived yet).
  function csrfToken(callback) {
    var holder = document.querySelector(".personal-data[data-csrf]");
    if (holder) return callback(holder.dataset.csrf);
    var personal = document.querySelector("#personal[hx-get]");
    if (!personal || !window.fetch) return callback(null);
    fetch(personal.getAttribute("hx-get"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (json) { callback(json.csrf_token); }, function () { callback(null); });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-care-switch]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    csrfToken(function (token) {
      if (!token) { window.location.assign(link.href); return; }
      var form = document.createElement("form");
      form.method = "post";
      form.action = link.href;  // "next" rides along in the query string
      form.hidden = true;
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "csrfmiddlewaretoken";
      input.value = token;
      form.appendChild(input);
      document.body.appendChild(form);
      form.submit();
    });
  });

  // Read-aloud with the browser's own speech synthesis; the button stays hidden where the
  // browser has none.
  var reader = document.querySelector(".read-aloud");
  if (reader && "speechSynthesis" in window) {
    reader.hidden = false;
    var label = reader.textContent;
    reader.setAttribute("aria-pressed", "false");
    reader.addEventListener("click", function () {
      var synth = window.speechSynthesis;
      if (synth.speaking) {
        synth.cancel();
        return;
      }
      var title = document.querySelector("#article-title");
      var body = document.querySelector(reader.dataset.target);
      var text = (title ? title.textContent + "。" : "") + (body ? body.innerText : "");
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = "zh-CN";
      utterance.rate = document.documentElement.classList.contains("care") ? 0.85 : 1;
      utterance.onstart = function () { reader.textContent = "停止朗读"; reader.setAttribute("aria-pressed", "true"); };
      utterance.onend = utterance.onerror = function () { reader.textContent = label; reader.setAttribute("aria-pressed", "false"); };
      synth.speak(utterance);
    });
  }
})();
