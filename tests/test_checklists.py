"""The validator: real checklists pass; broken files are rejected with every error located."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from berdikari import checklists as cl
from berdikari.config import settings

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "checklists" / "contoh-irtp.yaml"
GUIDES = FIXTURES / "guides"


def test_project_checklists_are_valid():
    problems = cl.validate_dir()
    assert problems == [], "\n".join(map(str, problems))


def test_project_has_the_foundation_checklists():
    ids = set(cl.load_all())
    assert {"cppob-irtp", "spp-irt-dokumen", "label-pangan", "halal-self-declare"} <= ids


def test_every_item_cites_a_regulation_with_number_and_year():
    for c in cl.load_all().values():
        for item in c.items:
            reg = c.regulation(item.cites.regulation)
            assert reg.number and 1945 <= reg.year <= 2100, item.id
            assert item.cites.clause.strip(), item.id


def test_item_ids_are_unique_across_all_checklists():
    seen: dict[str, str] = {}
    for c in cl.load_all().values():
        for item in c.items:
            assert item.id not in seen, f"{item.id} in {c.id} and {seen.get(item.id)}"
            seen[item.id] = c.id


def test_cppob_irtp_is_the_whole_official_form():
    c = cl.load("cppob-irtp")
    assert len(c.items) == 37
    assert [s.id for s in c.sections] == list("ABCDEFGHIJKLMN")
    assert sorted(i.form_no for i in c.items) == list(range(1, 38))
    assert all(i.criticality for i in c.items)


def test_fixture_is_valid():
    c = cl.load_file(GOOD, GUIDES)
    assert c.ref == "contoh-irtp@1.0"
    assert [i.id for i in c.items] == ["CONTOH-01.01", "CONTOH-01.02"]


def _broken(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = GOOD.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    out = tmp_path / "contoh-irtp.yaml"
    out.write_text(text, encoding="utf-8")
    return out


def _line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(needle)


def _messages(path: Path) -> list[str]:
    with pytest.raises(cl.ChecklistError) as exc:
        cl.load_file(path, GUIDES)
    return [str(p) for p in exc.value.problems]


def test_every_error_in_a_file_is_reported_with_file_line_and_item(tmp_path):
    path = _broken(
        tmp_path,
        ("id: CONTOH-01.02", "id: CONTOH-01.01"),  # duplicate ID
        ("criticality: serius", "criticality: sedang"),  # unknown criticality
        ('en: "Clean water."', 'xx: "Clean water."'),  # missing translation
        ("panduan/contoh.md#air", "panduan/tidak-ada.md#air"),  # guide page missing
    )
    msgs = _messages(path)
    assert len(msgs) == 5, msgs  # the missing translation is also an unknown field 'xx'
    assert msgs == sorted(msgs, key=lambda m: int(m.split(":")[1]))  # in file order
    joined = "\n".join(msgs)
    assert f"{path}:{_line_of(path, 'criticality: sedang')}: CONTOH-01.01:" in joined
    assert "expected 'minor', 'mayor', 'serius' or 'kritis'" in joined
    assert re.search(r"duplicate item ID CONTOH-01\.01", joined)
    assert "requirement.en: required field is missing" in joined
    assert f"{path}:{_line_of(path, 'tidak-ada.md')}:" in joined
    assert "page 'panduan/tidak-ada.md' does not exist" in joined


def test_missing_anchor_is_reported(tmp_path):
    path = _broken(tmp_path, ("panduan/contoh.md#air", "panduan/contoh.md#sumur"))
    (msg,) = _messages(path)
    assert msg.startswith(f"{path}:{_line_of(path, '#sumur')}: CONTOH-01.02: ")
    assert "no heading with anchor #sumur" in msg


def test_citing_an_unlisted_regulation_is_reported(tmp_path):
    path = _broken(
        tmp_path,
        (
            'regulation: perka-2207, clause: "Lampiran, butir 9"',
            'regulation: uu-18-2012, clause: "Pasal 1"',
        ),
    )
    (msg,) = _messages(path)
    assert (
        "CONTOH-01.02" in msg and "'uu-18-2012' is not one of this checklist's regulations" in msg
    )


def test_a_year_written_into_the_regulation_number_is_reported(tmp_path):
    path = _broken(
        tmp_path, ('No. HK.03.1.23.04.12.2207"', 'No. HK.03.1.23.04.12.2207 Tahun 2012"')
    )
    (msg,) = _messages(path)
    assert msg.startswith(f"{path}:{_line_of(path, 'Tahun 2012')}: ")
    assert "put the year in 'year' only" in msg


def test_a_regulation_is_named_once_with_its_year():
    regs = {r.key: r for c in cl.load_all().values() for r in c.regulations}
    shorts = {r.short for r in regs.values()}
    assert "Peraturan BPOM No. 4 Tahun 2024" in shorts
    assert not [s for s in shorts if s.count("Tahun") > 1 or s.count(str(2010)) > 1]
    permenkes = [r for r in regs.values() if r.number.endswith("/2010")]
    assert permenkes and all(r.short == r.number for r in permenkes)


def test_graded_rule_requires_criticality(tmp_path):
    path = _broken(tmp_path, ("        criticality: kritis\n", ""))
    (msg,) = _messages(path)
    assert "CONTOH-01.02" in msg and "criticality: required by scoring rule 'irtp-level'" in msg


def test_malformed_yaml_is_located(tmp_path):
    path = _broken(tmp_path, ("sections:\n", "sections: [\n"))
    (msg,) = _messages(path)
    assert msg.startswith(f"{path}:") and "malformed YAML" in msg
    line = int(msg.split(":")[1])
    assert line > 1


def test_duplicate_key_is_malformed(tmp_path):
    path = _broken(tmp_path, ('version: "1.0"\n', 'version: "1.0"\nversion: "1.1"\n'))
    (msg,) = _messages(path)
    assert "malformed YAML" in msg


def test_file_name_must_match_id(tmp_path):
    out = tmp_path / "lain.yaml"
    shutil.copy(GOOD, out)
    (msg,) = _messages(out)
    assert "must equal the file name 'lain'" in msg


def test_bad_item_id_format(tmp_path):
    path = _broken(tmp_path, ("id: CONTOH-01.01", "id: contoh-1"))
    (msg,) = _messages(path)
    assert "item ID 'contoh-1' must look like PREFIX-01.02" in msg


def test_validate_dir_collects_problems_of_every_file(tmp_path):
    shutil.copy(GOOD, tmp_path / "contoh-irtp.yaml")
    text = GOOD.read_text(encoding="utf-8")
    # a valid file that reuses the first file's item IDs
    (tmp_path / "contoh-dua.yaml").write_text(text.replace("id: contoh-irtp", "id: contoh-dua"))
    # an invalid file
    bad = text.replace("id: contoh-irtp", "id: contoh-tiga").replace("serius", "berat")
    (tmp_path / "contoh-tiga.yaml").write_text(bad.replace("CONTOH-", "TIGA-"), encoding="utf-8")
    texts = [str(p) for p in cl.validate_dir(tmp_path, GUIDES)]
    assert any("contoh-tiga.yaml" in t and "'berat'" in t for t in texts), texts
    assert any("contoh-irtp.yaml" in t and "item ID also used in" in t for t in texts), texts


def test_guide_url_is_the_one_mapping():
    assert cl.guide_url("panduan/air-bersih.md#sumber") == "/panduan/air-bersih/#sumber"
    assert cl.guide_url("index.md") == "/"
    assert cl.guide_url("en/index.md", "/site/") == "/site/en/"


def test_settings_point_at_the_repository():
    s = settings()
    assert (s.checklists_dir / "README.md").exists()


def _copy_checklists(tmp_path) -> Path:
    src = tmp_path / "checklists"
    src.mkdir()
    for f in cl.checklist_files(settings().checklists_dir)[:3]:
        (src / f.name).write_bytes(f.read_bytes())
    return src


def test_parsed_checklists_are_kept_as_json_and_a_changed_file_is_parsed_again(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("BERDIKARI_DATA_DIR", str(tmp_path / "data"))
    src = _copy_checklists(tmp_path)
    first = cl._load_all.__wrapped__(str(src), ())
    [cache] = (tmp_path / "data" / "cache").glob("checklists-*.json")
    # read back from the cache: the same models, and the YAML is not parsed
    monkeypatch.setattr(cl, "load_file", lambda *a, **k: pytest.fail("parsed the YAML again"))
    assert cl._load_all.__wrapped__(str(src), ()) == first
    monkeypatch.undo()
    monkeypatch.setenv("BERDIKARI_DATA_DIR", str(tmp_path / "data"))
    # a changed checklist gets a new cache file (the old one goes) with the change in it
    f = sorted(src.glob("*.yaml"))[0]
    text = f.read_text(encoding="utf-8")
    some_id = next(iter(first))
    changed_title = first[some_id].title.id + " (ubah)"
    f.write_text(text.replace(first[some_id].title.id, changed_title, 1), "utf-8")
    again = cl._load_all.__wrapped__(str(src), ())
    [new_cache] = (tmp_path / "data" / "cache").glob("checklists-*.json")
    assert new_cache != cache
    assert changed_title in {c.title.id for c in again.values()}


def test_a_broken_cache_file_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("BERDIKARI_DATA_DIR", str(tmp_path / "data"))
    src = _copy_checklists(tmp_path)
    first = cl._load_all.__wrapped__(str(src), ())
    [cache] = (tmp_path / "data" / "cache").glob("checklists-*.json")
    cache.write_text('{"half": ', encoding="utf-8")
    assert cl._load_all.__wrapped__(str(src), ()) == first
    assert json.loads(cache.read_text(encoding="utf-8")).keys() == first.keys()


def test_the_cache_name_changes_with_each_thing_the_models_are_made_from(tmp_path, monkeypatch):
    """The cache file's name hashes the YAML files (name and bytes), this module, the vocabularies
    and pydantic's version: a change to any one of them must give a new name, or the apps would
    read checklists validated by an older model."""
    monkeypatch.setenv("BERDIKARI_DATA_DIR", str(tmp_path / "data"))
    src = _copy_checklists(tmp_path)
    files = cl.checklist_files(src)
    base = cl._cache_file(files)
    assert cl._cache_file(files) == base  # the name is stable for unchanged inputs

    names = set()
    # a checklist's bytes
    first = files[0]
    original = first.read_bytes()
    first.write_bytes(original + b"\n# changed\n")
    names.add(cl._cache_file(files))
    first.write_bytes(original)
    # a checklist's name
    renamed = first.with_name("z-" + first.name)
    first.rename(renamed)
    names.add(cl._cache_file(cl.checklist_files(src)))
    renamed.rename(first)
    assert cl._cache_file(files) == base

    # this module and the vocabularies: point the module at an edited copy of its source
    import pydantic

    from berdikari import vocab

    for module in (cl, vocab):
        copy = tmp_path / f"{module.__name__.rsplit('.', 1)[-1]}-edited.py"
        copy.write_bytes(Path(module.__file__).read_bytes() + b"\n# changed\n")
        monkeypatch.setattr(module, "__file__", str(copy))
        names.add(cl._cache_file(files))
        monkeypatch.undo()
        monkeypatch.setenv("BERDIKARI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(pydantic, "VERSION", pydantic.VERSION + ".post1")
    names.add(cl._cache_file(files))

    assert base not in names
    assert len(names) == 5, "two different inputs gave the same cache name"
