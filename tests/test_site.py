"""The guide site: strict build, generated checklist pages, back-links, no third-party requests."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest
from typer.testing import CliRunner

from berdikari import checklists as cl
from berdikari import site
from berdikari import site_pages as pages
from berdikari.cli import app
from berdikari.config import ROOT

from .conftest import FIXTURES

MKDOCS = str(Path(sys.executable).parent / "mkdocs")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def mkdocs_build(
    config: Path, dest: Path, *, strict: bool, env=None
) -> subprocess.CompletedProcess:
    # never -q: it drops the warnings that --strict counts
    args = [MKDOCS, "build", "-f", str(config), "-d", str(dest)]
    args.append("--strict" if strict else "--no-strict")
    env = {**(env or os.environ), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The real site, built without --strict so that the checks below run even when a link is
    broken (test_strict_build reports those)."""
    dest = tmp_path_factory.mktemp("site")
    proc = mkdocs_build(ROOT / "mkdocs.yml", dest, strict=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dest


def test_strict_build_succeeds(tmp_path):
    proc = mkdocs_build(ROOT / "mkdocs.yml", tmp_path, strict=True)
    warnings = [line for line in proc.stderr.splitlines() if "WARNING" in line]
    assert proc.returncode == 0, "\n".join(warnings) or proc.stderr[-3000:]
    assert (tmp_path / "index.html").is_file()


def test_every_checklist_page_holds_every_item_and_each_guide_links_back(built):
    checklists = cl.load_all()
    assert checklists, "no checklists to render"
    assert site.verify_site(built, checklists) == []


def test_checklist_page_shows_item_details(built):
    c = cl.load_all()["cppob-irtp"]
    page = (built / "referensi/daftar-periksa/cppob-irtp/index.html").read_text("utf-8")
    item = c.items[0]
    assert f'id="{pages.item_anchor(item.id)}"' in page
    assert pages.item_anchor("CPPOB-IRTP-01.01") == "cppob-irtp-01.01"
    for text in (item.question.id, item.question.en, item.requirement.id, item.evidence.id):
        assert pages._e(text) in page
    assert c.regulation(item.cites.regulation).number in page
    assert pages._e(item.cites.clause) in page
    # the level table comes from scoring.IRTP_LEVEL_TABLE and the audit frequencies
    assert "Pemeriksaan diri" in page and "setiap dua bulan" in page and "setiap hari" in page
    # maintainers' notes (what is unconfirmed, where it was read) stay off owners' pages; only
    # owner-facing notes are shown (issue 14; tests/test_checklists_owner_notes.py)
    doubtful = c.regulation("perka-bpom-2207-2012")
    assert doubtful.uncertain and pages._e(doubtful.uncertain) not in page
    assert item.provenance and pages._e(item.provenance) not in page
    assert "retr()" not in page and "input_pemeriksaan_sarana" not in page
    # the guide link resolves to the page and anchor the item names
    assert 'href="../../../panduan/cppob-irtp/a-lokasi/#lingkungan"' in page
    # the paper form: header fields, answer boxes, notes, signatures (print-only)
    assert page.count('class="bdk-print-only bdk-answer"') == len(c.items)
    assert page.count('class="bdk-print-only bdk-notes"') == len(c.items)
    for label in ("Nama usaha (UMKM)", "Tanggal", "Tanda tangan pendamping"):
        assert label in page
    for box in ("Ya", "Tidak", "Sebagian", "Tidak berlaku"):
        assert f'<span class="bdk-box">{box}</span>' in page


def test_english_checklist_page_and_regulation_index(built):
    checklists = cl.load_all()
    c = checklists["cppob-irtp"]
    en = (built / "en/reference/checklists/cppob-irtp/index.html").read_text("utf-8")
    assert c.items[0].question.en.replace("'", "&#x27;") in en
    assert "Yes</span>" in en and "Not applicable" in en
    assert 'href="../../../../referensi/daftar-periksa/cppob-irtp/" hreflang="id"' in en
    regs = (built / "referensi/regulasi/index.html").read_text("utf-8")
    for checklist in checklists.values():
        for item in checklist.items:
            reg = checklist.regulation(item.cites.regulation)
            assert f'id="{pages.regulation_anchor(reg)}"' in regs
            assert f"#{pages.item_anchor(item.id)}" in regs, item.id


def test_print_stylesheet_hides_navigation_and_shows_the_form(built):
    css = (built / "stylesheets/berdikari.css").read_text("utf-8")
    screen, _, printed = css.partition("@media print")
    assert re.search(r"\.bdk-print-only\s*\{\s*display:\s*none", screen)
    for selector in (".md-header", ".md-sidebar", ".md-footer", ".md-search", ".bdk-screen-only"):
        assert selector in printed
    assert re.search(r"\.bdk-print-only\s*\{\s*display:\s*block", printed)
    page = (built / "referensi/daftar-periksa/cppob-irtp/index.html").read_text("utf-8")
    assert "stylesheets/berdikari.css" in page


def _contrast(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_site_colours_pass_wcag_aa_contrast():
    """The programme's green, as declared for the theme, reads at 4.5:1 or more (WCAG AA text):
    white header text on it, and it (links, the accent on hover) on white. The browser check of
    whole pages is tests/e2e/test_accessibility.py."""
    css = (ROOT / "guides/stylesheets/berdikari.css").read_text("utf-8")
    colours = dict(re.findall(r"(--md-[a-z-]+):\s*(#[0-9a-fA-F]{6})\b", css))
    assert _contrast("#4caf50", "#ffffff") < 4.5  # Material's green 500: the colour replaced
    for var in ("--md-primary-fg-color", "--md-primary-fg-color--dark", "--md-accent-fg-color"):
        assert _contrast(colours[var], "#ffffff") >= 4.5, (var, colours[var])
    assert colours["--md-primary-bg-color"].lower() == "#ffffff"
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    assert re.search(r"primary:\s*custom", config) and re.search(r"accent:\s*custom", config)


def test_theme_overrides_only_name_the_dialog_and_the_progress_bar(built):
    """overrides/partials/ copies Material's partials to add an aria-label and nothing else, so a
    Material upgrade that changes them fails here instead of being masked by a stale copy."""
    import material

    theirs = Path(material.__file__).parent / "templates" / "partials"
    overrides = sorted((ROOT / "overrides" / "partials").glob("*.html"))
    assert [p.name for p in overrides] == ["progress.html", "search.html"]
    comment = re.compile(r"\{#-.*?-#\}\s*", re.S)
    for ours in overrides:
        mine = comment.sub("", ours.read_text("utf-8"))
        assert (
            mine.count(" aria-label=")
            == (theirs / ours.name).read_text("utf-8").count(" aria-label=") + 1
        ), ours.name
        stripped = re.sub(r' aria-label="[^"]*"(?=>)', "", mine, count=1)
        assert stripped.strip() == comment.sub("", (theirs / ours.name).read_text("utf-8")).strip()
    home = (built / "index.html").read_text("utf-8")
    assert re.search(r'<div class="md-search"[^>]*role="dialog" aria-label="Cari"', home)
    assert re.search(r'<div class="md-progress"[^>]*role="progressbar" aria-label="\w', home)


def test_search_worker_mend_adds_one_separator_and_refuses_unknown_code():
    """berdikari.site_search changes Material's worker in one place only, and stops the build
    when lunr's code is not where it expects it (tests/e2e/test_site_browser.py runs the result)."""
    import material

    from berdikari import site_search

    workers = Path(material.__file__).parent / "templates/assets/javascripts/workers"
    (worker,) = workers.glob("search.*.min.js")
    source = worker.read_text("utf-8")
    mended = site_search.mend_worker(source)
    assert len(mended) == len(source) + len('+"|"')
    assert mended.replace('.id+"|"}', ".id}", 1) == source
    with pytest.raises(site_search.SearchWorkerError, match="Material changed"):
        site_search.mend_worker(source.replace("this._str", "this.key"))


def test_guide_anchor_reader_agrees_with_the_built_pages(built):
    """berdikari.guide_anchors (used by 'checklists validate' and the back-links) names exactly
    the heading ids MkDocs writes, and every anchor it names exists on the built page."""
    from berdikari.guide_anchors import page_anchors
    from berdikari.site_html import read_page

    checked = 0
    for md in sorted((ROOT / "guides").rglob("*.md")):
        rel = md.relative_to(ROOT / "guides").as_posix()
        page = read_page(site._built_page(built, rel).read_text("utf-8"))
        mine = page_anchors(md)
        assert mine <= set(page.ids), (rel, sorted(mine - set(page.ids)))
        headings = {i for i in page.heading_ids() if not i.startswith("__")}
        assert headings <= mine, (rel, sorted(headings - mine))
        checked += 1
    assert checked > 50


def test_strict_build_fails_on_a_link_to_a_missing_anchor(tmp_path):
    """MkDocs' own anchor validation (strict) stops the build when a guide links to a heading
    that does not exist."""
    config = _fixture_config(tmp_path)
    guide = tmp_path / "guides/panduan/contoh.md"
    env = {**os.environ, "BERDIKARI_CHECKLISTS_DIR": str(FIXTURES / "checklists")}
    assert mkdocs_build(config, tmp_path / "ok", strict=True, env=env).returncode == 0
    guide.write_text(
        guide.read_text("utf-8") + "\nLihat [air](contoh.md#tidak-ada-judul-ini).\n", "utf-8"
    )
    proc = mkdocs_build(config, tmp_path / "site", strict=True, env=env)
    assert proc.returncode != 0
    assert "tidak-ada-judul-ini" in proc.stderr


def test_page_map_reads_regions_and_element_spans():
    from berdikari.site_html import read_page

    html = (
        '<ul><li class="md-nav__item"><a href="#a">A</a><ul><li class="md-nav__item">'
        '<a href="#b">B</a></li></ul></li></ul>'
        '<h2 id="a">A</h2><p>x <a href="p/#one">1</a></p><div id="d"><a href="q">2</a></div>'
        '<h2 id="b">B<br></h2><img src="i.png"><a href="r">3</a>'
    )
    page = read_page(html)
    assert page.links_after["a"] == ["p/#one", "q"]
    assert page.links_after["d"] == ["q"]
    assert page.links_after["b"] == ["r"]
    assert page.heading_ids() == ["a", "b"]
    outer, inner = [e for e in page.elements if e.tag == "li"]
    assert (outer.first_link, inner.first_link) == ("#a", "#b")
    assert html[outer.start : outer.end].endswith("</ul></li>")
    assert html[inner.start : inner.end] == '<li class="md-nav__item"><a href="#b">B</a></li>'
    assert page.has_text("B") and page.has_text("x") and not page.has_text("x 1")


# --- no request to a third-party host --------------------------------------------------------

_HTML_REFS = re.compile(
    r"""<(?P<tag>script|img|iframe|source|audio|video|embed|link|use|image)\b(?P<attrs>[^>]*)>""",
    re.I,
)
_ATTR = re.compile(r"""\b(src|href|srcset|data|xlink:href)\s*=\s*["']([^"']*)["']""", re.I)
_CSS_REFS = re.compile(r"""url\(\s*["']?([^"')]+)|@import\s+(?:url\()?\s*["']([^"']+)""", re.I)
# Material's bundle names two scripts it loads only in special cases: mermaid.js for a page with a
# diagram (no page has one: checked below), and a ResizeObserver polyfill for pre-2018 browsers
# (our local stand-in is loaded first on every page: test_every_page_loads_the_local_polyfill).
_JS_LOADS = re.compile(r"""["']((?:https?:)?//[^"']+\.(?:css|js(?:on)?))["']""", re.I)
KNOWN_CONDITIONAL_JS = {"https://unpkg.com/mermaid@11/dist/mermaid.min.js"}


def _third_party(url: str) -> bool:
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and parsed.hostname not in LOCAL_HOSTS


def third_party_refs(site_dir: Path) -> list[str]:
    found = []
    for path in site_dir.rglob("*"):
        if path.suffix not in (".html", ".css", ".js"):
            continue
        text = path.read_text("utf-8", errors="replace")
        rel = path.relative_to(site_dir)
        if path.suffix == ".html":
            for m in _HTML_REFS.finditer(text):
                attrs = m.group("attrs")
                if m.group("tag").lower() == "link" and re.search(
                    r"""rel=["'](canonical|alternate)["']""", attrs
                ):
                    continue  # names the page, never fetched
                for _, value in _ATTR.findall(attrs):
                    for url in value.split(","):
                        if _third_party(url.strip().split(" ")[0]):
                            found.append(f"{rel}: <{m.group('tag')}> {url.strip()}")
        for m in _CSS_REFS.finditer(text if path.suffix != ".js" else ""):
            url = m.group(1) or m.group(2)
            if _third_party(url):
                found.append(f"{rel}: url()/@import {url}")
        if path.suffix == ".js":
            for url in _JS_LOADS.findall(text):
                if _third_party(url) and url not in KNOWN_CONDITIONAL_JS:
                    found.append(f"{rel}: script loads {url}")
        if path.suffix == ".html" and 'class="mermaid"' in text:
            found.append(f"{rel}: a mermaid diagram would load mermaid.js from a CDN")
    return sorted(found)


def test_built_site_requests_nothing_from_third_party_hosts(built):
    assert third_party_refs(built) == []


def test_every_page_loads_the_local_resize_observer_before_materials_bundle(built):
    pages = list(built.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        text = path.read_text("utf-8")
        if "bundle." not in text:
            continue
        shim = text.find("javascripts/resize-observer.js")
        assert 0 <= shim < text.find("assets/javascripts/bundle."), path


def test_third_party_scan_catches_a_cdn_script(tmp_path):
    (tmp_path / "a.html").write_text('<script src="https://cdn.example.org/x.js"></script>')
    (tmp_path / "b.css").write_text("@import 'https://fonts.example.com/f.css'; a{}")
    (tmp_path / "c.html").write_text('<link rel="stylesheet" href="//cdn.example.org/s.css">')
    (tmp_path / "d.html").write_text('<a href="https://www.pom.go.id/">BPOM</a>')  # a link: fine
    assert len(third_party_refs(tmp_path)) == 3


# --- the verify step fails on its own -------------------------------------------------------------


def _fixture_config(tmp: Path) -> Path:
    """A small site: the fixture guides and the real hook, with the generated pages in the nav."""
    docs = tmp / "guides"
    shutil.copytree(FIXTURES / "guides", docs)
    (docs / "index.md").write_text("# Contoh\n", encoding="utf-8")
    config = tmp / "mkdocs.yml"
    config.write_text(
        f"""site_name: Contoh
docs_dir: {docs}
theme: {{name: material, language: id, font: false}}
hooks: [{ROOT / "hooks" / "berdikari_site.py"}]
markdown_extensions: [admonition, attr_list, md_in_html, def_list, tables, toc]
validation:
  links: {{anchors: warn, unrecognized_links: warn}}
nav:
  - index.md
  - panduan/contoh.md
  - referensi/daftar-periksa/index.md
  - referensi/regulasi.md
  - en/reference/checklists/index.md
  - en/reference/regulations.md
""",
        encoding="utf-8",
    )
    return config


def test_verify_fails_when_an_item_is_missing_from_its_page(tmp_path, monkeypatch):
    full = FIXTURES / "checklists"
    cut = tmp_path / "checklists"
    cut.mkdir()
    text = (full / "contoh-irtp.yaml").read_text("utf-8")
    head, sep, last_item = text.rpartition("      - id: CONTOH-01.02")
    assert sep, "fixture changed: CONTOH-01.02 not found"
    (cut / "contoh-irtp.yaml").write_text(head, encoding="utf-8")

    env = {**os.environ, "BERDIKARI_CHECKLISTS_DIR": str(cut)}
    dest = tmp_path / "site"
    proc = mkdocs_build(_fixture_config(tmp_path), dest, strict=True, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]

    docs = tmp_path / "guides"
    assert (
        site.verify_site(dest, {"contoh-irtp": cl.load_file(cut / "contoh-irtp.yaml", docs)}) == []
    )
    problems = site.verify_site(
        dest, {"contoh-irtp": cl.load_file(full / "contoh-irtp.yaml", docs)}
    )
    assert any("CONTOH-01.02: missing from" in p for p in problems), problems
    assert any("no back-link to contoh-irtp@1.0:CONTOH-01.02" in p for p in problems), problems


def test_invalid_checklist_stops_the_build_with_its_location(tmp_path):
    bad = tmp_path / "checklists"
    bad.mkdir()
    text = (FIXTURES / "checklists" / "contoh-irtp.yaml").read_text("utf-8")
    (bad / "contoh-irtp.yaml").write_text(text.replace("criticality: kritis", "criticality: huge"))
    env = {**os.environ, "BERDIKARI_CHECKLISTS_DIR": str(bad)}
    proc = mkdocs_build(_fixture_config(tmp_path), tmp_path / "site", strict=True, env=env)
    assert proc.returncode != 0
    assert "contoh-irtp.yaml:" in proc.stderr and "CONTOH-01.02" in proc.stderr


# --- back-link injection, unit level ---------------------------------------------------------------


def test_backlink_box_goes_right_under_the_target_heading(fixture_dirs):
    c = cl.load_file(FIXTURES / "checklists" / "contoh-irtp.yaml", FIXTURES / "guides")
    targets = pages.backlink_targets({c.id: c})["panduan/contoh.md"]
    md = (FIXTURES / "guides/panduan/contoh.md").read_text("utf-8")
    out = pages.inject_backlinks(md, "panduan/contoh.md", targets).split("\n")
    i = out.index("## Air bersih { #air }")
    assert out[i + 2] == '!!! abstract "Butir daftar periksa"'
    assert "../referensi/daftar-periksa/contoh-irtp.md#contoh-01.02" in out[i + 4]
    j = out.index("## Lingkungan bersih")
    assert "#contoh-01.01" in out[j + 4]


def test_backlinks_skip_code_blocks_and_fall_back_to_the_title(fixture_dirs):
    c = cl.load_file(FIXTURES / "checklists" / "contoh-irtp.yaml", FIXTURES / "guides")
    targets = pages.backlink_targets({c.id: c})["panduan/contoh.md"]
    md = "# Contoh\n\n```\n## Air bersih { #air }\n```\n\n## Air bersih { #air }\n"
    out = pages.inject_backlinks(md, "panduan/contoh.md", {"air": targets["air"]}).split("\n")
    assert out[3] == "## Air bersih { #air }" and out[4] == "```"  # untouched inside the fence
    assert out.index('!!! abstract "Butir daftar periksa"') == out.index("```", 4) + 4
    page_level = pages.inject_backlinks(
        "# Contoh\n\nTeks.\n", "panduan/contoh.md", {None: targets["air"]}
    )
    assert page_level.split("\n")[2] == '!!! abstract "Butir daftar periksa"'


# --- CLI -------------------------------------------------------------------------------------------


def test_cli_site_build_needs_no_npm(tmp_path, monkeypatch):
    monkeypatch.setattr(site.shutil, "which", lambda name: None)  # no npm, no node
    result = CliRunner().invoke(app, ["site", "build", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output[-3000:]
    assert result.output.strip() == str(tmp_path / "out")
    assert (tmp_path / "out/referensi/daftar-periksa/cppob-irtp/index.html").is_file()


def test_cli_offline_build_without_npm_fails_clearly(tmp_path, monkeypatch):
    monkeypatch.setattr(site.shutil, "which", lambda name: None)
    monkeypatch.setattr(site, "cache_dir", lambda: tmp_path / "cache")
    result = CliRunner().invoke(app, ["site", "build", "--offline", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "needs npm" in result.output and "iframe-worker" in result.output
    assert not (tmp_path / "berdikari-offline.zip").exists()


def test_cli_offline_archive(tmp_path):
    """The real offline build: shim from the npm registry (cached), a zip for file:// use."""
    result = CliRunner().invoke(app, ["site", "build", "--offline", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output[-3000:]
    archive = tmp_path / "berdikari-offline.zip"
    assert result.output.strip() == str(archive)
    with zipfile.ZipFile(archive) as z:
        names = set(z.namelist())
        assert "berdikari/index.html" in names
        assert "berdikari/search/search_index.js" in names  # search without a server
        assert f"berdikari/{site.IFRAME_WORKER_SITE_PATH}" in names
        assert "berdikari/referensi/daftar-periksa/cppob-irtp.html" in names
        assert not [n for n in names if n.endswith(".map")]  # developers' files stay out
        page = z.read("berdikari/referensi/daftar-periksa/cppob-irtp.html").decode()
        shim = z.read(f"berdikari/{site.IFRAME_WORKER_SITE_PATH}").decode()
    assert "unpkg.com" not in page
    assert '<script src="../../assets/javascripts/iframe-worker/shim.js"' in page
    assert "postMessage" in shim  # the npm package's shim, not an empty placeholder


def test_a_regulation_is_named_once_however_its_number_is_written(fixture_dirs):
    c = cl.load_file(FIXTURES / "checklists" / "contoh-irtp.yaml", FIXTURES / "guides")
    reg = c.regulations[0]
    with_year = reg.model_copy(update={"number": f"{reg.number} Tahun {reg.year}"})
    assert pages.regulation_anchor(with_year) == pages.regulation_anchor(reg)
    assert pages._reg_name(with_year, "id") == f"{reg.number} Tahun {reg.year}"
    assert pages._reg_name(with_year, "en") == f"{reg.number} of {reg.year}"
