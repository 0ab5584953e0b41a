"""Layout checks for the staff apps' browser tests (issue 16), shared by the programme and the
facilitator tests: controls that cover one another, words broken across lines, and full-page
screenshots into build/screenshots/ (gitignored). JavaScript run in the page; nothing here
changes the page but its viewport height for a screenshot.
"""

from __future__ import annotations

from pathlib import Path

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"

OVERLAPS = """() => {
  const els = [...document.querySelectorAll(
    '.bdk-app button, .bdk-app select, .bdk-app input, .bdk-app a, .bdk-app textarea')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
  const box = e => { const r = e.getBoundingClientRect();
    return {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height}; };
  const name = e => e.tagName + '.' + [...e.classList].join('.') + ' ' +
    (e.innerText || e.value || '').slice(0, 30);
  const out = [];
  for (let i = 0; i < els.length; i++) for (let j = i + 1; j < els.length; j++) {
    const a = els[i], b = els[j];
    if (a.contains(b) || b.contains(a)) continue;
    const p = box(a), q = box(b);
    const dx = Math.min(p.x + p.w, q.x + q.w) - Math.max(p.x, q.x);
    const dy = Math.min(p.y + p.h, q.y + q.h) - Math.max(p.y, q.y);
    if (dx > 1 && dy > 1) out.push(name(a) + ' × ' + name(b));
  }
  return out;
}"""

BROKEN_WORDS = """(sel) => {
  // a word is broken when its letters are laid out on more than one line
  const out = [];
  for (const cell of document.querySelectorAll(sel)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const re = /\\S+/g; let m;
      while ((m = re.exec(n.data))) {
        const r = document.createRange();
        r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
        const tops = new Set([...r.getClientRects()].filter(x => x.width > 0)
                                                     .map(x => Math.round(x.top)));
        if (tops.size > 1) out.push(m[0]);
      }
    }
  }
  return out;
}"""


def screenshot(page, name: str, width: int) -> Path:
    """The whole app in one picture (Voila scrolls inside its own container, so the viewport is
    made as tall as the app first, then set back to 800 px)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    tall = page.evaluate("() => document.querySelector('.bdk-app').scrollHeight") + 200
    page.set_viewport_size({"width": width, "height": tall})
    path = SHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": 800})
    return path
