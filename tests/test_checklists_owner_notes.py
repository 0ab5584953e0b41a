"""Owners' pages show only owner-facing notes (issue 14, point 7).

What could not be confirmed (``uncertain``) and where a fact was read (``provenance``) are written
in English for maintainers and stay in the data; an owner sees a note only where they must act
differently (``owner_note``, Indonesian first). Every food owner is asked the "never" questions
about borax, formalin, rhodamine B and metanil yellow, with the stop result (point 5)."""

import itertools
import re
from pathlib import Path

import pytest

from berdikari import checklists as cl
from berdikari import routes, site_pages

REPO = Path(__file__).resolve().parents[1]


def _maintainer_notes(c: cl.Checklist):
    """Every maintainer-only note of a checklist, with where it sits."""
    places = [(c.id, c.scoring)] + [(r.key, r) for r in c.regulations]
    for item in c.items:
        places.append((item.id, item))
        if item.not_applicable:
            places.append((item.id + " N/A", item.not_applicable))
    for where, obj in places:
        for field in ("uncertain", "provenance"):
            note = getattr(obj, field, None)
            if note:
                yield where, field, note


def _owner_notes(c: cl.Checklist):
    objs = [c.scoring, *c.regulations, *c.items]
    objs += [i.not_applicable for i in c.items if i.not_applicable]
    return [o.owner_note for o in objs if o.owner_note]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_maintainer_note_reaches_a_checklist_page_or_the_regulation_index(lang):
    checklists = cl.load_all()
    pages = [site_pages.render_regulations(checklists, lang)]
    pages += [site_pages.render_checklist(c, lang) for c in checklists.values()]
    text = "\n".join(pages)
    shown = [
        (where, field)
        for c in checklists.values()
        for where, field, note in _maintainer_notes(c)
        if site_pages._e(note) in text
    ]
    assert shown == [], f"maintainer notes on owners' pages: {shown[:5]}"
    # the notes that used to leak are gone, and the box no longer says 'note in English'
    for leak in ("UNVERIFIED", "CODE-DERIVED", "retr()", "catatan dalam bahasa Inggris"):
        assert leak not in text, leak


def test_owner_notes_are_shown_in_both_languages_under_belum_pasti():
    c = cl.load_all()["halal-self-declare"]
    notes = _owner_notes(c)
    assert len(notes) >= 3, "the halal checklist keeps its three owner notes"
    page_id = site_pages.render_checklist(c, "id")
    page_en = site_pages.render_checklist(c, "en")
    assert page_id.count('!!! warning "Belum pasti"') == len(notes)
    for note in notes:
        assert site_pages._e(note.id) in page_id
        assert site_pages._e(note.en) in page_id  # the English line under it
        assert site_pages._e(note.en) in page_en
        assert site_pages._e(note.id) not in page_en


def test_owner_notes_speak_to_the_owner_in_plain_indonesian():
    for c in cl.load_all().values():
        for note in _owner_notes(c):
            assert "Anda" in re.findall(r"\w+", note.id), note.id  # the owner is 'Anda'
            for sentence in note.id.split(". "):
                assert len(sentence.split()) <= 25, sentence
            assert "UNVERIFIED" not in note.id and "UNVERIFIED" not in note.en


def test_no_file_names_a_path_outside_the_repository():
    bad = ("/work/", "/tmp/", "/home/", "../shared", "C:\\")
    files = list((REPO / "checklists").glob("*.yaml")) + list((REPO / "guides").rglob("*.md"))
    assert files
    found = [(str(p.relative_to(REPO)), b) for p in files for b in bad if b in p.read_text("utf-8")]
    assert found == []


def _food_answers():
    ids = [q.id for q in routes.FOOD_QUESTIONS]
    for values in itertools.product([True, False, None], repeat=len(ids)):
        yield dict(zip(ids, values, strict=True))


def test_every_food_owner_gets_the_food_never_list_with_its_stop_result():
    seen = 0
    for answers in _food_answers():
        rec = routes.recommend("pangan-olahan", answers)
        never = [c for c in rec.checklists if c.scoring.rule == "never"]
        assert [c.id for c in never] == ["bahan-dilarang-pangan"], answers
        seen += 1
    assert seen == 3 ** len(routes.FOOD_QUESTIONS)
    food = cl.load_all()["bahan-dilarang-pangan"]
    assert {i.criticality for i in food.items} == {"kritis"}
    named = " ".join(i.requirement.id.lower() for i in food.items)
    for substance in ("boraks", "formalin", "rhodamin b", "kuning metanil"):
        assert substance in named, substance
    # no food owner is shown the jamu and cosmetics list instead
    assert "pangan-olahan" not in cl.load_all()["bahan-dilarang"].applies_to.categories


def test_programme_choices_are_labelled_apart_from_the_regulation():
    for c in cl.load_all().values():
        if c.scoring.graded_by == "programme":
            assert c.scoring.programme_choice is not None, c.id
            page = site_pages.render_checklist(c, "id")
            assert site_pages._e(c.scoring.programme_choice.id) in page, c.id
    cpotb = cl.load_all()["cpotb-bertahap"]
    assert "tahap" in cpotb.scoring.programme_choice.id.lower()


OWNER_PAGES = sorted(
    # every Indonesian page people read before acting: tutorials, the start page, the how-to
    # pages (CPPB-IRT, CPOTB, CPKB, labels ...), the explanations and the facilitators' pages
    p.relative_to(REPO / "guides").as_posix()
    for p in (REPO / "guides").rglob("*.md")
    if p.relative_to(REPO / "guides").parts[0] != "en"
)
BOX = re.compile(r'!!! warning "Belum pasti"\n((?:    .*\n|\n)+?)(?=\S|\Z)')
ACTION = re.compile(
    r"\b(Anda|Tanyakan|tanyakan|Minta|Mintalah|Jangan|Pastikan|Jaga|Periksa|Agar aman)\b"
)


def test_the_owner_pages_reach_every_section_with_belum_pasti_boxes():
    for part in (
        "langkah/",
        "mulai/",
        "panduan/cpotb/",
        "panduan/cpkb.md",
        "penjelasan/",
        "pendamping/",
    ):
        assert any(p.startswith(part) for p in OWNER_PAGES), part
    assert not any(p.startswith("en/") for p in OWNER_PAGES)


@pytest.mark.parametrize("page", OWNER_PAGES)
def test_every_belum_pasti_box_on_an_owner_page_says_what_to_do(page):
    text = (REPO / "guides" / page).read_text("utf-8")
    boxes = [m.group(1).strip() for m in BOX.finditer(text)]
    idle = [b[:120] for b in boxes if not ACTION.search(b)]
    assert idle == [], f"{page}: a box that only says what is not known: {idle}"
    # settled facts are not reopened on owners' pages (issue 14)
    assert "tidak seragam" not in text and "sebagian lagi Serius" not in text
