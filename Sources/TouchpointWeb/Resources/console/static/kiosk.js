// The kiosk: on-screen keypad and keyboard (no physical keys needed), and the idle reset
// that wipes the screen and ends the customer's session when nobody touches it.
(function () {
  "use strict";
  var body = document.body;
  var idle = Number(body.dataset.idle || 60) * 1000;
  var timer = null;

  function reset() {
    // Clear what is on the screen first, so no customer data stays visible while the
    // server ends the session.
    body.classList.add("reset");
    var main = document.getElementById("kiosk-main");
    if (main) main.replaceChildren(document.createTextNode(body.dataset.startingOver || ""));
    document.getElementById("kiosk-reset").submit();
  }
  function touched() {
    clearTimeout(timer);
    // The welcome screen of a kiosk nobody is using has nothing to forget.
    if (body.dataset.screen === "welcome" && body.dataset.signedIn !== "yes") return;
    timer = setTimeout(reset, idle);
  }
  ["pointerdown", "keydown", "input", "touchstart"].forEach(function (name) { document.addEventListener(name, touched, { passive: true }); });
  touched();

  // Keypad: digits (and the letters a customer number has) into the display field.
  var display = document.getElementById("keypad-value");
  document.querySelectorAll(".keypad .key").forEach(function (key) {
    key.addEventListener("click", function () {
      var value = key.dataset.key;
      if (value === "erase") display.value = display.value.slice(0, -1);
      else if (value === "clear") display.value = "";
      else display.value += value;
    });
  });

  // Keyboard for a few words: letters, digits, space and erase.
  document.querySelectorAll(".keyboard").forEach(function (board) {
    var target = document.getElementById(board.dataset.target);
    // A Polish screen has the letters Polish words need (a name, a street, "płatność").
    var polish = document.documentElement.lang === "pl" ? "ĄĆĘŁŃÓŚŹŻ" : "";
    var keys = ("1234567890QWERTYUIOPASDFGHJKL.ZXCVBNM,?" + polish).split("");
    keys.forEach(function (letter) {
      var key = document.createElement("button");
      key.type = "button";
      key.className = "key";
      key.textContent = letter;
      key.addEventListener("click", function () { target.value += target.value && !/\s$/.test(target.value) ? letter.toLowerCase() : letter; });
      board.appendChild(key);
    });
    [["␣", " "], ["⌫", null]].forEach(function (pair) {
      var key = document.createElement("button");
      key.type = "button";
      key.className = "key wide";
      key.textContent = pair[0];
      key.addEventListener("click", function () { target.value = pair[1] === null ? target.value.slice(0, -1) : target.value + pair[1]; });
      board.appendChild(key);
    });
  });
})();
