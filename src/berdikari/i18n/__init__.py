"""The one translation mechanism: gettext catalogues (``.po``) read with Babel.

Source strings (msgid) are English; ``id/berdikari.po`` holds the Indonesian translations and is
the default language. Call ``t("Saved", lang)`` (or ``t("{n} items", lang, n=3)``). A msgid
missing from a catalogue falls back to the English text, and ``tests/test_i18n.py`` fails on any
``t("...")`` call in the package whose msgid lacks an Indonesian translation.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LANGS = ("id", "en")
DEFAULT_LANG = "id"
_DIR = Path(__file__).parent


@cache
def catalogue(lang: str) -> dict[str, str]:
    path = _DIR / lang / "berdikari.po"
    if not path.exists():
        return {}
    with path.open("rb") as f:
        cat = read_po(f, locale=lang)
    return {m.id: m.string for m in cat if m.id and m.string and not m.fuzzy}


def t(msgid: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """Translate ``msgid`` into ``lang`` and fill ``{name}`` placeholders from ``values``."""
    text = catalogue(lang).get(msgid, msgid) if lang != "en" else msgid
    return text.format(**values) if values else text
