// Touchpoint console: small enhancements; every page works without this file.
(function () {
  "use strict";
  // Times are rendered in UTC; show them in the reader's own zone.
  document.querySelectorAll("time[datetime]").forEach(function (el) {
    var date = new Date(el.getAttribute("datetime"));
    if (!isNaN(date)) { el.title = el.textContent; el.textContent = date.toLocaleString(); }
  });

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  // Keyboard: "/" search, "r" reply, "n" note, j/k move through the case list, Enter opens.
  var rows = Array.prototype.slice.call(document.querySelectorAll("#cases tbody tr"));
  var current = -1;
  function select(index) {
    if (!rows.length) return;
    if (current >= 0) rows[current].classList.remove("selected");
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows[current].classList.add("selected");
    rows[current].querySelector("a").focus();
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey && event.key === "Enter" && event.target.tagName === "TEXTAREA" && event.target.form) {
      event.preventDefault();
      event.target.form.requestSubmit();
      return;
    }
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    var focus = { "/": "search", "r": "reply-body", "n": "note-body" }[event.key];
    if (focus && document.getElementById(focus)) {
      event.preventDefault();
      document.getElementById(focus).focus();
    } else if (event.key === "j") {
      select(current + 1);
    } else if (event.key === "k") {
      select(current - 1);
    }
  });
})();

// Live updates: the server says over a WebSocket what changed in the brand; when it
// concerns this page, the page fetches itself and swaps the regions marked
// data-live-region (never one the person is typing in). Reconnects with a growing pause.
(function () {
  "use strict";
  var marker = document.getElementById("live");
  if (!marker || !window.WebSocket || !window.fetch) return;
  var kind = marker.dataset.live, caseId = marker.dataset.case, contactId = marker.dataset.contact;
  var pending = null, pause = 1000;

  function concerns(event) {
    if (kind === "inbox") return !!event.caseId;
    return event.caseId === caseId || (contactId && event.contactId === contactId);
  }

  function localTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (!isNaN(date)) { el.title = el.textContent; el.textContent = date.toLocaleString(); }
    });
  }

  function refresh() {
    pending = null;
    fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live-region]").forEach(function (region) {
          var next = fresh.getElementById(region.id);
          if (!next || region.contains(document.activeElement)) return;
          region.replaceWith(next);
          localTimes(next);
        });
        var status = document.getElementById("live-status");
        if (status) status.textContent = "Updated " + new Date().toLocaleTimeString();
      });
  }

  function connect() {
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/console/live");
    socket.onopen = function () { pause = 1000; document.documentElement.dataset.live = "connected"; };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      // Several events of one change arrive together: refresh once.
      if (concerns(event) && !pending) pending = setTimeout(refresh, 150);
    };
    socket.onclose = function () {
      document.documentElement.dataset.live = "closed";
      setTimeout(connect, pause);
      pause = Math.min(pause * 2, 30000);
    };
  }
  connect();
})();

// Macros: choosing one puts its text (already filled in for this case) into the reply.
(function () {
  "use strict";
  var select = document.getElementById("macro"), body = document.getElementById("reply-body");
  if (!select || !body) return;
  select.addEventListener("change", function () {
    var option = select.options[select.selectedIndex];
    var text = option && option.dataset.text;
    if (!text) return;
    body.value = body.value ? body.value + "\n\n" + text : text;
    select.selectedIndex = 0;
    body.focus();
  });
})();
