// docsite search box: results as you type, keyboard navigation, "/" to focus.
// One box, two backends: the server's /api/search, or the static index of a frozen site
// (window.DocsiteStaticSearch, loaded on demand from _static/js/static-search.js).
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="docsite-search"]');
  var input = document.getElementById("search-input");
  var popup = document.getElementById("search-popup");
  if (!meta || !input || !popup) return;
  var mode = meta.getAttribute("content");
  var root = meta.getAttribute("data-root") || "./";
  var lang = meta.getAttribute("data-lang") || "en";
  var pageUrl = meta.getAttribute("data-page");
  // A site built with --offline names pages by their index.html and reads its index as scripts.
  var offline = meta.getAttribute("data-url-style") === "file";
  // A frozen site's index cannot be fetched from file:// (browsers refuse it): say so.
  var blocked = mode === "static" && !offline && window.location.protocol === "file:";
  var body = document.body;
  var timer = null;
  var active = -1;
  var latest = 0;

  function resolve(url) {
    // results carry site-absolute paths ("/zh/x/#a"); make them relative to this page
    var path = url.replace(/^\//, "");
    if (offline) path = path.replace(/^([^?#]*\/)?(?=[?#]|$)/, "$1index.html");
    return root + path;
  }

  function scriptText(url) {
    // _search/en/meta.json is _search/en/meta.js in an offline build, which stores the text
    // under "en/meta.json" (docsite/offline.py)
    var key = url.slice(url.lastIndexOf("_search/") + "_search/".length);
    var store = window.DocsiteSearchFiles = window.DocsiteSearchFiles || {};
    return new Promise(function (done) {
      var script = document.createElement("script");
      function finish() {
        var text = Object.prototype.hasOwnProperty.call(store, key) ? store[key] : null;
        delete store[key];
        script.remove();
        done(text);
      }
      script.src = url.replace(/\.json$/, ".js");
      script.onload = finish;
      script.onerror = finish;
      document.head.appendChild(script);
    });
  }

  var engine = null;
  function getEngine() {
    if (engine) return engine;
    if (mode === "server") {
      engine = Promise.resolve({
        search: function (q, scope) {
          var url = root + "api/search?limit=8&lang=" + encodeURIComponent(scope) + "&q=" + encodeURIComponent(q);
          return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); });
        }
      });
    } else {
      engine = new Promise(function (resolveEngine, reject) {
        var script = document.createElement("script");
        script.src = meta.getAttribute("data-static-js");
        script.onload = function () {
          var languages = (meta.getAttribute("data-languages") || lang).split(" ");
          resolveEngine(new window.DocsiteStaticSearch(root, languages, offline ? scriptText : null));
        };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return engine;
  }
  window.DocsiteSearch = { engine: getEngine, resolve: resolve };

  function options() { return popup.querySelectorAll('[role="option"]:not([aria-disabled])'); }

  function setActive(index) {
    var items = options();
    if (!items.length) return;
    active = (index + items.length) % items.length;
    items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }

  function close() {
    popup.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function noResults(className) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = body.getAttribute("data-no-results") || "No results";
    return p;
  }

  function unavailable(className) {
    var p = document.createElement("p");
    p.className = className + " search-unavailable";
    p.textContent = body.getAttribute("data-search-file") ||
      "Search cannot work in a page opened from a file. Serve the site over HTTP, or build it with --offline.";
    return p;
  }

  function showUnavailable() {
    popup.textContent = "";
    var message = unavailable("search-popup-empty");
    message.setAttribute("role", "option");
    message.setAttribute("aria-disabled", "true");
    popup.appendChild(message);
    popup.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }

  function hitLink(hit) {
    var a = document.createElement("a");
    a.href = resolve(hit.url);
    var title = document.createElement("span");
    title.className = "hit-title";
    title.textContent = hit.title + (hit.section ? " › " + hit.section : "");
    a.appendChild(title);
    return a;
  }

  function snippetElement(hit, tag) {
    var element = document.createElement(tag);
    element.className = "hit-snippet";
    element.innerHTML = hit.snippet;  // escaped by the index, with <mark> around hits
    return element;
  }

  function render(data, q) {
    popup.textContent = "";
    if (!data.results.length) {
      var empty = noResults("search-popup-empty");
      empty.setAttribute("role", "option");
      empty.setAttribute("aria-disabled", "true");
      popup.appendChild(empty);
    }
    data.results.forEach(function (hit, i) {
      var a = hitLink(hit);
      a.id = "search-option-" + i;
      a.setAttribute("role", "option");
      a.appendChild(snippetElement(hit, "span"));
      popup.appendChild(a);
    });
    var more = document.createElement("a");
    more.className = "search-popup-more";
    more.id = "search-option-more";
    more.setAttribute("role", "option");
    more.href = pageUrl + "?q=" + encodeURIComponent(q);
    more.textContent = body.getAttribute("data-all-results") || "All results";
    popup.appendChild(more);
    popup.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }

  function run() {
    var q = input.value.trim();
    if (!q) { close(); return; }
    if (blocked) { showUnavailable(); return; }
    var ticket = ++latest;
    getEngine().then(function (e) { return e.search(q, lang); }).then(function (data) {
      if (ticket === latest) render(data, q);
    }).catch(function () { close(); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); if (popup.hidden) run(); else setActive(active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); setActive(active < 0 ? -1 : active - 1); }
    else if (event.key === "Escape" && !popup.hidden) { event.preventDefault(); close(); }  // keeps the text
    else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = options()[active].href;
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (event.key === "/" && tag !== "input" && tag !== "textarea" && !event.target.isContentEditable) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });

  // The search page of a frozen site fills its results from the static index.
  var results = document.getElementById("search-results");
  if (results && blocked) {
    results.textContent = "";
    results.appendChild(unavailable("search-empty"));
  } else if (results && mode === "static") {
    var params = new URLSearchParams(window.location.search);
    if (params.get("q")) {
      var field = document.getElementById("search-page-input");
      if (field) field.value = params.get("q");
      var all = document.querySelector('.search-scope input');
      if (all) all.checked = params.get("lang") === "all";
      getEngine().then(function (e) { return e.search(params.get("q"), params.get("lang") === "all" ? "all" : lang, 20); })
        .then(function (data) { renderPage(results, data); });
    }
  }

  function renderPage(container, data) {
    container.textContent = "";
    if (!data.results.length) {
      container.appendChild(noResults("search-empty"));
      return;
    }
    var list = document.createElement("ol");
    list.className = "search-hits";
    data.results.forEach(function (hit) {
      var li = document.createElement("li");
      li.className = "search-hit";
      li.appendChild(hitLink(hit));
      li.appendChild(snippetElement(hit, "p"));
      list.appendChild(li);
    });
    container.appendChild(list);
  }
})();
