// The display board: the server sends a snapshot of the queue whenever it changes; the
// board redraws from it (text only, never markup) and reconnects when the line drops.
(function () {
  "use strict";
  var path = document.body.dataset.socket;
  if (!path || !window.WebSocket) return;
  var latest = document.getElementById("board-latest"), calls = document.getElementById("board-calls");
  var waits = document.getElementById("board-waits"), status = document.getElementById("board-status");
  var clock = document.getElementById("board-clock");
  var pause = 1000, shown = latest.textContent;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function draw(board) {
    latest.replaceChildren();
    if (board.latest) {
      latest.append(el("span", "ticket", board.latest.ticket), " ", el("span", "arrow", "→"), " ", el("span", "desk", board.latest.deskName));
    }
    if (latest.textContent !== shown) {
      shown = latest.textContent;
      latest.classList.remove("fresh");
      void latest.offsetWidth;
      latest.classList.add("fresh");
    }
    calls.replaceChildren.apply(calls, board.calls.map(function (call) {
      var item = el("li", call.serving ? "serving" : "");
      item.append(el("span", "ticket", call.ticket), el("span", "desk", call.deskName));
      return item;
    }));
    waits.replaceChildren.apply(waits, board.waits.map(function (wait) {
      var item = el("li");
      item.append(el("span", "code", wait.code), " ", el("span", "name", wait.name), " ",
        el("span", "detail", wait.detail));
      return item;
    }));
    document.body.dataset.updated = String(Date.now());
  }
  function connect() {
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + path);
    socket.onopen = function () { pause = 1000; status.textContent = ""; document.body.dataset.live = "yes"; };
    socket.onmessage = function (event) {
      try { draw(JSON.parse(event.data)); } catch (e) { /* a bad frame leaves the board as it is */ }
    };
    socket.onclose = function () {
      document.body.dataset.live = "no";
      status.textContent = document.body.dataset.reconnecting || "Reconnecting…";
      setTimeout(connect, pause);
      pause = Math.min(pause * 2, 30000);
    };
  }
  // The clock shows the time where the board hangs (the location's zone, 24-hour), not the
  // zone or locale the display's browser happens to be set to.
  var zone = document.body.dataset.zone || "UTC";
  function tick() {
    clock.textContent = new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone });
  }
  tick();
  setInterval(tick, 10000);
  connect();
})();
