"""The guide site in a real browser: search in Indonesian, reach a checklist, no third-party request."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest

from berdikari import checklists as cl
from berdikari import site
from berdikari import site_pages as pages

from .conftest import external_requests


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output readable
        pass


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory):
    """The real site, built (not strict: test_site.py owns that check)."""
    dest = tmp_path_factory.mktemp("site")
    site.build(dest, strict=False)
    return dest


@pytest.fixture(scope="module")
def site_url(site_dir):
    """The built site served on 127.0.0.1."""
    dest = site_dir
    handler = functools.partial(_Quiet, directory=str(dest))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


_SETTLED = """() => {
  const now = [...document.querySelectorAll('.md-search-result__link')].map(a => a.href).join();
  const same = now !== '' && now === window.__bdkLastResults;
  window.__bdkLastResults = now;
  return same;
}"""


def _search(page, url: str, query: str):
    """Open ``url``, type ``query`` into Material's search, return the result links."""
    page.goto(url)
    page.keyboard.press("/")  # Material's shortcut opens the search box on any screen size
    box = page.locator("input.md-search__input")
    box.press_sequentially(query, delay=30)  # key by key, as a person types
    results = page.locator(".md-search-result__item a.md-search-result__link")
    results.first.wait_for(state="visible")
    # results re-render while typing: wait until the list stays the same for one poll
    page.wait_for_function(_SETTLED, polling=500)
    return results


def test_search_in_indonesian_then_open_a_checklist(page, site_url):
    page.goto(site_url)
    assert page.locator("h1").first.inner_text().startswith("Mulai di sini")

    results = _search(page, site_url, "kerupuk")
    assert results.count() > 0

    results = _search(page, site_url, "CPPOB-IRTP-01.01")
    hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    target = next((h for h in hrefs if "daftar-periksa/cppob-irtp/" in h), None)
    assert target, hrefs
    page.locator(f'a.md-search-result__link[href="{target}"]').first.click()
    page.wait_for_url("**/referensi/daftar-periksa/cppob-irtp/**")

    c = cl.load_all()["cppob-irtp"]
    headings = page.locator("h3.bdk-item")
    assert headings.count() == len(c.items)
    assert headings.first.inner_text().startswith(c.items[0].id)
    assert page.locator(f'[id="{pages.item_anchor(c.items[0].id)}"]').is_visible()
    # the paper form stays out of the screen view
    assert not page.locator(".bdk-answer").first.is_visible()
    assert external_requests(page) == []


def test_checklist_prints_as_a_form(page, site_url):
    page.goto(site_url + "referensi/daftar-periksa/cppob-irtp/")
    page.emulate_media(media="print")
    assert page.locator(".bdk-answer").first.is_visible()
    assert page.locator(".bdk-form-header").is_visible()
    assert page.locator(".bdk-signatures").is_visible()
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert not page.locator(".bdk-detail").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert external_requests(page) == []


def test_guide_heading_links_back_to_its_item(page, site_url):
    page.goto(site_url + "panduan/cppob-irtp/a-lokasi/")
    box = page.locator("#lingkungan + .admonition.abstract")
    assert box.is_visible()
    box.locator("a", has_text="CPPOB-IRTP-01.01").click()
    page.wait_for_url("**/referensi/daftar-periksa/cppob-irtp/#cppob-irtp-01.01")
    assert external_requests(page) == []


def test_no_third_party_request_on_the_start_page(page, site_url):
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    assert external_requests(page) == []


def test_old_browser_without_resize_observer_asks_no_cdn(page, site_url):
    """Material loads a ResizeObserver polyfill from unpkg.com when the browser lacks one; the
    site's local stand-in must keep that request from happening."""
    page.add_init_script("delete window.ResizeObserver")
    page.goto(site_url + "panduan/cppob-irtp/a-lokasi/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof ResizeObserver") == "function"
    page.locator("a.md-footer__link--next").click()
    page.wait_for_load_state("networkidle")
    assert external_requests(page) == []


def test_offline_archive_searches_from_files(page, tmp_path):
    """The offline zip, unpacked as a phone would: search (npm's iframe-worker shim, served from
    the site) and the checklist pages work from file://."""
    archive = site.build_offline_archive(tmp_path, strict=False)
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "unpacked")
    dest = tmp_path / "unpacked" / "berdikari"
    results = _search(page, (dest / "index.html").as_uri(), "kerupuk")
    assert results.count() > 0
    page.goto((dest / "referensi/daftar-periksa/cppob-irtp.html").as_uri())
    assert page.locator("h3.bdk-item").count() == len(cl.load_all()["cppob-irtp"].items)
    web = [u for u in page.requested_urls if u.startswith(("http:", "https:"))]
    assert web == []


# --- the search worker's lunr (berdikari.site_search mends a word-automaton bug) --------------

_NODE_PRELUDE = """
const fs = require('fs');
let handler = null;
globalThis.self = globalThis;
globalThis.addEventListener = (type, h) => { if (type === 'message') handler = h; };
globalThis.postMessage = () => {};
(0, eval)(fs.readFileSync(process.argv[1], 'utf8'));
"""

_KEYS_COLLIDE = (
    _NODE_PRELUDE
    + """
// a node with edges "0" and "1" to node 2, and a node with one edge "0" to node 212
const leaf = new lunr.TokenSet(); leaf.id = 2; leaf.final = true;
const two = new lunr.TokenSet(); two.id = 1; two.edges['0'] = leaf; two.edges['1'] = leaf;
const far = new lunr.TokenSet(); far.id = 212; far.final = true;
const one = new lunr.TokenSet(); one.id = 3; one.edges['0'] = far;
console.log(JSON.stringify({collide: two.toString() === one.toString()}));
"""
)

_INDEX_WORDS = (
    _NODE_PRELUDE
    + """
let index = null;
const build = lunr.Builder.prototype.build;
lunr.Builder.prototype.build = function () { index = build.call(this); return index; };
const data = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
data.options = {suggest: true};
Promise.resolve(handler({data: {type: 0, data}})).then(() => {
  const words = Object.keys(index.invertedIndex);
  const reachable = index.tokenSet.toArray();
  const known = new Set(words), found = new Set(reachable);
  console.log(JSON.stringify({
    words: words.length,
    phantom: reachable.filter(w => !known.has(w)).slice(0, 20),
    lost: words.filter(w => !found.has(w)).slice(0, 20),
  }));
});
"""
)


def _node(script: str, *args) -> dict:
    node = shutil.which("node")
    assert node, "node is missing: run 'make system-deps' (Debian package nodejs)"
    proc = subprocess.run(
        [node, "-e", script, "--", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _worker(root: Path) -> Path:
    (worker,) = (root / "assets/javascripts/workers").glob("search.*.min.js")
    return worker


def test_search_worker_node_keys_cannot_collide(site_dir):
    """The built site's lunr tells the two nodes apart; Material's own copy does not (so the
    mend in berdikari.site_search is still needed, and this test can see the bug)."""
    import material

    theirs = _worker(Path(material.__file__).parent / "templates")
    assert _node(_KEYS_COLLIDE, theirs) == {"collide": True}
    assert _node(_KEYS_COLLIDE, _worker(site_dir)) == {"collide": False}


def test_every_indexed_word_is_searchable_and_no_other(site_dir):
    """The worker's word automaton, built from this site's search index as in the browser,
    holds exactly the index's words: a lost word finds nothing ("irtp" in the build of commit
    40f6a9b), a phantom one makes the worker fail every query that reaches it."""
    found = _node(_INDEX_WORDS, _worker(site_dir), site_dir / "search/search_index.json")
    assert found["words"] > 1000
    assert found["phantom"] == [] and found["lost"] == [], found
