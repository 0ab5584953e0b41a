"""The vocabularies of :mod:`berdikari.vocab` are declared once: every label is translated, the
things built from them (reference tuples, checklist types, CLI help) hold exactly their values,
and no other module of the package lists a vocabulary's values again.

The live database schema is held to the same classes in ``tests/store/test_vocab_schema.py``
(it needs the store fixtures, SQLite and PostgreSQL).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

import berdikari
from berdikari import checklists, cli, routes, vocab
from berdikari.i18n import catalogue
from berdikari.store import reference

SRC = Path(berdikari.__file__).parent
HISTORY = SRC / "store" / "migrations" / "versions"
"""Migrations are history: they keep the values as they were written then."""

SUBSETS = {
    "STAFF_ROLES": vocab.STAFF_ROLES,
    "PARTIES": vocab.PARTIES,
    "OPEN_ACTION_STATUSES": vocab.OPEN_ACTION_STATUSES,
    "PERMIT_MILESTONES": vocab.PERMIT_MILESTONES,
    "SHOWCASE_PHOTO_TYPES": vocab.SHOWCASE_PHOTO_TYPES,
    "SHOWABLE_PERMITS": vocab.SHOWABLE_PERMITS,
}
"""Named subsets of a vocabulary (a domain fact of their own, declared once in vocab too)."""

ALL = {name: cls.values() for name, cls in vocab.VOCABULARIES.items()}
ALL.update({name: tuple(str(v) for v in members) for name, members in SUBSETS.items()})


@pytest.mark.parametrize("name", sorted(vocab.VOCABULARIES))
def test_every_value_has_labels_in_both_languages(name):
    cls = vocab.VOCABULARIES[name]
    ids = catalogue("id")
    assert len(cls) >= 2
    for member in cls:
        assert member.label("en") == member.msgid
        assert member.msgid in ids, f"{name}.{member.name}: add {member.msgid!r} to berdikari.po"
        assert member.label("id") == ids[member.msgid]
        assert (
            member.value not in (member.label("id"), member.label("en")) or "-" not in member.value
        )
    assert len({m.label("id") for m in cls}) == len(cls), f"{name}: two values read the same"
    assert len({m.label("en") for m in cls}) == len(cls), f"{name}: two values read the same"


def test_a_label_of_an_unknown_value_is_the_value_itself():
    assert vocab.VisitKind.label_of("site", "id") == "Kunjungan ke tempat"
    assert vocab.VisitKind.label_of("site", "en") == "Site visit"
    assert vocab.VisitKind.label_of("kapal", "id") == "kapal"
    assert vocab.VisitKind.label_of(None, "id") == ""


def test_subsets_are_members_of_their_vocabulary():
    assert set(vocab.STAFF_ROLES) < set(vocab.Role)
    assert set(vocab.PARTIES) < set(vocab.Role)
    assert set(vocab.OPEN_ACTION_STATUSES) < set(vocab.ActionStatus)
    assert set(vocab.PERMIT_MILESTONES) < set(vocab.MilestoneKind)
    assert set(vocab.SHOWCASE_PHOTO_TYPES) < set(vocab.EvidenceType)
    assert set(vocab.PERMIT_MILESTONES) < set(vocab.SHOWABLE_PERMITS) < set(vocab.MilestoneKind)


def test_what_is_built_from_the_vocabularies_holds_exactly_their_values():
    assert reference.REGION_KINDS == vocab.RegionKind.values()
    assert reference.SIZES == vocab.Size.values()
    assert reference.ORGANISATION_KINDS == vocab.OrganisationKind.values()
    assert reference.STAFF_ROLES == ("facilitator", "manager")
    assert reference.ASSESSMENT_STATUSES == vocab.AssessmentStatus.values()
    assert reference.ACTION_STATUSES == vocab.ActionStatus.values()
    assert reference.ACTION_RESPONSIBLE == ("owner", "facilitator")
    assert reference.VISIT_KINDS == vocab.VisitKind.values()
    assert reference.MILESTONE_KINDS == vocab.MilestoneKind.values()
    # plain strings, so that the database drivers and JSON see what they always saw
    for values in vars(reference).values():
        if isinstance(values, tuple) and values and isinstance(values[0], str):
            assert all(type(v) is str for v in values)
    assert checklists.PRODUCT_CATEGORIES == vocab.ProductCategory.values()
    assert checklists.PERMIT_ROUTES == vocab.PermitRoute.values()
    assert checklists.CRITICALITIES == vocab.Criticality.values()
    assert checklists.SCORING_RULES == vocab.ScoringRule.values()
    assert tuple(routes.CATEGORIES) == vocab.ProductCategory.values()
    for key, text in routes.CATEGORIES.items():
        assert text.id == vocab.ProductCategory(key).label("id")
        assert text.en == vocab.ProductCategory(key).label("en")


@pytest.mark.parametrize(
    ("model", "field", "cls"),
    [
        (checklists.Item, "criticality", vocab.Criticality),
        (checklists.Scoring, "rule", vocab.ScoringRule),
    ],
)
def test_checklist_fields_accept_exactly_the_vocabulary(model, field, cls):
    adapter = TypeAdapter(model.model_fields[field].annotation)
    for value in cls.values():
        assert adapter.validate_python(value) == value
    with pytest.raises(ValidationError):
        adapter.validate_python("tidak-ada")


def test_cli_help_and_choices_come_from_the_vocabularies():
    from typer.testing import CliRunner

    runner = CliRunner()
    out = runner.invoke(cli.app, ["umkm", "add", "--help"], env={"COLUMNS": "200"}).output
    for value in (*vocab.ProductCategory.values(), *vocab.Size.values()):
        assert value in out
    out = runner.invoke(cli.app, ["user", "add", "--help"], env={"COLUMNS": "200"}).output
    for value in (*vocab.OrganisationKind.values(), *reference.STAFF_ROLES):
        assert value in out


# --- one declaration ---------------------------------------------------------------------------


def _strings(nodes) -> set[str]:
    return {n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)}


SEPARATOR = r"(?:\s*,\s*or\s+|\s*,\s*and\s+|\s*,\s*|\s+or\s+|\s+and\s+|\s*[|/]\s*)"


def _listed(values: tuple[str, ...]) -> re.Pattern:
    """Two or more of ``values`` written as a list in a text: ``a, b or c``, ``a|b``, ``a/b``."""
    one = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    word = rf"(?<![\w/-])(?:{one})(?![\w/-])"
    return re.compile(rf"{word}(?:{SEPARATOR}{word})+")


def declarations(values: tuple[str, ...], exact: bool = False) -> list[str]:
    """Where the package lists every one of ``values`` again: a tuple, list, set, dict or
    ``Literal[...]`` holding them all, or a text (not a docstring) listing them all, such as a
    help text. ``exact``: only a collection holding these values and no others counts (for a
    named subset, which a longer list of the vocabulary does not restate)."""
    wanted = set(values)
    listed = _listed(values)
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "vocab.py" or HISTORY in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(n.value)
            for n in ast.walk(tree)
            if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                held = _strings(node.elts)
            elif isinstance(node, ast.Dict):
                held = _strings(k for k in node.keys if k is not None)
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
            ):
                held = set()
                for m in listed.finditer(node.value):
                    held |= {
                        v
                        for v in values
                        if re.search(rf"(?<![\w/-]){re.escape(v)}(?![\w/-])", m.group())
                    }
            else:
                continue
            if held == wanted or (not exact and wanted <= held):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return sorted(set(found))


@pytest.mark.parametrize("name", sorted(ALL))
def test_a_vocabulary_is_listed_only_in_vocab(name):
    found = declarations(ALL[name], exact=name in SUBSETS)
    assert found == [], f"{name} {ALL[name]} is listed again (use berdikari.vocab): {found}"


def test_the_declaration_check_finds_a_copy(tmp_path, monkeypatch):
    """The check above can fail: a module listing the visit kinds, in any of the ways."""
    for i, source in enumerate(
        [
            'KINDS = ("site", "phone", "online", "training")',
            'LABELS = {"site": 1, "phone": 2, "online": 3, "training": 4}',
            'Kind = Literal["training", "online", "phone", "site"]',
            'HELP = "site, phone, online or training"',
        ]
    ):
        pkg = tmp_path / f"p{i}"
        (pkg / "store" / "migrations" / "versions").mkdir(parents=True)
        (pkg / "vocab.py").write_text(source)  # the one place it may be
        (pkg / "store" / "migrations" / "versions" / "0001.py").write_text(source)
        monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "SRC", pkg)
        monkeypatch.setattr(
            __import__(__name__, fromlist=["x"]),
            "HISTORY",
            pkg / "store" / "migrations" / "versions",
        )
        assert declarations(vocab.VisitKind.values()) == []
        (pkg / "copy.py").write_text(source)
        assert declarations(vocab.VisitKind.values()) == ["copy.py:1"]
