"""N/A as data: which items may be answered *Tidak berlaku*, when, and on whose authority.

The validator refuses an N/A marking without its ``when`` text or its source; the project's
checklists allow N/A only on the items listed here (a change to the list is a deliberate edit of
this test, reviewed with its source); no checklist can be passed with every answer ``na``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from berdikari import checklists as cl
from berdikari import scoring

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "checklists" / "contoh-irtp.yaml"
GUIDES = FIXTURES / "guides"

MARKING = """        not_applicable:
          when: {id: "Tidak memakai BTP.", en: "No additives used."}
          cites: {regulation: perka-2207, clause: "Lampiran, butir 28"}
"""

# Every item the project's checklists let be not applicable, by checklist (see each item's
# not_applicable.cites in checklists/*.yaml for the regulation and where it was read).
ALLOWED = {
    "cppob-irtp": {"CPPOB-IRTP-09.04", "CPPOB-IRTP-09.05"},
    "bahan-dilarang-pangan": set(),  # every food producer: no N/A
    "bahan-dilarang": {f"DILARANG-01.{n:02d}" for n in range(1, 9)}
    | {f"DILARANG-02.{n:02d}" for n in range(1, 9)},
    "cpkb-golongan": {"CPKB-01.08", "CPKB-02.01", "CPKB-02.02"}
    | {f"CPKB-03.{n:02d}" for n in range(1, 7)},
    "cpotb-bertahap": {"CPOTB-01.02", "CPOTB-01.03"},
    "notifikasi-kosmetik": {"NOTIF-KOS-01.03", "NOTIF-KOS-01.04"},
    "registrasi-tr": {"REG-TR-02.03", "REG-TR-03.02"},
    "label-pangan": {
        "LABEL-PANGAN-01.08",
        "LABEL-PANGAN-01.09",
        "LABEL-PANGAN-02.04",
        "LABEL-PANGAN-03.02",
    },
    "label-kosmetik": {"LABEL-KOS-03.02"},
    "label-obat-tradisional": {"LABEL-OT-03.03"},
    "halal-self-declare": {"HALAL-SD-02.04"},
    "spp-irt-dokumen": set(),
}


def _write(tmp_path: Path, marking: str, after_line: int = 30) -> Path:
    lines = GOOD.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(after_line, marking)  # after CONTOH-01.01's guide line
    (tmp_path / "contoh-irtp.yaml").write_text("".join(lines), encoding="utf-8")
    return tmp_path


def test_a_marking_with_when_and_source_is_valid(tmp_path):
    c = cl.load_file(_write(tmp_path, MARKING) / "contoh-irtp.yaml", GUIDES)
    assert c.item("CONTOH-01.01").na_allowed and not c.item("CONTOH-01.02").na_allowed
    assert c.item("CONTOH-01.01").not_applicable.when.id == "Tidak memakai BTP."


@pytest.mark.parametrize(
    ("drop", "message"),
    [
        ("when", "not_applicable.when: required field is missing"),
        ("cites", "not_applicable.cites: required field is missing"),
    ],
)
def test_validate_refuses_a_marking_without_when_or_source(tmp_path, drop, message):
    marking = "".join(
        line for line in MARKING.splitlines(keepends=True) if not line.strip().startswith(drop)
    )
    problems = cl.validate_dir(_write(tmp_path, marking), GUIDES)
    assert any(p.item == "CONTOH-01.01" and message in p.message for p in problems), problems


def test_validate_refuses_a_source_outside_the_checklist(tmp_path):
    marking = MARKING.replace("regulation: perka-2207", "regulation: uu-entah")
    problems = cl.validate_dir(_write(tmp_path, marking), GUIDES)
    assert any("not_applicable.cites.regulation: 'uu-entah'" in p.message for p in problems)


def test_validate_refuses_an_otherwise_that_names_no_group(tmp_path):
    marking = MARKING + "          group: umot\n          otherwise: ukot\n"
    problems = cl.validate_dir(_write(tmp_path, marking), GUIDES)
    assert any("'ukot' is not another N/A group" in p.message for p in problems), problems


def test_the_cli_validator_exits_1_on_a_marking_without_source(tmp_path):
    from typer.testing import CliRunner

    from berdikari.cli import app

    marking = MARKING.replace(
        '          cites: {regulation: perka-2207, clause: "Lampiran, butir 28"}\n', ""
    )
    r = CliRunner().invoke(app, ["checklists", "validate", str(_write(tmp_path, marking))])
    assert r.exit_code == 1 and "not_applicable.cites: required field is missing" in r.output


def test_project_allows_na_only_on_the_listed_items():
    found = {c.id: {i.id for i in c.items if i.na_allowed} for c in cl.load_all().values()}
    assert found == ALLOWED


def test_every_project_marking_says_when_in_both_languages_and_cites_a_listed_regulation():
    for c in cl.load_all().values():
        for item in c.items:
            na = item.not_applicable
            if na is None:
                continue
            assert na.when.id.strip() and na.when.en.strip(), item.id
            reg = c.regulation(na.cites.regulation)
            assert reg.number and 1945 <= reg.year <= 2100 and na.cites.clause.strip(), item.id


@pytest.mark.parametrize("checklist_id", sorted(ALLOWED))
def test_no_project_checklist_passes_with_every_answer_na(checklist_id):
    c = cl.load(checklist_id)
    answers = {i.id: "na" for i in c.items}
    with pytest.raises(scoring.AnswerError):
        scoring.score(c, answers)
    r = scoring.score(c, answers, stored=True)
    assert not r.passed and not r.eligible and r.readiness < 100 and r.na_refused


def test_cppb_irt_all_yes_but_additives_not_applicable_is_level_i():
    c = cl.load("cppob-irtp")
    answers = {i.id: "yes" for i in c.items}
    answers |= {"CPPOB-IRTP-09.04": "na", "CPPOB-IRTP-09.05": "na"}
    r = scoring.score(c, answers)
    assert (r.level, r.eligible, r.readiness) == ("I", True, 100)


def test_alternatives_in_the_project_data_need_one_side():
    """UMOT or UKOT, own factory or maklon, jamu or cosmetics, golongan A or B."""
    pairs = {
        "cpotb-bertahap": ("umot", "ukot"),
        "notifikasi-kosmetik": ("pabrik-sendiri", "maklon"),
        "bahan-dilarang": ("jamu", "kosmetik"),
        "cpkb-golongan": ("golongan-a", "golongan-b"),
    }
    for checklist_id, (one, other) in pairs.items():
        c = cl.load(checklist_id)
        both = {i.id: "na" for i in c.na_group(one) + c.na_group(other)}
        answers = {i.id: "yes" for i in c.items} | both
        with pytest.raises(scoring.AnswerError):
            scoring.score(c, answers)
        answers |= {i.id: "yes" for i in c.na_group(other)}
        assert scoring.score(c, answers).passed, checklist_id


def test_reference_page_says_when_an_item_may_not_apply_and_the_form_offers_it_only_there():
    from berdikari import site_pages

    c = cl.load("cppob-irtp")
    page = site_pages.render_checklist(c, "id")
    assert page.count('<span class="bdk-box">Tidak berlaku</span>') == 2
    assert page.count('<span class="bdk-box">Ya</span>') == len(c.items)
    assert page.count("Tidak berlaku hanya jika") == 2
    when = c.item("CPPOB-IRTP-09.04").not_applicable.when
    assert site_pages._e(when.id) in page and site_pages._e(when.en) in page
    assert "berlaku untuk semua produsen" in page
    en = site_pages.render_checklist(c, "en")
    assert en.count("Not applicable only when") == 2 and site_pages._e(when.en) in en
