// Phone-width behaviour, loaded from a file because the CSP allows no inline script:
// - the main menu's disclosure button (CSS shows it only at phone width); without this script
//   the menu simply stays open;
// - every table in the page scrolls inside its own container instead of widening the page
//   (also tables htmx swaps in later).
(function () {
  "use strict";

  function setUpMenu() {
    var nav = document.querySelector(".main-nav");
    var button = nav && nav.querySelector(".nav-toggle");
    if (!button) {
      return;
    }
    nav.classList.add("nav-collapsible");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("nav-open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("nav-open")) {
        button.setAttribute("aria-expanded", "false");
        nav.classList.remove("nav-open");
        button.focus();
      }
    });
  }

  function wrapTables(root) {
    var tables = (root || document).querySelectorAll("main table");
    Array.prototype.forEach.call(tables, function (table) {
      var parent = table.parentElement;
      if (!parent || parent.classList.contains("table-wrap")) {
        return;
      }
      var wrap = document.createElement("div");
      wrap.className = "table-wrap";
      parent.insertBefore(wrap, table);
      wrap.appendChild(table);
    });
  }

  function setUp() {
    setUpMenu();
    wrapTables(document);
    document.body.addEventListener("htmx:afterSettle", function () {
      wrapTables(document);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
