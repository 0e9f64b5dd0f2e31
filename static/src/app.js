// Small progressive enhancements for every page (no framework, CSP-safe: no inline script).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var source = copy.parentElement.querySelector(".copy-source");
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.value).then(function () {
          copy.textContent = copy.getAttribute("data-copied") || "Copié ✓";
        });
      } else if (source) {
        source.select();
      }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-color]").forEach(function (el) {
      el.style.backgroundColor = el.getAttribute("data-color");
    });
  });
  // "/" focuses the search box, as on most wikis; ignored while typing in a field.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (document.activeElement && document.activeElement.tagName) || "";
    if (/INPUT|TEXTAREA|SELECT/.test(tag) || (document.activeElement && document.activeElement.isContentEditable)) return;
    var box = document.querySelector("[data-search-box]");
    if (box) { event.preventDefault(); box.focus(); }
  });
})();
