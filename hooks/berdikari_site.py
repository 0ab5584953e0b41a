"""MkDocs hook file: the logic lives in :mod:`berdikari.site` (tested there); this only names it."""

from berdikari.site import on_config, on_files, on_page_markdown

__all__ = ["on_config", "on_files", "on_page_markdown"]
