// Suggestions under the top-bar search box: page titles as you type (JSON from
// /recherche/suggestions), an ARIA combobox + listbox driven by the arrow keys.
// No framework, no inline script (CSP script-src 'self'); text is set with textContent.
(function () {
  "use strict";
  var DELAY = 120;

  function setup(form) {
    var input = form.querySelector("[data-search-box]");
    var list = form.querySelector("[role=listbox]");
    var url = form.getAttribute("data-suggest-url");
    var archived = form.getAttribute("data-label-archived") || "archivé";
    if (!input || !list || !url) return;
    var timer = null, active = -1, items = [], seq = 0;
    var scope = form.querySelector("input[name=space]");

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) input.setAttribute("aria-activedescendant", items[index].id);
      else input.removeAttribute("aria-activedescendant");
    }

    function option(s, i) {
      var li = document.createElement("li");
      li.id = "search-suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.url = s.url;
      var title = document.createElement("span");
      title.className = "suggestion-title";
      title.textContent = s.title;
      var meta = document.createElement("span");
      meta.className = "suggestion-meta";
      meta.textContent = s.kind_label + " · " + s.space + (s.archived ? " · " + archived : "");
      li.appendChild(title);
      li.appendChild(meta);
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();
        window.location.href = s.url;
      });
      return li;
    }

    function show(suggestions) {
      close();
      if (!suggestions.length || document.activeElement !== input) return;
      suggestions.forEach(function (s, i) { list.appendChild(option(s, i)); });
      items = Array.prototype.slice.call(list.children);
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      var params = new URLSearchParams({ q: q });
      if (scope && scope.value) params.set("space", scope.value);
      var mine = ++seq;
      fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (mine === seq) show(data.suggestions || []); })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = items[active].dataset.url;
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-suggest-url]").forEach(setup);
  });
})();
