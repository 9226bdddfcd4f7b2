// Touchpoint console: small enhancements; every page works without this file.
// The few words this script writes, in the language the page speaks (<html lang>); both
// parts of the file below read them.
var WORDS = {
  en: { notifications: "Notifications, {n} new", openCase: "Open the case", myCases: "My cases", dismiss: "Dismiss",
        updated: "Updated just now", visitor: "Visitor", you: "You", online: "visitor online", away: "visitor away",
        theVisitor: "The visitor", colleague: "A colleague", typing: "{who} is typing…" },
  pl: { notifications: "Powiadomienia, nowe: {n}", openCase: "Otwórz sprawę", myCases: "Moje sprawy", dismiss: "Zamknij",
        updated: "Zaktualizowano przed chwilą", visitor: "Gość", you: "Ty", online: "gość jest online", away: "gość nieobecny",
        theVisitor: "Gość", colleague: "Ktoś z zespołu", typing: "{who} pisze…" }
};
var phrases = WORDS[document.documentElement.lang] || WORDS.en;

(function () {
  "use strict";
  // Times arrive written for the reader (the brand's zone, a 24-hour clock); they are
  // left as they are rather than redone in the browser's locale.

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
  var marker = document.getElementById("live"), notify = document.getElementById("notify");
  if ((!marker && !notify) || !window.WebSocket || !window.fetch) return;
  var kind = marker ? marker.dataset.live : null, caseId = marker && marker.dataset.case, contactId = marker && marker.dataset.contact;
  var pending = null, pause = 1000;
  var me = notify ? notify.dataset.user : null, unseen = 0, title = document.title, shown = {};

  // A notice for the signed-in person (a case assigned to them, a warning): a toast that
  // stays until dismissed or ten seconds pass, and a count in the tab's title until the
  // tab is looked at again.
  // The header's count of unseen notifications: read once, then counted up by the toasts.
  var badge = document.getElementById("notifications-count"), unseenNotices = 0;
  function showCount(count) {
    if (!badge) return;
    unseenNotices = count;
    badge.textContent = count > 0 ? String(count) : "";
    badge.hidden = count === 0;
    var link = document.getElementById("notifications-link");
    if (count > 0) link.setAttribute("aria-label", phrases.notifications.replace("{n}", count));
    else link.removeAttribute("aria-label");
  }
  if (badge && notify && location.pathname !== "/console/notifications") {
    fetch("/console/notifications/unseen", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body) showCount(body.count); });
  }

  function toast(event) {
    var box = document.getElementById("toasts");
    if (!box || !event.note) return;
    if (event.event === "staff.notified") showCount(unseenNotices + 1);
    // One change may be told twice (assigned, and notified of it): once is enough.
    var key = (event.caseId || "") + "|" + event.event.split(".")[0];
    if (shown[key] && Date.now() - shown[key] < 3000) return;
    shown[key] = Date.now();
    var item = document.createElement("div");
    item.className = "toast";
    var text = document.createElement("span");
    text.textContent = (document.documentElement.lang === "pl" && event.notePl ? event.notePl : event.note) + " ";
    var link = document.createElement("a");
    link.href = event.caseNumber ? "/console/cases/" + event.caseNumber : "/console?view=mine";
    link.textContent = event.caseNumber ? phrases.openCase : phrases.myCases;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "link";
    close.textContent = phrases.dismiss;
    close.addEventListener("click", function () { item.remove(); });
    item.append(text, link, " ", close);
    box.append(item);
    setTimeout(function () { item.remove(); }, 10000);
    unseen += 1;
    document.title = "(" + unseen + ") " + title;
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { unseen = 0; document.title = title; }
  });

  function concerns(event) {
    if (!kind) return false;
    if (kind === "inbox") return !!event.caseId;
    if (kind === "walk-in") return /^(visit|desk|location)\./.test(event.event);
    return event.caseId === caseId || (contactId && event.contactId === contactId);
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
          // Never under a person's hands: a field in use, or cases ticked for a change.
          if (!next || region.contains(document.activeElement) || region.querySelector("input[type=checkbox]:checked")) return;
          region.replaceWith(next);
        });
        var status = document.getElementById("live-status");
        if (status) status.textContent = phrases.updated;
      });
  }

  // Collision indicator: a case page says it is open (and whether its person is writing a
  // reply or note) at least every ten seconds; the server tells it who else is on the case.
  var socket = null, typingSince = 0, lastSaid = 0;
  var collision = document.getElementById("collision");
  function say(typing) {
    if (kind !== "case" || !socket || socket.readyState !== 1) return;
    var message = { type: "viewing", caseId: caseId };
    if (typing !== undefined) message.typing = typing;
    socket.send(JSON.stringify(message));
    lastSaid = Date.now();
  }
  if (kind === "case") {
    setInterval(function () {
      // Typing goes quiet on its own after a few seconds without a key.
      if (typingSince && Date.now() - typingSince > 5000) { typingSince = 0; say(false); }
      else if (Date.now() - lastSaid >= 10000) say();
    }, 1000);
    document.addEventListener("input", function (event) {
      var field = event.target;
      if (!field.matches || !field.matches(".composer textarea, #chat-text")) return;
      var writing = field.value.trim() !== "";
      // Told again at most every three seconds while the keys go on.
      if (writing && (!typingSince || Date.now() - typingSince > 3000)) { typingSince = Date.now(); say(true); }
      else if (writing) typingSince = Date.now();
      else if (typingSince) { typingSince = 0; say(false); }
    });
    document.addEventListener("submit", function () { if (typingSince) { typingSince = 0; say(false); } });
  }
  function showPresence(event) {
    if (!collision || event.caseId !== caseId) return;
    collision.textContent = event.text;
    collision.hidden = !event.text;
    collision.classList.toggle("typing", event.viewers.some(function (person) { return person.typing; }));
  }

  function connect() {
    socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/console/live");
    socket.onopen = function () { pause = 1000; document.documentElement.dataset.live = "connected"; say(typingSince ? true : undefined); };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.event === "presence") { showPresence(event); return; }
      if (event.event === "error") { if (window.console) console.warn("live socket: " + event.detail); return; }
      if (me && event.userId === me) toast(event);
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

// The inbox's "select every case on this page" box (a script-only convenience: without
// script each row's box still works).
(function () {
  "use strict";
  var form = document.getElementById("bulk");
  if (!form) return;
  // Delegated: live updates replace the table, box and all.
  document.documentElement.dataset.selectAll = "on";
  form.addEventListener("change", function (event) {
    if (event.target.id !== "select-all") return;
    form.querySelectorAll("input[name=case]").forEach(function (box) { box.checked = event.target.checked; });
  });
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

// Mentions: "@" and the start of a colleague's name in a note offers their names (the
// server notifies whoever the saved note names). Arrow keys move, Enter or Tab puts the
// name in, Escape closes; a click works too.
(function () {
  "use strict";
  var source = document.getElementById("mention-people");
  if (!source) return;
  var names = Array.prototype.map.call(source.options, function (option) { return option.value; });
  var list = document.createElement("ul");
  list.id = "mention-list";
  list.className = "mention-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Colleagues");
  list.hidden = true;
  var field = null, start = -1, chosen = 0, shown = [];
  function fold(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function close() {
    list.hidden = true;
    shown = [];
    if (field) { field.removeAttribute("aria-activedescendant"); field.setAttribute("aria-expanded", "false"); }
  }
  function render() {
    list.textContent = "";
    shown.forEach(function (name, index) {
      var item = document.createElement("li");
      item.id = "mention-" + index;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", index === chosen ? "true" : "false");
      item.textContent = name;
      item.addEventListener("mousedown", function (event) { event.preventDefault(); pick(index); });
      list.append(item);
    });
    field.insertAdjacentElement("afterend", list);
    list.hidden = false;
    field.setAttribute("aria-controls", list.id);
    field.setAttribute("aria-expanded", "true");
    field.setAttribute("aria-activedescendant", "mention-" + chosen);
  }
  function pick(index) {
    var name = shown[index], end = field.selectionStart, value = field.value;
    field.value = value.slice(0, start) + "@" + name + " " + value.slice(end);
    var caret = start + name.length + 2;
    field.setSelectionRange(caret, caret);
    close();
    field.focus();
  }
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!target.matches || !target.matches("textarea[data-mentions]")) return;
    field = target;
    var before = target.value.slice(0, target.selectionStart), at = before.lastIndexOf("@");
    // A mention starts a word (an address like ola@example.com is not one).
    if (at < 0 || (at > 0 && /[\w.]/.test(before.charAt(at - 1)))) return close();
    var typed = fold(before.slice(at + 1));
    if (typed.length > 40 || typed.indexOf("\n") >= 0) return close();
    shown = names.filter(function (name) {
      var folded = fold(name);
      return folded.indexOf(typed) === 0 || folded.split(" ").some(function (part) { return part.indexOf(typed) === 0; });
    }).slice(0, 6);
    if (!shown.length) return close();
    start = at;
    chosen = 0;
    render();
  });
  document.addEventListener("keydown", function (event) {
    if (list.hidden || event.target !== field) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      chosen = (chosen + (event.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
      render();
    } else if (event.key === "Enter" || event.key === "Tab") {
      pick(chosen);
    } else if (event.key === "Escape") {
      close();
    } else {
      return;
    }
    event.preventDefault();
  });
  document.addEventListener("focusout", function (event) { if (event.target === field) setTimeout(close, 150); });
})();

// Suggested articles: "Insert link in reply" adds the article's title and address to the reply.
(function () {
  "use strict";
  var body = document.getElementById("reply-body");
  if (!body) return;
  document.querySelectorAll("button.insert-article").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = button.dataset.insert;
      body.value = body.value ? body.value + "\n\n" + text : text;
      body.focus();
    });
  });
})();

// Live chat with a widget visitor: the agents' side of the chat protocol (sequence numbers,
// resend until stored, typing, read receipts, whether the visitor is connected).
(function () {
  "use strict";
  var panel = document.getElementById("chat");
  if (!panel || !window.WebSocket) return;
  panel.hidden = false;
  var log = document.getElementById("chat-log"), form = document.getElementById("chat-form"), text = document.getElementById("chat-text");
  var typingLine = document.getElementById("chat-typing"), presence = document.getElementById("chat-presence");
  var socket = null, pause = 1000, lastSeq = 0, readSent = 0, visitorRead = 0, pending = [], items = {};
  var typingSentAt = 0, typingStop = null, typingClear = null;

  function send(frame) { if (socket && socket.readyState === 1) socket.send(JSON.stringify(frame)); }
  function randomId() { return (crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2)); }

  function show(message) {
    var item = (message.clientId && items["c:" + message.clientId]) || (message.seq && items[message.seq]);
    if (!item) {
      item = document.createElement("li");
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = message.from === "visitor" ? phrases.visitor : (message.name || phrases.you);
      item.append(who, document.createTextNode(message.text));
      log.appendChild(item);
      log.scrollTop = log.scrollHeight;
    }
    item.className = message.from + (message.seq ? "" : " sending");
    if (message.seq) { item.dataset.seq = message.seq; items[message.seq] = item; }
    if (message.clientId) items["c:" + message.clientId] = item;
    marks();
  }
  function marks() {
    log.querySelectorAll("li.agent[data-seq]").forEach(function (li) { li.classList.toggle("seen", +li.dataset.seq <= visitorRead); });
  }
  function markRead() {
    if (document.visibilityState === "visible" && lastSeq > readSent) { readSent = lastSeq; send({ type: "read", seq: lastSeq }); }
  }
  function online(yes) {
    presence.textContent = yes ? phrases.online : phrases.away;
    presence.classList.toggle("online", !!yes);
  }

  function connect() {
    socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/console/chats/" + panel.dataset.case + "/ws");
    socket.onopen = function () {
      pause = 1000;
      send({ type: "hello", lastSeq: lastSeq });
      pending.forEach(send);
      panel.dataset.connected = "yes";
    };
    socket.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.type === "ready") {
        online(message.online);
        visitorRead = Math.max(visitorRead, message.seq || 0);
        marks();
      } else if (message.type === "message") {
        show(message);
        lastSeq = Math.max(lastSeq, message.seq);
        pending = pending.filter(function (p) { return p.clientId !== message.clientId; });
        if (message.from === "visitor") typingLine.textContent = "";
        markRead();
      } else if (message.type === "stored") {
        pending = pending.filter(function (p) { return p.clientId !== message.clientId; });
      } else if (message.type === "typing") {
        clearTimeout(typingClear);
        var who = message.from === "visitor" ? phrases.theVisitor : (message.name || phrases.colleague);
        typingLine.textContent = message.active ? phrases.typing.replace("{who}", who) : "";
        // A lost "stopped typing" must not leave the line on for ever.
        if (message.active) typingClear = setTimeout(function () { typingLine.textContent = ""; }, 8000);
      } else if (message.type === "read" && message.from === "visitor") {
        visitorRead = Math.max(visitorRead, message.seq);
        marks();
      } else if (message.type === "presence") {
        online(message.online);
      } else if (message.type === "error") {
        typingLine.textContent = message.detail;
      }
    };
    socket.onclose = function () {
      panel.dataset.connected = "no";
      setTimeout(connect, pause);
      pause = Math.min(pause * 2, 30000);
    };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = text.value.trim();
    if (!value) return;
    var frame = { type: "message", clientId: randomId(), text: value };
    pending.push(frame);
    show({ from: "agent", text: value, clientId: frame.clientId });
    text.value = "";
    typingSentAt = 0;
    send(frame);
  });
  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey) { event.preventDefault(); form.requestSubmit(); }
  });
  text.addEventListener("input", function () {
    var now = Date.now();
    if (now - typingSentAt > 2500) { typingSentAt = now; send({ type: "typing", active: true }); }
    clearTimeout(typingStop);
    typingStop = setTimeout(function () { typingSentAt = 0; send({ type: "typing", active: false }); }, 4000);
  });
  document.addEventListener("visibilitychange", markRead);
  connect();
})();
