"""The standards as data: load and validate the YAML files in ``checklists/``.

Every other part of Berdikari (site pages, apps, paper forms, scoring, exports) reads checklists
through :func:`load_all` / :func:`load`; nothing restates a checklist by hand.

Validation uses pydantic models. Errors are located: ``file:line: item ID: what is wrong``, and
every error in a file is reported, not only the first. This module never touches the database.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from berdikari import vocab
from berdikari.config import settings
from berdikari.guide_anchors import page_anchors  # the one reader of a guide's anchors

# The vocabularies a checklist file uses, declared in berdikari.vocab (with their labels); the
# fields below keep plain strings, checked against Literal types built from them.
CRITICALITIES = vocab.Criticality.values()
"""Grades of a finding, least serious first (CPPB-IRT inspection form)."""

CRITICALITY_RANK = {c: i for i, c in enumerate(CRITICALITIES)}

PRODUCT_CATEGORIES = vocab.ProductCategory.values()
PERMIT_ROUTES = vocab.PermitRoute.values()
SCORING_RULES = vocab.ScoringRule.values()
CriticalityName = vocab.Criticality.literal()
CategoryName = vocab.ProductCategory.literal()
RouteName = vocab.PermitRoute.literal()
RuleName = vocab.ScoringRule.literal()
LevelName = vocab.Level.literal()

ITEM_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-\d{2}\.\d{2}$")
CHECKLIST_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
GUIDE_LINK = re.compile(r"^[a-z0-9_./-]+\.md(#[a-z0-9_-]+)?$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in Indonesian (first) and English. Both are required."""

    id: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.id


REGULATION_STATES = ("in-force", "amended", "revoked")
"""Where a regulation stands: in force as issued, in force with amendments, or revoked."""

STALE_AFTER_DAYS = 365
"""A checklist (or a regulation's status) not checked for longer than this gets a warning."""


class RegulationStatus(_Strict):
    """Whether a regulation is still law, what changed it, and when and where that was checked."""

    state: Literal["in-force", "amended", "revoked"]
    by: list[str] = Field(default_factory=list)
    """The regulations that amended or revoked it, by number and year
    (e.g. "Peraturan BPOM No. 16 Tahun 2024")."""
    checked: date
    """When the status was last checked."""
    source: str = Field(min_length=1)
    """Where the status was read: the address of the page."""

    @model_validator(mode="after")
    def _by_when_changed(self) -> RegulationStatus:
        if self.state != "in-force" and not self.by:
            raise ValueError(
                f"status {self.state!r} needs 'by': the regulation(s) that {self.state} it"
            )
        if self.state == "in-force" and self.by:
            raise ValueError("status 'in-force' with 'by': use state 'amended' instead")
        return self


class Regulation(_Strict):
    key: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    number: str = Field(min_length=1)
    year: int = Field(ge=1945, le=2100)
    title: Text
    status: RegulationStatus | None = None
    """In force, amended by …, or revoked by …; and when and where that was checked. Required in
    the checklist files (:func:`load_file` refuses a file without it)."""
    uncertain: str | None = None
    """For maintainers only (never shown): what could not be confirmed in this regulation."""
    owner_note: Text | None = None
    """Shown to readers: what an owner must do differently because a fact is not settled."""
    provenance: str | None = None
    """For maintainers only (never shown on owners' pages): where the facts were read."""

    @property
    def revoked(self) -> bool:
        return self.status is not None and self.status.state == "revoked"

    @field_validator("number")
    @classmethod
    def _no_year_in_number(cls, value: str) -> str:
        if re.search(r"\bTahun\b", value):
            raise ValueError(
                "the number holds 'Tahun ...'; put the year in 'year' only "
                "(expected e.g. number: 'Peraturan BPOM No. 4', year: 2024)"
            )
        return value

    @property
    def short(self) -> str:
        """'Peraturan BPOM No. 4 Tahun 2024'; a number that ends with its year
        (Permenkes 1175/MENKES/PER/VIII/2010) is shown as it is."""
        if self.number.endswith(str(self.year)):
            return self.number
        return f"{self.number} Tahun {self.year}"


class Citation(_Strict):
    regulation: str
    clause: str = Field(min_length=1)


class NotApplicable(_Strict):
    """When an item may be answered *Tidak berlaku* (does not apply), and what allows it.

    Only the standard itself can allow it: ``cites`` names the regulation (listed in the
    checklist) and where in it the allowance was read. An item without this refuses N/A.
    """

    when: Text
    """Plain words saying when the item does not apply (e.g. the producer has no such equipment)."""
    cites: Citation
    group: str | None = Field(default=None, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    """Items of one group describe one kind of producer or product (e.g. ``kosmetik``): they
    apply, or do not apply, together."""
    otherwise: str | None = Field(default=None, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    """The group that must apply when this item's group does not (``umot`` / ``ukot``): an
    answer sheet with both groups not applicable skips a requirement every producer has."""
    uncertain: str | None = None
    """For maintainers only (never shown): what of the allowance could not be confirmed."""
    owner_note: Text | None = None
    """Shown to readers: what an owner must do differently because the allowance is not settled."""


class Item(_Strict):
    id: str
    requirement: Text
    question: Text
    criticality: CriticalityName | None = None
    cites: Citation
    evidence: Text
    guide: str
    form_no: int | None = None
    """The item's number on the official paper form, where there is one."""
    uncertain: str | None = None
    """For maintainers only (never shown): what of the item could not be confirmed."""
    owner_note: Text | None = None
    """Shown to readers: what an owner must do differently because a fact is not settled."""
    provenance: str | None = None
    """For maintainers only (never shown on owners' pages): where the item's facts were read."""
    not_applicable: NotApplicable | None = None
    """Set only where the standard allows the item to be not applicable; otherwise N/A is refused."""

    @property
    def na_allowed(self) -> bool:
        """Whether *Tidak berlaku* (N/A) is an accepted answer for this item."""
        return self.not_applicable is not None

    @field_validator("id")
    @classmethod
    def _id_format(cls, v: str) -> str:
        if not ITEM_ID.match(v):
            raise ValueError(
                f"item ID {v!r} must look like PREFIX-01.02 (capitals, digits, '-NN.NN')"
            )
        return v

    @field_validator("guide")
    @classmethod
    def _guide_format(cls, v: str) -> str:
        if not GUIDE_LINK.match(v):
            raise ValueError(
                f"guide link {v!r} must be a path under guides/ like 'panduan/x.md#anchor'"
            )
        return v

    @property
    def guide_page(self) -> str:
        return self.guide.split("#", 1)[0]

    @property
    def guide_anchor(self) -> str | None:
        return self.guide.split("#", 1)[1] if "#" in self.guide else None


class Section(_Strict):
    id: str = Field(pattern=r"^[A-Z0-9]{1,3}$")
    title: Text
    items: list[Item] = Field(min_length=1)


class Applicability(_Strict):
    categories: list[CategoryName] = Field(min_length=1)
    routes: list[RouteName] = Field(min_length=1)


class Scoring(_Strict):
    rule: RuleName
    graded_by: Literal["regulation", "programme"] = "programme"
    """Whether item criticalities come from the regulation or are the programme's own guidance."""
    eligible_levels: list[LevelName] | None = None
    """irtp-level only: the levels that qualify for SPP-IRT."""
    explanation: Text
    uncertain: str | None = None
    """For maintainers only (never shown): what of the scoring rule could not be confirmed."""
    owner_note: Text | None = None
    """Shown to readers: what an owner must do differently because the rule is not settled."""
    provenance: str | None = None
    """For maintainers only (never shown on owners' pages): where the scoring rule was read."""
    programme_choice: Text | None = None
    """What in this checklist is the programme's own choice rather than the regulation's (e.g.
    how aspects are grouped into stages, or who set the grades); shown apart from the law."""


class Checklist(_Strict):
    id: str
    version: str = Field(pattern=r"^\d+(\.\d+)*$")
    effective: date
    checked: date
    """When the content was last checked against the regulations."""
    title: Text
    summary: Text
    applies_to: Applicability
    regulations: list[Regulation] = Field(min_length=1)
    scoring: Scoring
    sections: list[Section] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _id_format(cls, v: str) -> str:
        if not CHECKLIST_ID.match(v):
            raise ValueError(f"checklist id {v!r} must be kebab-case, e.g. 'cppob-irtp'")
        return v

    @model_validator(mode="after")
    def _consistency(self) -> Checklist:
        problems: list[str] = []
        keys = [r.key for r in self.regulations]
        if len(set(keys)) != len(keys):
            problems.append("regulations: duplicate key")
        seen: set[str] = set()
        for s_i, section in enumerate(self.sections):
            for i_i, item in enumerate(section.items):
                where = f"sections.{s_i}.items.{i_i}"
                if item.id in seen:
                    problems.append(f"{where}.id: duplicate item ID {item.id}")
                seen.add(item.id)
                if item.cites.regulation not in keys:
                    problems.append(
                        f"{where}.cites.regulation: {item.cites.regulation!r} is not one of this "
                        f"checklist's regulations ({', '.join(keys)})"
                    )
                problems.extend(self._revoked_problem(f"{where}.cites.regulation", item.cites))
                if item.not_applicable is not None:
                    problems.extend(
                        self._revoked_problem(
                            f"{where}.not_applicable.cites.regulation", item.not_applicable.cites
                        )
                    )
                na = item.not_applicable
                if na is not None and na.cites.regulation not in keys:
                    problems.append(
                        f"{where}.not_applicable.cites.regulation: {na.cites.regulation!r} is not "
                        f"one of this checklist's regulations ({', '.join(keys)})"
                    )
                if na is not None and na.otherwise is not None and na.group is None:
                    problems.append(
                        f"{where}.not_applicable.otherwise: needs a 'group' for this item "
                        f"(the group that {na.otherwise!r} replaces)"
                    )
                if self.scoring.rule in ("irtp-level", "never") and item.criticality is None:
                    problems.append(
                        f"{where}.criticality: required by scoring rule {self.scoring.rule!r} "
                        f"(one of {', '.join(CRITICALITIES)})"
                    )
        problems.extend(self._na_group_problems())
        if self.scoring.rule == "irtp-level" and not self.scoring.eligible_levels:
            problems.append("scoring.eligible_levels: required by scoring rule 'irtp-level'")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _revoked_problem(self, where: str, cites: Citation) -> list[str]:
        """An item may not rest on a revoked regulation: it must cite the one that replaced it."""
        reg = next((r for r in self.regulations if r.key == cites.regulation), None)
        if reg is None or not reg.revoked:
            return []
        return [
            f"{where}: {cites.regulation!r} is revoked (by {', '.join(reg.status.by)}); "
            "cite the regulation in force instead"
        ]

    def _na_group_problems(self) -> list[str]:
        """Every item of an N/A group names the same ``otherwise``, and it names a group here."""
        problems: list[str] = []
        otherwise: dict[str, tuple[str, str | None]] = {}
        for s_i, section in enumerate(self.sections):
            for i_i, item in enumerate(section.items):
                na = item.not_applicable
                if na is None or na.group is None:
                    continue
                where = f"sections.{s_i}.items.{i_i}.not_applicable"
                first = otherwise.setdefault(na.group, (item.id, na.otherwise))
                if first[1] != na.otherwise:
                    problems.append(
                        f"{where}.otherwise: {na.otherwise!r}, but {first[0]} of the same group "
                        f"{na.group!r} says {first[1]!r}; a group has one 'otherwise'"
                    )
        for s_i, section in enumerate(self.sections):
            for i_i, item in enumerate(section.items):
                na = item.not_applicable
                if na is None or na.otherwise is None or na.group is None:
                    continue
                if na.otherwise not in otherwise or na.otherwise == na.group:
                    problems.append(
                        f"sections.{s_i}.items.{i_i}.not_applicable.otherwise: {na.otherwise!r} "
                        f"is not another N/A group of this checklist "
                        f"({', '.join(sorted(otherwise)) or 'none'})"
                    )
        return problems

    def na_group(self, group: str) -> list[Item]:
        """The items of one N/A group, in checklist order."""
        return [i for i in self.items if i.not_applicable and i.not_applicable.group == group]

    # --- convenience -------------------------------------------------------------------------
    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def section_of(self, item_id: str) -> Section:
        for section in self.sections:
            if any(i.id == item_id for i in section.items):
                return section
        raise KeyError(item_id)

    def regulation(self, key: str) -> Regulation:
        return next(r for r in self.regulations if r.key == key)

    @property
    def ref(self) -> str:
        """How to cite this checklist: ``id@version``."""
        return f"{self.id}@{self.version}"


# --- loading with located errors -----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int
    item: str | None
    message: str

    def __str__(self) -> str:
        who = f" {self.item}:" if self.item else ""
        return f"{self.file}:{self.line}:{who} {self.message}"


class ChecklistError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _line_of(node, path: tuple) -> int:
    """1-based line of the deepest node of ``path`` that exists in the ruamel tree."""
    line = 1
    cur = node
    for key in path:
        try:
            if hasattr(cur, "lc"):
                if isinstance(key, int) and isinstance(cur, list) and key < len(cur):
                    line = cur.lc.item(key)[0] + 1
                elif isinstance(cur, dict) and key in cur:
                    line = cur.lc.key(key)[0] + 1
            cur = cur[key]
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return line


def _item_id_at(node, path: tuple) -> str | None:
    if len(path) >= 4 and path[0] == "sections" and path[2] == "items":
        try:
            value = node["sections"][path[1]]["items"][path[3]].get("id")
            return str(value) if value is not None else None
        except (KeyError, IndexError, TypeError, AttributeError):
            return None
    return None


def _parse_path(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in text.split(".") if p)


def _raw_consistency(path: Path, raw: dict) -> list[Problem]:
    """Duplicate item IDs and unknown citations, found on the raw data.

    The model checks these too, but only once every field is valid; this keeps them in the report
    when a file has other errors as well.
    """
    problems: list[Problem] = []
    regs = raw.get("regulations") if isinstance(raw.get("regulations"), list) else []
    keys = {r.get("key") for r in regs if isinstance(r, dict)}
    seen: set = set()
    sections = raw.get("sections") if isinstance(raw.get("sections"), list) else []
    for s_i, section in enumerate(sections):
        items = section.get("items") if isinstance(section, dict) else None
        for i_i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            where = ("sections", s_i, "items", i_i)
            item_id = item.get("id")
            if isinstance(item_id, str) and item_id in seen:
                msg = f"sections.{s_i}.items.{i_i}.id: duplicate item ID {item_id}"
                problems.append(Problem(path, _line_of(raw, (*where, "id")), str(item_id), msg))
            if isinstance(item_id, str):
                seen.add(item_id)
            cites = item.get("cites")
            reg = cites.get("regulation") if isinstance(cites, dict) else None
            if reg is not None and reg not in keys:
                msg = (
                    f"sections.{s_i}.items.{i_i}.cites.regulation: {reg!r} is not one of this "
                    f"checklist's regulations ({', '.join(sorted(map(str, keys)))})"
                )
                problems.append(Problem(path, _line_of(raw, (*where, "cites")), str(item_id), msg))
    return problems


ALIAS_BUDGET = 20
"""Most YAML aliases (``*name``) one checklist file may use. Each alias repeats a whole block, so
a few nested ones (an "alias bomb") expand to gigabytes; the checklists themselves use none."""


def _yaml():
    # Imported here: app kernels read the JSON cache and never parse YAML (about 15 ms less).
    from ruamel.yaml import YAML
    from ruamel.yaml.composer import Composer, ComposerError
    from ruamel.yaml.events import AliasEvent

    class BudgetComposer(Composer):
        """Refuses the alias past :data:`ALIAS_BUDGET`, at its line, before anything expands."""

        aliases = 0

        def compose_node(self, parent, index):
            if self.parser.check_event(AliasEvent):
                self.aliases += 1
                if self.aliases > ALIAS_BUDGET:
                    raise ComposerError(
                        None,
                        None,
                        f"more than {ALIAS_BUDGET} aliases (*name); write the values out "
                        "(each alias repeats a whole block, so many of them can fill the memory)",
                        self.parser.peek_event().start_mark,
                    )
            return super().compose_node(parent, index)

    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    y.Composer = BudgetComposer
    y.max_depth = 50  # a checklist is about 6 deep; deeper is refused at its line
    return y


def _list(value: object) -> list:
    """``value`` if the file has a list there, else nothing to walk (the model reports it)."""
    return value if isinstance(value, list) else []


def _shown(value: object) -> str:
    """``repr(value)`` cut to a line: a value built from aliases can be huge."""
    import reprlib

    r = reprlib.Repr()
    r.maxlevel, r.maxlist, r.maxdict, r.maxstring, r.maxother = 3, 6, 6, 80, 80
    return r.repr(value)


def load_file(path: Path, guides_dir: Path | None = None) -> Checklist:
    """Load and validate one checklist file; raise :class:`ChecklistError` with every problem."""
    from ruamel.yaml.error import MarkedYAMLError

    path = Path(path)
    try:
        raw = _yaml().load(path.read_text(encoding="utf-8"))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ChecklistError(
            [Problem(path, line, None, f"malformed YAML: {exc.problem}")]
        ) from None
    except Exception as exc:  # noqa: BLE001  duplicate keys and other parser errors
        raise ChecklistError([Problem(path, 1, None, f"malformed YAML: {exc}")]) from None
    if not isinstance(raw, dict):
        raise ChecklistError([Problem(path, 1, None, "expected a mapping at the top of the file")])

    problems: list[Problem] = []
    checklist: Checklist | None = None
    model_level_reported = False
    try:
        checklist = Checklist.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            if err["type"] == "value_error" and loc == ():
                model_level_reported = True
                # model-level consistency problems carry their own paths
                for msg in str(err["ctx"]["error"]).split("\n"):
                    sub_path = _parse_path(msg.partition(": ")[0])
                    problems.append(
                        Problem(path, _line_of(raw, sub_path), _item_id_at(raw, sub_path), msg)
                    )
                continue
            msg = err["msg"].removeprefix("Value error, ")
            field = ".".join(str(p) for p in loc)
            expected = ""
            if err["type"] == "missing":
                msg = f"{field}: required field is missing"
            elif err["type"] == "extra_forbidden":
                msg = f"{field}: unknown field"
            elif err["type"] == "literal_error":
                msg = f"{field}: got {_shown(err.get('input'))}; expected {err['ctx']['expected']}"
            else:
                msg = f"{field}: {msg}"
            problems.append(
                Problem(path, _line_of(raw, loc), _item_id_at(raw, loc), msg + expected)
            )

    if checklist is None and not model_level_reported:
        problems.extend(_raw_consistency(path, raw))
    if raw.get("id") != path.stem:
        problems.append(
            Problem(
                path,
                _line_of(raw, ("id",)),
                None,
                f"id {raw.get('id')!r} must equal the file name {path.stem!r}",
            )
        )
    # Guide links are checked on the raw data, so that they are reported with the other errors.
    gdir = guides_dir if guides_dir is not None else settings().guides_dir
    for s_i, section in enumerate(_list(raw.get("sections"))):
        for i_i, item in enumerate(
            _list(section.get("items")) if isinstance(section, dict) else []
        ):
            link = item.get("guide") if isinstance(item, dict) else None
            if isinstance(link, str) and GUIDE_LINK.match(link):
                problem = check_guide_link(link, gdir)
                if problem:
                    where = ("sections", s_i, "items", i_i, "guide")
                    problems.append(
                        Problem(path, _line_of(raw, where), _item_id_at(raw, where), problem)
                    )
    if checklist is not None:
        problems.extend(_currency_problems(path, raw, checklist))
    if problems:
        problems.sort(key=lambda p: p.line)
        raise ChecklistError(problems)
    assert checklist is not None
    return checklist


def _currency_problems(path: Path, raw: dict, c: Checklist) -> list[Problem]:
    """What a checklist file must say so that it can be kept current: every regulation's status,
    and, where the programme set the grades, what the programme chose."""
    problems: list[Problem] = []
    for r_i, reg in enumerate(c.regulations):
        if reg.status is None:
            problems.append(
                Problem(
                    path,
                    _line_of(raw, ("regulations", r_i)),
                    None,
                    f"regulations.{r_i}.status: required (state in-force | amended | revoked, "
                    "by, checked, source)",
                )
            )
    if c.scoring.graded_by == "programme" and c.scoring.programme_choice is None:
        problems.append(
            Problem(
                path,
                _line_of(raw, ("scoring", "graded_by")),
                None,
                "scoring.programme_choice: required when graded_by is 'programme' (say in plain "
                "words what the programme chose, so readers can tell it from the regulation)",
            )
        )
    return problems


def check_guide_link(link: str, guides_dir: Path) -> str | None:
    """Return a message when ``link`` (page.md#anchor) does not resolve under ``guides_dir``."""
    page_rel, _, anchor = link.partition("#")
    page = guides_dir / page_rel
    if not page.is_file():
        return f"guide: page {page_rel!r} does not exist under {guides_dir}"
    if anchor and anchor not in page_anchors(page):
        return f"guide: page {page_rel!r} has no heading with anchor #{anchor}"
    return None


def checklist_files(directory: Path | None = None) -> list[Path]:
    directory = Path(directory) if directory else settings().checklists_dir
    return sorted(p for p in directory.glob("*.yaml") if not p.name.startswith("_"))


def validate_dir(directory: Path | None = None, guides_dir: Path | None = None) -> list[Problem]:
    """Every problem in every checklist file of ``directory`` (empty list when all are valid)."""
    problems: list[Problem] = []
    files = checklist_files(directory)
    if not files:
        problems.append(
            Problem(
                Path(directory or settings().checklists_dir),
                0,
                None,
                "no checklist files (*.yaml) found",
            )
        )
    loaded: dict[str, Path] = {}
    for f in files:
        try:
            c = load_file(f, guides_dir)
        except ChecklistError as exc:
            problems.extend(exc.problems)
            continue
        for item in c.items:
            if item.id in loaded:
                line = _item_line(f, item.id)
                problems.append(
                    Problem(f, line, item.id, f"item ID also used in {loaded[item.id]}")
                )
            loaded[item.id] = f
    return problems


def stale_warnings(
    directory: Path | None = None, today: date | None = None, guides_dir: Path | None = None
) -> list[Problem]:
    """Checklists, and regulations' statuses, not checked for over :data:`STALE_AFTER_DAYS`.

    These are warnings, not errors: the data may still be right, but nobody has looked.
    Files that do not load are left to :func:`validate_dir`.
    """
    today = today or date.today()
    out: list[Problem] = []
    for f in checklist_files(directory):
        try:
            c = load_file(f, guides_dir)
        except ChecklistError:
            continue
        age = (today - c.checked).days
        if age > STALE_AFTER_DAYS:
            out.append(
                Problem(
                    f,
                    1,
                    None,
                    f"checked: last checked {c.checked.isoformat()} ({age} days ago); check it "
                    f"against the regulations and update 'checked'",
                )
            )
        for reg in c.regulations:
            if reg.status is None:
                continue
            age = (today - reg.status.checked).days
            if age > STALE_AFTER_DAYS:
                out.append(
                    Problem(
                        f,
                        1,
                        None,
                        f"regulations.{reg.key}.status.checked: last checked "
                        f"{reg.status.checked.isoformat()} ({age} days ago)",
                    )
                )
    return out


def _item_line(path: Path, item_id: str) -> int:
    """The line of ``id: <item_id>`` in a checklist file that loaded (for a cross-file
    duplicate, which the model of one file cannot see)."""
    raw = _yaml().load(path.read_text(encoding="utf-8"))
    for s_i, section in enumerate(raw.get("sections") or []):
        for i_i, item in enumerate(section.get("items") or []):
            if item.get("id") == item_id:
                return _line_of(raw, ("sections", s_i, "items", i_i, "id"))
    return 1


@lru_cache(maxsize=4)
def _load_all(directory: str, stamp: tuple) -> dict[str, Checklist]:
    files = checklist_files(Path(directory))
    cache = _cache_file(files)
    cached = _read_cache(cache)
    if cached is not None:
        return cached
    out: dict[str, Checklist] = {}
    for f in files:
        c = load_file(f)
        out[c.id] = c
    _write_cache(cache, out)
    return out


# Parsing the YAML with line numbers costs most of a CPU-second; every app kernel needs the
# checklists. So the validated models are kept as JSON next to the data, named by a hash of the
# YAML files, of this module and of the vocabularies: a changed checklist or model makes a new
# name. Reading it back still goes through pydantic (about 30 ms), and JSON, unlike pickle, cannot run code.


def _cache_file(files: list[Path]) -> Path:
    import pydantic

    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(Path(vocab.__file__).read_bytes())  # the models' enums live there
    h.update(pydantic.VERSION.encode())
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return settings().data_dir / "cache" / f"checklists-{h.hexdigest()[:24]}.json"


def _read_cache(cache: Path) -> dict[str, Checklist] | None:
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        return {key: Checklist.model_validate(value) for key, value in data.items()}
    except (OSError, ValueError):  # missing, half-written or from another version: parse again
        return None


def _write_cache(cache: Path, checklists: dict[str, Checklist]) -> None:
    """Write the cache atomically; a data folder that cannot be written just means no cache."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        for old in cache.parent.glob("checklists-*.json"):
            old.unlink(missing_ok=True)
        part = cache.with_suffix(f".{os.getpid()}.part")
        part.write_text(
            json.dumps({k: c.model_dump(mode="json") for k, c in checklists.items()}),
            encoding="utf-8",
        )
        part.replace(cache)
    except OSError:
        pass


def load_all(directory: Path | None = None) -> dict[str, Checklist]:
    """All checklists by id. Cached until a file changes. Raises on any invalid file."""
    directory = Path(directory) if directory else settings().checklists_dir
    stamp = tuple((p.name, p.stat().st_mtime) for p in checklist_files(directory))
    return _load_all(str(directory), stamp)


def load(checklist_id: str, directory: Path | None = None) -> Checklist:
    checklists = load_all(directory)
    try:
        return checklists[checklist_id]
    except KeyError:
        raise KeyError(
            f"unknown checklist {checklist_id!r}; known: {', '.join(sorted(checklists))}"
        ) from None


def for_category(category: str, directory: Path | None = None) -> list[Checklist]:
    """The checklists that apply to a product category, in file order."""
    return [c for c in load_all(directory).values() if category in c.applies_to.categories]


def guide_url(link: str, base: str = "/") -> str:
    """The one place that turns an item's ``guide`` link into a site URL.

    ``panduan/air.md#sumber`` → ``/panduan/air/#sumber`` (MkDocs directory URLs; ``index.md``
    maps to its folder).
    """
    page, _, anchor = link.partition("#")
    path = page.removesuffix(".md")
    if path == "index" or path.endswith("/index"):
        path = path.removesuffix("index")
    else:
        path += "/"
    return f"{base.rstrip('/')}/{path}" + (f"#{anchor}" if anchor else "")
