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
  // "Tout afficher" in a page view's tree: the whole tree in place (the link alone, without
  // script, opens the page of the whole tree). The current page stays marked and focused.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-tree-all]");
    var holder = link && link.closest("[data-tree]");
    if (!holder || event.ctrlKey || event.metaKey || event.shiftKey || !window.fetch) return;
    event.preventDefault();
    fetch(link.getAttribute("href") + "?fragment=1", { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var box = document.createElement("div");
        box.innerHTML = html;
        var tree = box.querySelector("[data-tree]");
        if (!tree) throw new Error("no tree");
        holder.replaceWith(tree);
        var here = tree.querySelector('a[href="' + window.location.pathname + '"]');
        if (here) { here.setAttribute("aria-current", "page"); here.focus(); }
      })
      .catch(function () { window.location.href = link.getAttribute("href"); });
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
