// The static site's start page: go to the reader's language, keep the links for everyone else.
(function () {
  "use strict";
  var links = document.querySelectorAll(".chooser-list a[data-lang]");
  var wanted = (navigator.languages || [navigator.language || ""]).map(function (l) {
    return String(l).toLowerCase().split("-")[0];
  });
  for (var i = 0; i < wanted.length; i++) {
    for (var j = 0; j < links.length; j++) {
      if (links[j].getAttribute("data-lang") === wanted[i]) {
        location.replace(links[j].href);
        return;
      }
    }
  }
})();
