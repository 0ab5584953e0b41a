"""The one reader of the anchors a guide's Markdown defines (berdikari.guide_anchors)."""

from __future__ import annotations

from berdikari import checklists as cl
from berdikari.guide_anchors import line_anchors, page_anchors


def test_heading_slug_explicit_id_and_html_id():
    assert line_anchors("## Air bersih & es batu") == {"air-bersih-es-batu"}
    assert line_anchors("### CPPOB-IRTP-01.01 { #cppob-irtp-01.01 .bdk-item }") == {
        "cppob-irtp-01.01"
    }
    assert line_anchors('<div id="unduh" markdown>') == {"unduh"}
    assert line_anchors("Teks biasa dengan #tagar") == set()


def test_code_blocks_define_no_anchor(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("# Judul\n\n```bash\n# bukan judul\n```\n\n## Sesudah kode\n", encoding="utf-8")
    assert page_anchors(page) == {"judul", "sesudah-kode"}


def test_a_guide_link_to_a_missing_heading_is_reported(tmp_path):
    (tmp_path / "panduan").mkdir()
    (tmp_path / "panduan/x.md").write_text("# X\n\n## Air\n", encoding="utf-8")
    assert cl.check_guide_link("panduan/x.md#air", tmp_path) is None
    message = cl.check_guide_link("panduan/x.md#udara", tmp_path)
    assert message and "#udara" in message
