"""Let phones keep the app's JavaScript: files whose name carries a content hash never change.

Voila serves the JupyterLab extensions (the widgets' JavaScript, about 1 MB compressed) with
``Cache-Control: no-cache``, so every visit asks again for each of ~90 files: on weak data that
is 90 round trips before the app appears. A webpack file name such as
``324.ee1c7d64c48a4b927622.js`` holds a hash of its content, so a new version always has a new
name: :class:`HashedAssetsHandler` lets browsers keep those for a year without asking. Every other
file keeps Voila's headers (revalidated with ETag, answered "304 Not Modified").

This module must never serve anything Voila's own handler would not.
"""

from __future__ import annotations

import re

from jupyter_server.base.handlers import FileFindHandler

HASHED_NAME = re.compile(r"[./][0-9a-f]{16,}\.js$")
"""``<chunk>.<hash>.js`` or ``remoteEntry.<hash>.js``: webpack's content-hashed names."""


class HashedAssetsHandler(FileFindHandler):
    """Voila's labextensions handler, with a year-long cache for content-hashed files."""

    def set_headers(self) -> None:
        super().set_headers()
        if HASHED_NAME.search(self.request.path):
            self.set_header("Cache-Control", "public, max-age=31536000, immutable")
