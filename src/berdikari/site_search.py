"""Mends one bug in the site search's lunr, in the copy of Material's search worker the site ships.

lunr 2.3.9 (inside Material's ``assets/javascripts/workers/search.*.min.js``) builds its word
automaton by merging nodes whose ``TokenSet.toString()`` keys are equal. The key is the node's
final flag followed by each edge's character and child id, written one after the other with no
separator: a node with edges ``0`` and ``1`` to node 2 ("00212") and a node with one edge ``0`` to
node 212 ("00212") get the same key and are merged. Digits are edge characters on this site
(item IDs such as ``01.01``, versions such as ``cppob-irtp@1.0``), so whenever the guides' words
happen to number the nodes that way, real words vanish from the automaton and phantom ones appear
(in the build of commit 40f6a9b, ``irtp@1.0`` became ``irtp@1.01``), and every query touching
them fails inside the worker ("Invalid query", no result): "irtp" found nothing.

The fix ends each child id with ``|`` in that key, so keys can no longer be confused (the edge
character is one code unit, the id digits run to the ``|``). It is applied in the MkDocs hook to
the theme's worker file as the build copies it; the rest of the worker is left as it is.

This module never touches the search index or anything else in the theme, and it fails the
build (never silently ships the bug) when the code it mends is not found, as after an upgrade
of Material: then check whether lunr still has the bug and update or drop this fix.
"""

from __future__ import annotations

import re

WORKER_PREFIX = "assets/javascripts/workers/search."
"""Where Material's search worker sits in the built site (its name ends in a content hash)."""

_TO_STRING = re.compile(
    r"(TokenSet\.prototype\.toString=function\(\)\{if\(this\._str\)return this\._str;"
    r"for\(var (\w+)=this\.final\?\"1\":\"0\",[^{}]*\{var (\w+)=[^,;{}]+,(\w+)=this\.edges\[\3\];)"
    r"\2=\2\+\3\+\4\.id\}"
)
_MENDED = r'\1\2=\2+\3+\4.id+"|"}'


class SearchWorkerError(RuntimeError):
    """The search worker does not hold the code this module mends (Material changed)."""


def is_worker(src_uri: str) -> bool:
    return src_uri.startswith(WORKER_PREFIX) and src_uri.endswith(".min.js")


def mend_worker(source: str) -> str:
    """The worker's source with lunr's node key made unambiguous (exactly one place changed)."""
    mended, count = _TO_STRING.subn(_MENDED, source)
    if count != 1:
        raise SearchWorkerError(
            f"the search worker has {count} copies of lunr's TokenSet.toString where 1 was "
            "expected: Material changed; see berdikari.site_search before upgrading it"
        )
    return mended


def mend_files(files, config) -> None:
    """Replaces the theme's search worker in MkDocs' ``files`` with the mended one."""
    from mkdocs.structure.files import File

    workers = [f for f in files if is_worker(f.src_uri)]
    if len(workers) != 1:
        raise SearchWorkerError(f"expected one search worker in the theme, found {len(workers)}")
    worker = workers[0]
    files.remove(worker)
    mended = mend_worker(worker.content_string)
    files.append(File.generated(config, worker.src_uri, content=mended))
