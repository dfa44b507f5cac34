// docsite default theme: dark-mode toggle, nav drawer, copy buttons, language switcher
// keeping the section, TOC highlight. Progressive: every page works without it.
(function () {
  "use strict";
  var root = document.documentElement;
  var STORE = "docsite-theme";

  function effectiveTheme() {
    var chosen = root.getAttribute("data-theme");
    if (chosen === "dark" || chosen === "light") return chosen;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var next = effectiveTheme() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem(STORE, next); } catch (e) { /* private mode */ }
    });
  }

  var navToggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (navToggle && nav) {
    navToggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      navToggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("open")) {
        nav.classList.remove("open");
        navToggle.setAttribute("aria-expanded", "false");
        navToggle.focus();
      }
    });
  }

  // The language switcher goes to the same section of the other language.
  document.querySelectorAll(".lang-link").forEach(function (link) {
    link.addEventListener("click", function () {
      if (location.hash && link.href.indexOf("#") < 0) link.href += location.hash;
    });
  });

  // Copy buttons: prompts (.gp), output (.go) and line numbers are not copied.
  var copyLabel = [document.body.dataset.copyLabel || "Copy", document.body.dataset.copiedLabel || "Copied"];
  document.querySelectorAll(".codeblock").forEach(function (block) {
    var pre = block.querySelector("pre");
    if (!pre || !navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = copyLabel[0];
    button.addEventListener("click", function () {
      var clone = pre.cloneNode(true);
      clone.querySelectorAll(".gp, .go, .linenos").forEach(function (n) { n.remove(); });
      var text = clone.textContent.replace(/\n+$/, "\n");
      navigator.clipboard.writeText(text).then(function () {
        button.textContent = copyLabel[1];
        setTimeout(function () { button.textContent = copyLabel[0]; }, 1500);
      });
    });
    block.appendChild(button);
  });

  // Highlight the TOC entry of the section being read.
  var links = Array.prototype.slice.call(document.querySelectorAll(".toc a[href^='#']"));
  if (links.length && "IntersectionObserver" in window) {
    var byId = {};
    links.forEach(function (a) { byId[decodeURIComponent(a.getAttribute("href").slice(1))] = a; });
    var headings = Object.keys(byId).map(function (id) { return document.getElementById(id); }).filter(Boolean);
    var visible = {};
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { visible[e.target.id] = e.isIntersecting; });
      var current = headings.filter(function (h) { return visible[h.id]; })[0];
      if (!current) {
        current = headings.filter(function (h) { return h.getBoundingClientRect().top < 120; }).pop();
      }
      links.forEach(function (a) { a.classList.remove("active"); });
      if (current && byId[current.id]) byId[current.id].classList.add("active");
    }, { rootMargin: "-56px 0px -60% 0px" });
    headings.forEach(function (h) { observer.observe(h); });
  }
})();
