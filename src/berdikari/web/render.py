"""The one place pages are rendered: a Jinja2 environment with autoescape on.

Templates live in ``berdikari/web/templates``. Every template gets ``t`` (the one translation
function, :func:`berdikari.i18n.t`) and ``lang``; untrusted text is escaped by Jinja2 unless a
template says ``|safe``, which templates here never do for anything a user typed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from berdikari.i18n import t

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = t
    return env


def render(template: str, lang: str = "id", **context) -> str:
    """Render ``template`` (a path under ``templates/``) in ``lang``."""
    return environment().get_template(template).render(lang=lang, **context)
