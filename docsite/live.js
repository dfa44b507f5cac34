// Live reload for `python build.py serve` (never part of a built site): listens to the
// server's events, reloads this page when it changed (keeping the scroll position), and
// swaps a changed stylesheet in place.
(function () {
  "use strict";
  var script = document.currentScript;
  var page = script.getAttribute("data-page") || "";
  var root = script.getAttribute("data-root") || "/";
  var KEY = "docsite-scroll:" + location.pathname;

  try {
    var saved = sessionStorage.getItem(KEY);
    if (saved !== null) {
      sessionStorage.removeItem(KEY);
      var restore = function () { window.scrollTo(0, parseFloat(saved)); };
      if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
    }
  } catch (e) { /* storage unavailable */ }

  function reload() {
    try { sessionStorage.setItem(KEY, String(window.scrollY)); } catch (e) { /* ignore */ }
    location.reload();
  }

  var source = new EventSource(root + "_docsite/events");
  source.onmessage = function (message) {
    var event = JSON.parse(message.data);
    if (event.type === "reload") {
      if (page === "*" || event.pages.indexOf("*") >= 0 || event.pages.indexOf(page) >= 0) reload();
    } else if (event.type === "css") {
      var stem = event.name.replace(/\.css$/, ".");
      document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
        if (link.getAttribute("href").indexOf(stem) < 0) return;
        var fresh = link.cloneNode();
        fresh.href = root + event.href;
        fresh.onload = function () { link.remove(); };
        link.parentNode.insertBefore(fresh, link.nextSibling);
      });
    }
  };
  window.__docsiteLive = source;
})();
