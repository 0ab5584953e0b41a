"""One translation mechanism: every msgid the package uses has an Indonesian translation."""

from __future__ import annotations

import ast
from pathlib import Path

import berdikari
from berdikari.i18n import catalogue, t
from berdikari.vocab import VOCABULARIES

SRC = Path(berdikari.__file__).parent


def used_msgids() -> dict[str, str]:
    """msgid → where, for every t("literal", ...) call in the package."""
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("t", "_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_every_msgid_has_an_indonesian_translation():
    ids = catalogue("id")
    used = used_msgids()
    used.update({m.msgid: f"vocab.{type(m).__name__}" for c in VOCABULARIES.values() for m in c})
    missing = [f"{where}: {msgid!r}" for msgid, where in used.items() if msgid not in ids]
    assert len(used) > 10
    assert missing == [], "add these to src/berdikari/i18n/id/berdikari.po:\n" + "\n".join(missing)


def test_translation_and_placeholders():
    assert t("Readiness: {pct}%", "id", pct=80) == "Kesiapan: 80%"
    assert t("Readiness: {pct}%", "en", pct=80) == "Readiness: 80%"
    assert t("Major", "id") == "Mayor"


def test_unknown_msgid_falls_back_to_english():
    assert t("No such message", "id") == "No such message"


def test_every_translation_is_still_used():
    """A catalogue entry no code uses any more is dead weight that drifts: remove it."""
    strings: set[str] = set()  # every string literal (implicit concatenation already joined)
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
    unused = [msgid for msgid in catalogue("id") if msgid and msgid not in strings]
    assert unused == [], "remove from src/berdikari/i18n/id/berdikari.po:\n" + "\n".join(unused)
