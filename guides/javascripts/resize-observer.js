/* Berdikari: a local stand-in for ResizeObserver on browsers from before 2018. Without it,
   Material for MkDocs loads its polyfill from unpkg.com, a third-party host. Browsers that have
   ResizeObserver skip this file at once. It compares element sizes on resize and every 300 ms. */
(function () {
  "use strict";
  if (typeof window.ResizeObserver !== "undefined") return;
  var active = [];
  function checkAll() {
    for (var i = 0; i < active.length; i++) active[i]._check();
  }
  function ResizeObserver(callback) {
    this._callback = callback;
    this._targets = [];
  }
  ResizeObserver.prototype.observe = function (el) {
    for (var i = 0; i < this._targets.length; i++) if (this._targets[i].el === el) return;
    this._targets.push({ el: el, w: -1, h: -1 });
    if (active.indexOf(this) < 0) active.push(this);
    setTimeout(checkAll, 0); /* the first report comes later, as with the real one */
  };
  ResizeObserver.prototype.unobserve = function (el) {
    this._targets = this._targets.filter(function (t) { return t.el !== el; });
  };
  ResizeObserver.prototype.disconnect = function () {
    var self = this;
    this._targets = [];
    active = active.filter(function (o) { return o !== self; });
  };
  ResizeObserver.prototype._check = function () {
    var changed = [];
    for (var i = 0; i < this._targets.length; i++) {
      var t = this._targets[i], w = t.el.offsetWidth, h = t.el.offsetHeight;
      if (w !== t.w || h !== t.h) {
        t.w = w;
        t.h = h;
        changed.push({ target: t.el, contentRect: { top: 0, left: 0, width: w, height: h } });
      }
    }
    if (changed.length) this._callback(changed, this);
  };
  window.ResizeObserver = ResizeObserver;
  window.addEventListener("resize", checkAll);
  setInterval(checkAll, 300);
})();
