/* Berdikari: a wide table that scrolls sideways (Material wraps each table in
   .md-typeset__scrollwrap) must be reachable by keyboard, or a keyboard user cannot read its
   right-hand columns (WCAG 2.1.1; axe-core rule scrollable-region-focusable). A wrap that
   overflows gets tabindex="0" and a name; one that fits gets neither, so it adds no tab stop. */
(function () {
  "use strict";
  var LABEL = "Tabel, geser ke samping untuk kolom lainnya";
  function mark() {
    var wraps = document.querySelectorAll(".md-typeset__scrollwrap");
    for (var i = 0; i < wraps.length; i++) {
      var w = wraps[i];
      if (w.scrollWidth > w.clientWidth + 1) {
        w.setAttribute("tabindex", "0");
        w.setAttribute("role", "region");
        w.setAttribute("aria-label", LABEL);
      } else if (w.getAttribute("aria-label") === LABEL) {
        w.removeAttribute("tabindex");
        w.removeAttribute("role");
        w.removeAttribute("aria-label");
      }
    }
  }
  /* document$ (Material) emits on the first load and after each instant navigation */
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(mark);
  else document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();
