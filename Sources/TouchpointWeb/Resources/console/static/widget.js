// Touchpoint web chat widget. Embed with:
//   <script src="https://HOST/widget.js" data-brand="acme" defer></script>
// Plain JavaScript, no build step. Messages carry sequence numbers: after a dropped
// connection the widget asks for what came after the last one it saw and resends what the
// server has not confirmed, so nothing is lost and nothing shows twice. It says who is
// typing, marks messages the other side has seen, and when nobody can chat now it takes a
// message that is answered by email. Where the assistant answers, its messages come with
// suggested answers as buttons; while the visitor types, help articles that may answer the
// question are shown above the message box. When the request is resolved, the satisfaction
// question appears at the end of the conversation.
(function () {
  "use strict";
  var script = document.currentScript;
  var brand = script && script.dataset.brand;
  if (!brand) return;
  var origin = new URL(script.src).origin;
  var key = "touchpoint-chat-" + brand;
  var saved = {};
  try { saved = JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { saved = {}; }
  function randomId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return (Date.now().toString(36) + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2)).slice(0, 32);
  }
  var state = { visitor: saved.visitor || randomId(), email: saved.email || "", pending: saved.pending || [] };
  var lastSeq = 0, seen = {}, socket = null, pause = 1000, retryPause = 1000, mode = "live", agentRead = 0, readSent = 0;
  var typingSentAt = 0, typingStop = null, typingClear = null;
  function save() { localStorage.setItem(key, JSON.stringify(state)); }
  // The widget speaks the page's language (its <html lang> or data-lang on the script tag).
  var polish = ((script.dataset.lang || document.documentElement.lang || "en").slice(0, 2).toLowerCase() === "pl");
  var words = polish ? {
    chat: "Czat", connecting: "Łączenie…", emailOptional: "Twój e-mail (nieobowiązkowo, żebyśmy mogli odpisać)",
    emailRequired: "Twój e-mail (tam odpowiemy)", message: "Wiadomość", send: "Wyślij", leave: "Zostaw wiadomość", open: "Napisz do nas",
    assistant: "Asystent", thanks: "Dziękujemy — odpowiemy e-mailem", request: "sprawa nr", someone: "Ktoś", typing: " pisze…",
    answering: " odpowiada teraz.", reconnecting: "Ponowne łączenie…", resending: "Wiadomość jeszcze nie dotarła — wyślemy ją ponownie za chwilę.", mayHelp: "Te artykuły mogą pomóc:"
  } : {
    chat: "Chat", connecting: "Connecting…", emailOptional: "Your email (optional, so we can write back)",
    emailRequired: "Your email (we answer there)", message: "Message", send: "Send", leave: "Leave message", open: "Chat with us",
    assistant: "Assistant", thanks: "Thank you — we will answer by email", request: "request #", someone: "Someone", typing: " is typing…",
    answering: " is answering you now.", reconnecting: "Reconnecting…", resending: "Your message has not arrived yet — we will send it again in a moment.", mayHelp: "Articles that may help:"
  };
  save();

  // The panel: built with DOM calls and textContent only, so no text can become markup.
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs || {}) node.setAttribute(name, attrs[name]);
    if (text) node.textContent = text;
    return node;
  }
  var css = "#tp-chat{position:fixed;right:16px;bottom:16px;font:14px system-ui,sans-serif;z-index:2147483000}"
    + "#tp-chat button{background:#1554c0;color:#fff;border:0;border-radius:6px;padding:8px 14px;cursor:pointer}"
    + "#tp-chat .panel{width:min(320px,calc(100vw - 32px));background:#fff;border:1px solid #ccd;border-radius:8px;box-shadow:0 4px 18px rgba(0,0,0,.15);display:flex;flex-direction:column;margin-bottom:8px}"
    + "#tp-chat .status{padding:8px 10px;border-bottom:1px solid #eee;color:#555}"
    + "#tp-chat ol{list-style:none;margin:0;padding:8px;height:260px;overflow:auto}"
    + "#tp-chat li{margin:4px 0;padding:6px 8px;border-radius:6px;white-space:pre-wrap;max-width:85%}"
    + "#tp-chat li.visitor{background:#e6eefc;margin-left:auto}#tp-chat li.agent{background:#f1f3f5}#tp-chat li.sending{opacity:.6}"
    + "#tp-chat li.bot{background:#eef7ee}#tp-chat li .who{display:block;font-size:11px;color:#555}#tp-chat li a{color:#1554c0;word-break:break-all}"
    + "#tp-chat .replies{display:flex;flex-wrap:wrap;gap:6px;margin:4px 0}#tp-chat .replies button{background:#fff;color:#1554c0;border:1px solid #1554c0;padding:6px 10px}"
    + "#tp-chat .suggest{margin:0 8px;font-size:13px}#tp-chat .suggest ul{margin:2px 0;padding-left:18px}#tp-chat .suggest a{color:#1554c0}"
    + "#tp-chat li.note{background:none;color:#555;font-size:12px;text-align:center;max-width:100%}"
    + "#tp-chat li.visitor.seen::after{content:'Seen';display:block;font-size:11px;color:#555;text-align:right}"
    + "#tp-chat .survey{background:#f7f9fc;border:1px solid #dde;max-width:100%}#tp-chat .survey .scores{display:flex;flex-wrap:wrap;gap:4px;margin:6px 0}"
    + "#tp-chat .survey .scores button{background:#fff;color:#1554c0;border:1px solid #1554c0;min-width:34px;padding:6px}"
    + "#tp-chat .survey .scores button[aria-pressed=true]{background:#1554c0;color:#fff}#tp-chat .survey .ends{display:flex;justify-content:space-between;font-size:11px;color:#555}"
    + "#tp-chat .survey textarea{width:100%;box-sizing:border-box;margin:4px 0}"
    + "#tp-chat .typing{margin:0 8px;min-height:1.2em;color:#555;font-size:12px}"
    + "#tp-chat form{display:flex;flex-direction:column;gap:6px;padding:8px;border-top:1px solid #eee}"
    + "#tp-chat textarea,#tp-chat input{font:inherit;border:1px solid #aab;border-radius:4px;padding:5px}";
  var root = el("div", { id: "tp-chat" });
  var style = el("style"); style.textContent = css; root.appendChild(style);
  var panel = el("div", { class: "panel", role: "dialog", "aria-label": words.chat, hidden: "" });
  var status = el("p", { class: "status", role: "status" }, words.connecting);
  var list = el("ol", { "aria-live": "polite" });
  var typingLine = el("p", { class: "typing", "aria-live": "polite" });
  var suggest = el("div", { class: "suggest", "aria-live": "polite", hidden: "" });
  var form = el("form");
  var emailLabel = el("label", { for: "tp-chat-email" }, words.emailOptional);
  var email = el("input", { id: "tp-chat-email", type: "email", autocomplete: "email" });
  email.value = state.email;
  var textLabel = el("label", { for: "tp-chat-text" }, words.message);
  var text = el("textarea", { id: "tp-chat-text", rows: "2", required: "" });
  var sendButton = el("button", { type: "submit", id: "tp-chat-send" }, words.send);
  form.append(emailLabel, email, textLabel, text, sendButton);
  panel.append(status, list, typingLine, suggest, form);
  var toggle = el("button", { type: "button", id: "tp-chat-open", "aria-expanded": "false" }, words.open);
  root.append(panel, toggle);
  document.body.appendChild(root);
  toggle.addEventListener("click", function () {
    var open = panel.hasAttribute("hidden");
    if (open) panel.removeAttribute("hidden"); else panel.setAttribute("hidden", "");
    toggle.setAttribute("aria-expanded", String(open));
    if (open) { text.focus(); markRead(); }
  });

  function send(frame) { if (socket && socket.readyState === 1) socket.send(JSON.stringify(frame)); }
  function note(words) { list.appendChild(el("li", { class: "note" }, words)); list.scrollTop = list.scrollHeight; }
  function marks() {
    list.querySelectorAll("li.visitor[data-seq]").forEach(function (li) { li.classList.toggle("seen", +li.dataset.seq <= agentRead); });
  }
  function markRead() {
    if (!panel.hasAttribute("hidden") && document.visibilityState === "visible" && lastSeq > readSent) {
      readSent = lastSeq;
      send({ type: "read", seq: lastSeq });
    }
  }
  // Live, or a message answered by email: then the email is required and the form says so.
  function available(message) {
    mode = message.mode || "live";
    status.textContent = message.notice || "";
    root.dataset.mode = mode;
    if (mode === "message") email.setAttribute("required", ""); else email.removeAttribute("required");
    emailLabel.textContent = mode === "message" ? words.emailRequired : words.emailOptional;
    sendButton.textContent = mode === "message" ? words.leave : words.send;
  }

  // Text with its web addresses as links (only http and https; the rest stays text).
  function linked(node, words) {
    words.split(/(https?:\/\/[^\s]+)/).forEach(function (part, index) {
      if (index % 2 === 1) node.appendChild(el("a", { href: part, target: "_blank", rel: "noopener" }, part));
      else if (part) node.appendChild(document.createTextNode(part));
    });
  }
  // The assistant's suggested answers under its newest message; a tap sends one.
  function replies(message) {
    list.querySelectorAll(".replies").forEach(function (old) { old.remove(); });
    if (!message.replies || !message.replies.length) return;
    var row = el("li", { class: "note replies" });
    message.replies.forEach(function (answer) {
      var button = el("button", { type: "button" }, answer);
      button.addEventListener("click", function () { row.remove(); post(answer); });
      row.appendChild(button);
    });
    list.appendChild(row);
    list.scrollTop = list.scrollHeight;
  }

  function show(message) {
    if (message.clientId && seen["c:" + message.clientId]) {
      var mine = seen["c:" + message.clientId];
      mine.classList.remove("sending");
      if (message.seq) { seen[message.seq] = mine; mine.dataset.seq = message.seq; marks(); }
      return;
    }
    if (message.seq && seen[message.seq]) return;
    var item = el("li", { class: message.from + (message.seq ? "" : " sending") });
    if (message.from === "bot") { item.appendChild(el("span", { class: "who" }, words.assistant)); linked(item, message.text); }
    else item.textContent = message.text;
    if (message.seq) item.dataset.seq = message.seq;
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
    if (message.seq) seen[message.seq] = item;
    if (message.clientId) seen["c:" + message.clientId] = item;
  }

  // The satisfaction question when the chat's request is resolved: a score, a comment if
  // the visitor likes, and Send; then the thanks in its place.
  function survey(message) {
    var old = list.querySelector("li.survey");
    if (!message.survey) {
      if (old) { old.textContent = message.notice || ""; old.classList.add("answered"); }
      return;
    }
    if (old) old.remove();
    var offer = message.survey, chosen = null;
    var item = el("li", { class: "survey", id: "tp-chat-survey" });
    item.appendChild(el("strong", {}, offer.question + (offer.reference ? " (" + offer.reference + ")" : "")));
    var scores = el("div", { class: "scores", role: "group", "aria-label": offer.question });
    offer.scores.forEach(function (score) {
      var button = el("button", { type: "button", "aria-pressed": "false", "data-score": String(score) }, String(score));
      button.addEventListener("click", function () {
        chosen = score;
        scores.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
        submit.removeAttribute("disabled");
      });
      scores.appendChild(button);
    });
    var ends = el("div", { class: "ends" });
    ends.append(el("span", {}, offer.scores[0] + " — " + offer.low), el("span", {}, offer.scores[offer.scores.length - 1] + " — " + offer.high));
    var label = el("label", { for: "tp-chat-survey-comment" }, offer.commentLabel);
    var comment = el("textarea", { id: "tp-chat-survey-comment", rows: "2" });
    var submit = el("button", { type: "button", disabled: "" }, offer.send);
    submit.addEventListener("click", function () {
      if (chosen === null) return;
      var frame = { type: "survey", score: chosen };
      if (comment.value.trim()) frame.text = comment.value.trim();
      send(frame);
    });
    item.append(scores, ends, label, comment, submit);
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
  }

  function transmit(message) {
    // The email goes with every message, so a chat joins the customer's history as soon as it is given.
    var frame = { type: "message", clientId: message.clientId, text: message.text };
    if (state.email) frame.email = state.email;
    send(frame);
  }

  function connect() {
    socket = new WebSocket(origin.replace(/^http/, "ws") + "/chat/" + encodeURIComponent(brand) + "/ws");
    window.TouchpointChat.socket = socket;
    socket.onopen = function () {
      pause = 1000;
      var hello = { type: "hello", visitor: state.visitor, lastSeq: lastSeq, lang: polish ? "pl" : "en" };
      if (state.email) hello.email = state.email;
      socket.send(JSON.stringify(hello));
      state.pending.forEach(transmit);
    };
    socket.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.type === "ready" || message.type === "availability") {
        available(message);
        if (message.type === "ready") {
          agentRead = Math.max(agentRead, message.seq || 0);
          root.dataset.connected = "yes";
        }
      } else if (message.type === "message") {
        show(message);
        if (message.seq > lastSeq && message.from !== "visitor") replies(message);
        lastSeq = Math.max(lastSeq, message.seq);
        if (message.from === "agent") typingLine.textContent = "";
        if (message.clientId) { state.pending = state.pending.filter(function (p) { return p.clientId !== message.clientId; }); save(); }
        markRead();
      } else if (message.type === "stored") {
        retryPause = 1000;
        state.pending = state.pending.filter(function (p) { return p.clientId !== message.clientId; });
        save();
        if (mode === "message") status.textContent = words.thanks + (message.caseNumber ? " (" + words.request + message.caseNumber + ")." : ".");
      } else if (message.type === "agent") {
        // Said once per change of person, not again after every reconnect.
        if (message.name && message.name !== state.agent && mode !== "message") note(message.name + words.answering);
        state.agent = message.name || state.agent;
        save();
      } else if (message.type === "typing") {
        clearTimeout(typingClear);
        typingLine.textContent = message.active ? (message.name || words.someone) + words.typing : "";
        if (message.active) typingClear = setTimeout(function () { typingLine.textContent = ""; }, 8000);
      } else if (message.type === "read") {
        agentRead = Math.max(agentRead, message.seq);
        marks();
      } else if (message.type === "survey") {
        survey(message);
      } else if (message.type === "error" && message.retry && message.clientId) {
        // Not stored for now (the server could not reach its database): it stays pending and goes again.
        status.textContent = words.resending;
        setTimeout(function () {
          state.pending.filter(function (p) { return p.clientId === message.clientId; }).forEach(transmit);
        }, retryPause);
        retryPause = Math.min(retryPause * 2, 30000);
      } else if (message.type === "error") {
        status.textContent = message.detail;
      }
    };
    socket.onclose = function () {
      root.dataset.connected = "no";
      status.textContent = words.reconnecting;
      setTimeout(connect, pause);
      pause = Math.min(pause * 2, 30000);
    };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = text.value.trim();
    if (!value) return;
    text.value = "";
    post(value);
  });
  function post(value) {
    identify();
    suggest.setAttribute("hidden", "");
    list.querySelectorAll(".replies").forEach(function (old) { old.remove(); });
    var message = { clientId: randomId(), text: value };
    state.pending.push(message);
    save();
    show({ from: "visitor", text: value, clientId: message.clientId });
    typingSentAt = 0;
    clearTimeout(typingStop);
    transmit(message);
  }
  // Articles that may answer what is being typed, from the public help pages.
  var suggestTimer = null, suggested = "";
  function lookUp() {
    var words = text.value.trim();
    if (words.length < 4 || words === suggested) { if (words.length < 4) suggest.setAttribute("hidden", ""); return; }
    suggested = words;
    fetch(origin + "/chat/" + encodeURIComponent(brand) + "/articles?q=" + encodeURIComponent(words))
      .then(function (response) { return response.ok ? response.json() : { articles: [] }; })
      .then(function (found) {
        if (words !== suggested) return;
        suggest.textContent = "";
        if (!found.articles || !found.articles.length) { suggest.setAttribute("hidden", ""); return; }
        suggest.appendChild(el("span", {}, found.heading || words.mayHelp));
        var items = el("ul");
        found.articles.forEach(function (article) {
          var item = el("li");
          item.appendChild(el("a", { href: article.url, target: "_blank", rel: "noopener" }, article.title));
          items.appendChild(item);
        });
        suggest.appendChild(items);
        suggest.removeAttribute("hidden");
      })
      .catch(function () { suggest.setAttribute("hidden", ""); });
  }
  // A new email may make the chat a known customer's, whose service model decides anew.
  function identify() {
    var value = email.value.trim();
    if (!value || value === state.email) return;
    state.email = value;
    save();
    send({ type: "identify", email: value });
  }
  email.addEventListener("change", identify);
  text.addEventListener("input", function () {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(lookUp, 350);
    var now = Date.now();
    if (now - typingSentAt > 2500) { typingSentAt = now; send({ type: "typing", active: true }); }
    clearTimeout(typingStop);
    typingStop = setTimeout(function () { typingSentAt = 0; send({ type: "typing", active: false }); }, 4000);
  });
  document.addEventListener("visibilitychange", markRead);
  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  window.TouchpointChat = { socket: null, visitor: state.visitor };
  connect();
})();
