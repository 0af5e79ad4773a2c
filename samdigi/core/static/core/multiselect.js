// Searchable multi-selects: progressive enhancement of <select multiple data-searchable>.
// A search box above the list narrows the options as you type (chosen options stay visible, so a
// choice is never hidden), and a line below names what is chosen. Without script the plain
// list works as before. A file of its own: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  function fold(text) {
    // Case-insensitive, and combining accents do not matter: "creme" finds "Crème".
    return text.toLocaleLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function labelOf(select) {
    var label = select.labels && select.labels[0];
    return label ? label.textContent.replace("*", "").trim() : "";
  }

  function enhance(select) {
    if (select.dataset.enhanced) {
      return;
    }
    select.dataset.enhanced = "true";
    var search = document.createElement("input");
    search.type = "search";
    search.className = "multiselect-search";
    search.autocomplete = "off";
    search.setAttribute("aria-controls", select.id);
    var name = labelOf(select);
    var searchLabel = select.dataset.searchLabel || "";
    search.setAttribute("aria-label", name ? searchLabel + ": " + name : searchLabel);
    search.placeholder = searchLabel;
    search.setAttribute("data-testid", "search-" + select.name);

    var chosen = document.createElement("p");
    chosen.className = "multiselect-chosen help";
    chosen.setAttribute("aria-live", "polite");
    chosen.setAttribute("data-testid", "chosen-" + select.name);

    select.parentNode.insertBefore(search, select);
    select.parentNode.insertBefore(chosen, select.nextSibling);

    function filter() {
      var wanted = fold(search.value.trim());
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = !(option.selected || !wanted || fold(option.text).indexOf(wanted) !== -1);
      });
    }

    function showChosen() {
      var names = Array.prototype.filter
        .call(select.options, function (option) {
          return option.selected;
        })
        .map(function (option) {
          return option.text;
        });
      chosen.textContent =
        (select.dataset.chosenLabel || "") + ": " + (names.length ? names.join(", ") : select.dataset.noneLabel || "");
    }

    search.addEventListener("input", filter);
    search.addEventListener("keydown", function (event) {
      // Enter in the search box would submit the whole form half-filled.
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    select.addEventListener("change", function () {
      showChosen();
      filter();
    });
    showChosen();
  }

  function enhanceAll(root) {
    Array.prototype.forEach.call(
      (root || document).querySelectorAll("select[multiple][data-searchable]"),
      enhance
    );
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceAll(document);
    });
  } else {
    enhanceAll(document);
  }
  document.addEventListener("htmx:load", function (event) {
    enhanceAll(event.target);
  });
})();
