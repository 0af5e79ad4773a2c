// Copy buttons: <button data-copy="ID"> copies the value of the input with that id. The buttons
// are hidden until this script shows them, so without script (or clipboard access) the readonly
// input itself is the fallback: it is visible and selectable. No inline script: the CSP forbids it.
(function () {
  "use strict";
  function announce(button, text) {
    var status = document.querySelector('[data-copy-status="' + button.dataset.copy + '"]');
    if (status) {
      status.textContent = text;
    }
  }
  function copy(button) {
    var input = document.getElementById(button.dataset.copy);
    if (!input) {
      return;
    }
    var done = function () {
      announce(button, button.dataset.copied || "");
    };
    var failed = function () {
      // Leave the address selected so that Ctrl+C / long press copies it.
      input.focus();
      input.select();
      announce(button, button.dataset.copyFailed || "");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, failed);
      return;
    }
    input.focus();
    input.select();
    try {
      if (document.execCommand("copy")) {
        done();
        return;
      }
    } catch (error) {
      // fall through to the manual fallback
    }
    failed();
  }
  function setUp() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(button);
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
