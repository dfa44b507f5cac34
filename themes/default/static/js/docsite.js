// docsite default theme: dark-mode toggle, nav drawer, copy buttons, language switcher
// keeping the section, focusable scrolling code, folding TOC and its highlight.
// Progressive: every page works without it.
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

  // The nav drawer of narrow screens, over a backdrop that dims the page beside it; Escape,
  // the button or a click outside (on the backdrop) closes it.
  var navToggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (navToggle && nav) {
    var backdrop = document.createElement("div");
    backdrop.className = "nav-backdrop";
    nav.parentNode.insertBefore(backdrop, nav.nextSibling);
    var showNav = function (open) {
      nav.classList.toggle("open", open);
      backdrop.classList.toggle("open", open);
      root.classList.toggle("nav-open", open);
      navToggle.setAttribute("aria-expanded", open ? "true" : "false");
    };
    navToggle.addEventListener("click", function () {
      showNav(!nav.classList.contains("open"));
    });
    var closeNav = function (refocus) {
      showNav(false);
      if (refocus) navToggle.focus();
    };
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("open")) closeNav(true);
    });
    document.addEventListener("click", function (event) {
      if (nav.classList.contains("open") && !nav.contains(event.target) && !navToggle.contains(event.target)) {
        closeNav(false);
      }
    });
  }

  // The language switcher goes to the same section of the other language.
  document.querySelectorAll(".lang-link").forEach(function (link) {
    link.addEventListener("click", function () {
      if (location.hash && link.href.indexOf("#") < 0) link.href += location.hash;
    });
  });

  // Copy buttons. In a block with prompts (console, pycon) only what the reader types is copied:
  // the lines that start with a prompt, without it, and the lines a trailing "\" continues.
  // Output, tracebacks and line numbers stay behind.
  function codeLines(pre) {
    var lines = [{ prompt: false, text: "" }];
    function walk(node) {
      if (node.nodeType === 3) {
        node.nodeValue.split("\n").forEach(function (part, i) {
          if (i > 0) lines.push({ prompt: false, text: "" });
          lines[lines.length - 1].text += part;
        });
      } else if (node.nodeType === 1 && !node.classList.contains("linenos")) {
        if (node.classList.contains("gp")) {
          var line = lines[lines.length - 1];
          if (!line.text.trim()) { line.prompt = true; line.text = ""; return; }
        }
        node.childNodes.forEach(walk);
      }
    }
    walk(pre);
    return lines;
  }
  function copyText(pre) {
    var lines = codeLines(pre);
    var prompted = lines.some(function (l) { return l.prompt; });
    var kept = [];
    var continues = false;
    lines.forEach(function (line) {
      if (!prompted || line.prompt || continues) {
        kept.push(line.text);
        continues = prompted && /\\\s*$/.test(line.text);
      } else {
        continues = false;
      }
    });
    return kept.join("\n").replace(/\n+$/, "") + "\n";
  }
  var copyLabel = [document.body.dataset.copyLabel || "Copy", document.body.dataset.copiedLabel || "Copied"];
  document.querySelectorAll(".codeblock").forEach(function (block) {
    var pre = block.querySelector("pre");
    if (!pre || !navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = copyLabel[0];
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(copyText(pre)).then(function () {
        button.textContent = copyLabel[1];
        setTimeout(function () { button.textContent = copyLabel[0]; }, 1500);
      });
    });
    block.appendChild(button);
  });

  // "Copy page as Markdown": the page's Markdown copy (index.md beside it) to the clipboard.
  // The text is fetched within the click, so a ClipboardItem takes it as a promise (Safari
  // allows a write only during the click); the result is announced in a status line.
  var copyPage = document.querySelector(".copy-page");
  if (copyPage && navigator.clipboard && location.protocol !== "file:") {
    var status = document.querySelector(".copy-page-status");
    copyPage.parentElement.hidden = false;
    copyPage.addEventListener("click", function () {
      var text = fetch(copyPage.getAttribute("data-src")).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.text();
      });
      var written = window.ClipboardItem && navigator.clipboard.write
        ? navigator.clipboard.write([new ClipboardItem({
            "text/plain": text.then(function (t) { return new Blob([t], { type: "text/plain" }); })
          })])
        : text.then(function (t) { return navigator.clipboard.writeText(t); });
      status.textContent = "";
      written.then(function () {
        status.textContent = copyPage.getAttribute("data-copied");
      }, function () {
        status.textContent = copyPage.getAttribute("data-failed");
      });
    });
  }

  // Code blocks, tables and API signatures that scroll sideways can be focused, so keys can
  // scroll them.
  function markScrollable() {
    document.querySelectorAll(".codeblock pre, .doc table, .api-signature").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
      else box.removeAttribute("tabindex");
    });
  }

  // The TOC folds where the theme's CSS says so (--toc-fold: 1, above the content on narrow
  // screens), and opens again where it does not; a reader's own choice stands until then.
  var tocBox = document.querySelector(".toc-box");
  var folded = null;
  function fold() {
    if (!tocBox) return;
    var wanted = getComputedStyle(tocBox).getPropertyValue("--toc-fold").trim() === "1";
    if (wanted !== folded) tocBox.open = !wanted;
    folded = wanted;
  }
  if (tocBox) {
    tocBox.addEventListener("click", function (event) {
      if (folded && event.target.closest("a")) tocBox.open = false;
    });
  }

  function layout() { markScrollable(); fold(); }
  layout();
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(layout, 150);
  });

  // Highlight the TOC entry of the section being read: the last heading above the reading
  // line, or the last one when the page is scrolled to its end.
  var links = Array.prototype.slice.call(document.querySelectorAll(".toc a[href^='#']"));
  var headings = links.map(function (a) {
    return document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
  });
  var header = document.querySelector(".site-header");
  var pending = false;
  function highlight() {
    pending = false;
    var line = (header ? header.getBoundingClientRect().bottom : 0) + 24;
    var current = -1;
    headings.forEach(function (h, i) { if (h && h.getBoundingClientRect().top <= line) current = i; });
    var end = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
    if (end && window.scrollY > 0) current = headings.length - 1;
    links.forEach(function (a, i) {
      a.classList.toggle("active", i === current);
      if (i === current) a.setAttribute("aria-current", "location");
      else a.removeAttribute("aria-current");
    });
  }
  if (links.length) {
    window.addEventListener("scroll", function () {
      if (!pending) { pending = true; requestAnimationFrame(highlight); }
    }, { passive: true });
    highlight();
  }
})();
