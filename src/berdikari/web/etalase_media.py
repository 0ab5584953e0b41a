"""The Etalase's pictures: product photos resized for phones, and each product's QR code.

**Photos.** The store keeps the original (JPEG or PNG, at most
:data:`berdikari.showcase.PHOTO_MAX_BYTES`, checked with Pillow when it was saved). A page never
sends it: :func:`resized` makes a copy :data:`WIDTHS` pixels wide (never wider than the original),
as WebP or JPEG, with the picture's orientation applied and its metadata (camera, place) left
out. Copies are kept in this process's memory, at most :data:`CACHE_BYTES` together, the least
recently used dropped first; a restart only makes them again. A photo's content never changes
under its id (a new photo is a new id), so the cache needs no invalidation; *whether* a photo may
be shown is decided by the caller on every request, never by this cache.

**QR codes** (:func:`qr_svg`, :func:`qr_png`): segno, error correction M (a label may be
scratched), the quiet zone of four modules the standard asks for.

This module must never read the database, never decide what is public, and never keep an
original photo in memory after its copy is made.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict

import segno
from PIL import Image, ImageOps

WIDTHS: tuple[int, ...] = (360, 720)
"""The widths (pixels) a photo is offered in: a 360 px phone (its column about 330 px) takes 360, a sharper one 720."""
FORMATS: dict[str, str] = {"webp": "image/webp", "jpg": "image/jpeg"}
"""Formats offered (file ending → media type): WebP first, JPEG for browsers without WebP."""
QUALITY = 72
CACHE_BYTES = 32 * 1024 * 1024
"""Memory the resized copies may take together in one process."""
MAX_PIXELS = 40_000_000
"""A picture larger than this is not decoded (the store refuses it too)."""


class _Cache:
    """Bytes by key, bounded by their total size (least recently used dropped first)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple, value: bytes) -> None:
        if len(value) > self.limit:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._size -= len(old) if old is not None else 0
            self._items[key] = value
            self._size += len(value)
            while self._size > self.limit:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)

    @property
    def size(self) -> int:
        return self._size


_cache = _Cache(CACHE_BYTES)


def resize(original: bytes, width: int, fmt: str) -> bytes:
    """``original`` as a ``width``-pixel-wide (at most its own width) WebP or JPEG."""
    if width not in WIDTHS or fmt not in FORMATS:
        raise ValueError(f"no such size: {width} {fmt}")
    with Image.open(io.BytesIO(original)) as im:
        if im.width * im.height > MAX_PIXELS:
            raise ValueError("picture too large")
        im = ImageOps.exif_transpose(im)
        im = im.convert("RGB")
        if im.width > width:
            im = im.resize((width, max(1, round(im.height * width / im.width))), Image.LANCZOS)
        out = io.BytesIO()
        if fmt == "webp":
            im.save(out, "WEBP", quality=QUALITY, method=4)
        else:
            im.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
        return out.getvalue()


def resized(photo_id: int, width: int, fmt: str, load) -> bytes | None:
    """The copy of photo ``photo_id`` at ``width`` in ``fmt``, from the cache or made from the
    original that ``load()`` returns (None: no such photo, and None is returned)."""
    key = (photo_id, width, fmt)
    found = _cache.get(key)
    if found is not None:
        return found
    original = load()
    if original is None:
        return None
    made = resize(original, width, fmt)
    _cache.put(key, made)
    return made


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an SVG document (black modules on white, 4 px a module)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", scale=4, border=4, xmldecl=False, svgns=True, title=None
    )
    return out.getvalue().decode("ascii")


def qr_png(url: str, scale: int = 10) -> bytes:
    """The QR code of ``url`` as a PNG, ``scale`` pixels a module (for print and PDFs)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
