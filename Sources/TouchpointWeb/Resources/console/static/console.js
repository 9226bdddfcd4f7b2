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
