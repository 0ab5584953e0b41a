"""Accessibility checks for browser tests: run axe-core in a Playwright page, keep the grave findings.

axe-core is the project's pinned npm dependency (package.json / package-lock.json at the repo
root; ``make test`` runs ``npm ci``). This module reads its ``axe.min.js`` from ``node_modules``
and injects it into the page under test. It must never download anything at test time (no CDN,
no registry): when the file is missing the test fails with the command that installs it.

Usage::

    from .axe import assert_no_serious, serious_violations

    page.goto(url)
    assert_no_serious(page)                   # fails listing rule, help and target selectors
    found = serious_violations(page)          # or inspect: list of axe violation dicts
    assert_no_serious(page, exclude=["#x"])   # CSS selectors axe should leave out (rarely)
"""

from __future__ import annotations

import functools
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
GRAVE = ("critical", "serious")

_RUN = """async ([context, tags]) => {
  const options = {resultTypes: ['violations']};
  if (tags.length) options.runOnly = {type: 'tag', values: tags};
  const r = await axe.run(context, options);
  return r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary || ''})),
  }));
}"""


@functools.cache
def _axe_source() -> str:
    assert AXE_JS.is_file(), (
        f"{AXE_JS.relative_to(REPO)} is missing: run 'make test-tools' "
        "(or 'npm ci' at the repository root) to install the pinned axe-core"
    )
    return AXE_JS.read_text(encoding="utf-8")


def violations(page, impacts=GRAVE, exclude=(), tags=()) -> list[dict]:
    """axe violations on the page's current document whose impact is in ``impacts``.

    ``exclude``: CSS selectors left out of the scan; ``tags``: axe rule tags to run (all when empty).
    Each item: ``{"id", "impact", "help", "helpUrl", "nodes": [{"target", "summary"}]}``.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # evaluated through the DevTools protocol, not as a <script> tag: the apps' and the site's
        # Content-Security-Policy allow no inline script, and the page stays as its users get it
        page.evaluate(_axe_source() + "\n;void 0")
    context = {"exclude": [[sel] for sel in exclude]} if exclude else {"exclude": []}
    found = page.evaluate(_RUN, [context, list(tags)])
    return [v for v in found if v["impact"] in impacts]


def serious_violations(page, exclude=()) -> list[dict]:
    """The critical and serious violations on the page (the level the project must keep at 0)."""
    return violations(page, GRAVE, exclude=exclude)


def describe(found: list[dict], limit: int = 8) -> str:
    """A readable list: one line per rule (impact, id, help), then up to ``limit`` targets."""
    lines = []
    for v in found:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} element(s))")
        for node in v["nodes"][:limit]:
            target = " >> ".join(" ".join(t) if isinstance(t, list) else t for t in node["target"])
            summary = node["summary"].replace("\n", " ").strip()
            lines.append(f"    {target}" + (f" — {summary[:200]}" if summary else ""))
        if len(v["nodes"]) > limit:
            lines.append(f"    ... and {len(v['nodes']) - limit} more")
    return "\n".join(lines)


def assert_no_serious(page, exclude=(), where: str = "") -> None:
    """Fail when axe finds any critical or serious violation on the page."""
    found = serious_violations(page, exclude=exclude)
    label = where or page.url
    assert not found, f"axe-core: critical/serious violations on {label}:\n{describe(found)}"
