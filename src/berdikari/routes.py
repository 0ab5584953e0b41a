"""Permit routes: from what an owner makes to the permit they need, the office to ask, and the
checklists that apply.

This is the logic behind the decision guide ("Izin apa yang saya perlukan?") and the owner app's
start page. The regulatory content (routes, their next steps, contacts and sources, and the
questions that choose between routes) is data: ``checklists/_routes.yaml``, validated here when
it is loaded. Checklists are never named here: they are chosen from ``checklists/`` by their
``applies_to`` (category and route), so a new checklist appears with no code change.

Pure data and one function; no I/O beyond reading the routes file and the checklists. It never
ends a recommendation with nothing to do: every route names an office to ask, and a route with
no checklist (or no permit at all, such as *jamu gendong*) says so in the reasons.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from berdikari import vocab
from berdikari.checklists import GUIDE_LINK, PERMIT_ROUTES, PRODUCT_CATEGORIES, Checklist, Text
from berdikari.checklists import load_all as load_checklists
from berdikari.config import settings

_C = vocab.ProductCategory


class RoutesFileError(ValueError):
    """``checklists/_routes.yaml`` is missing or invalid; the message says where."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where a fact of a route comes from: the regulation (number and year) and where it was read."""

    fact: str = Field(min_length=1)
    cites: str = Field(min_length=1)
    read_at: str = Field(pattern=r"^https://\S+$")


class Route(_Strict):
    id: str
    permit: Text
    permit_needed: bool = True
    """False for a route that ends without a permit (jamu gendong): what still applies is in
    ``next_steps``."""
    issuer: Text
    regulation: str = Field(min_length=1)
    tutorial: str | None = Field(default=None, pattern=GUIDE_LINK.pattern)
    """Guide page (under guides/) that walks the owner to this permit."""
    next_steps: tuple[Text, ...] = Field(min_length=1)
    uncertain: Text | None = None
    contact: Text | None = None
    """The office an owner can ask about this route (by name, as the owner would find it)."""
    sources: tuple[Source, ...] = Field(min_length=1)


class Question(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    text: Text
    help: Text


class _RouteEntry(_Strict):
    permit: Text
    permit_needed: bool = True
    issuer: Text
    regulation: str
    tutorial: str | None = None
    contact: str
    next_steps: tuple[Text, ...] = Field(min_length=1)
    uncertain: Text | None = None
    sources: tuple[Source, ...] = Field(min_length=1)


JAMU_GENDONG = "jamu_gendong"
"""The jamu question :func:`recommend` decides on: True means no permit (jamu gendong)."""


class _RoutesFile(_Strict):
    checked: datetime.date
    contacts: dict[str, Text]
    contact_sources: dict[str, tuple[Source, ...]]
    routes: dict[str, _RouteEntry]
    questions: dict[str, tuple[Question, ...]]

    @model_validator(mode="after")
    def _consistent(self) -> _RoutesFile:
        problems = []
        missing = set(PERMIT_ROUTES) - set(self.routes)
        if missing:
            problems.append(f"routes a checklist can name are missing: {sorted(missing)}")
        for rid, r in self.routes.items():
            if r.contact not in self.contacts:
                problems.append(f"route {rid}: unknown contact {r.contact!r}")
        if set(self.contact_sources) != set(self.contacts):
            problems.append("every contact needs its contact_sources (and only contacts do)")
        for category, qs in self.questions.items():
            if category not in PRODUCT_CATEGORIES:
                problems.append(f"questions for unknown category {category!r}")
            ids = [q.id for q in qs]
            if len(set(ids)) != len(ids):
                problems.append(f"questions for {category}: an id is used twice")
        jamu = [q.id for q in self.questions.get(_C.OBAT_TRADISIONAL, ())]
        if jamu != [JAMU_GENDONG]:
            problems.append(
                f"questions for obat-tradisional must be [{JAMU_GENDONG!r}] (recommend)"
            )
        if not self.questions.get(_C.PANGAN_OLAHAN):
            problems.append(f"questions for {_C.PANGAN_OLAHAN} are missing (recommend)")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def routes_file() -> Path:
    return settings().root / "checklists" / "_routes.yaml"


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> _RoutesFile:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return _RoutesFile.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise RoutesFileError(f"{path}: {exc}") from exc


def load_routes_file(path: Path | None = None) -> _RoutesFile:
    """The validated routes file (cached until it changes). Raises :class:`RoutesFileError`."""
    path = Path(path) if path else routes_file()
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise RoutesFileError(f"{path}: {exc}") from exc
    return _load(str(path), mtime)


_DATA = load_routes_file()

CATEGORIES: dict[str, Text] = {
    c.value: Text(id=c.label("id"), en=c.label("en")) for c in vocab.ProductCategory
}
"""The product categories an owner chooses from, in both languages (:mod:`berdikari.vocab`)."""

ROUTES: dict[str, Route] = {
    rid: Route(
        id=rid,
        contact=_DATA.contacts[entry.contact],
        **entry.model_dump(exclude={"contact"}),
    )
    for rid, entry in _DATA.routes.items()
}

CONTACT_SOURCES: dict[str, tuple[Source, ...]] = {
    _DATA.contacts[key].id: sources for key, sources in _DATA.contact_sources.items()
}
"""Where each contact's name and role were read, by the contact's Indonesian name."""

QUESTIONS: dict[str, tuple[Question, ...]] = dict(_DATA.questions)
"""Questions asked before the route is chosen, by category. A category with no entry has one
route and asks nothing."""

FOOD_QUESTIONS: tuple[Question, ...] = QUESTIONS[_C.PANGAN_OLAHAN]
JAMU_QUESTIONS: tuple[Question, ...] = QUESTIONS[_C.OBAT_TRADISIONAL]

CATEGORY_ROUTE = {
    _C.OBAT_TRADISIONAL: "bpom-tr",
    _C.KOSMETIK: "bpom-na",
    _C.SUPLEMEN_KESEHATAN: "bpom-sd",
}
"""The permit route of each non-food category when no answer says otherwise."""

# The halal tutorial (langkah/halal-self-declare.md) is written for food: its deadline and its
# free route are the food ones. Jamu, cosmetics and supplements get the page on their own
# deadline, ingredients and whether self-declare is open to them.
NONFOOD_HALAL_TUTORIAL = "panduan/halal-obat-kosmetik.md"

NOT_SURE = Text(
    id="Beberapa jawaban belum pasti. Pastikan bersama pendamping Anda.",
    en="Some answers are not certain yet. Check them with your facilitator.",
)
JAMU_GENDONG_REASON = Text(
    id=(
        "Jamu gendong tidak memerlukan izin edar (Peraturan Menteri Kesehatan Nomor 7 Tahun "
        "2012, Pasal 4). Aturan kebersihan dan larangan obat kimia tetap berlaku. Ini langkah Anda:"
    ),
    en=(
        "Jamu gendong needs no distribution permit (Minister of Health Regulation No. 7 of 2012, "
        "Article 4). Hygiene and the ban on chemical drugs still apply. These are your steps:"
    ),
)


def questions_for(category: str) -> tuple[Question, ...]:
    """The route questions to ask an owner of ``category`` (empty when there is one route)."""
    _check_category(category)
    return QUESTIONS.get(category, ())


def no_checklist_reason(route: Route) -> Text:
    """What an owner reads when Berdikari has no checklist for their route."""

    def lower_first(text: str) -> str:
        return text[:1].lower() + text[1:]

    return Text(
        id=(
            f"Berdikari belum punya daftar periksa untuk {lower_first(route.permit.id)}. "
            "Ini langkah Anda:"
        ),
        en=(
            f"Berdikari has no checklist for {lower_first(route.permit.en)} yet. "
            "These are your steps:"
        ),
    )


def steps_and_contact(route: Route) -> list[Text]:
    """The route's next steps, numbered, then the office to ask: for a page that shows reasons
    only (a route without a checklist must still say what to do)."""
    out = [
        Text(id=f"{i}. {step.id}", en=f"{i}. {step.en}")
        for i, step in enumerate(route.next_steps, start=1)
    ]
    if route.contact:
        out.append(Text(id=f"Tanyakan kepada {route.contact.id}.", en=f"Ask {route.contact.en}."))
    return out


@dataclass
class Recommendation:
    category: str
    routes: list[Route]
    checklists: list[Checklist]
    reasons: list[Text] = field(default_factory=list)
    uncertain: list[Text] = field(default_factory=list)


def _check_category(category: str) -> None:
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")


def recommend(category: str, answers: dict[str, bool | None] | None = None) -> Recommendation:
    """The permit routes and checklists for a product category.

    ``answers`` maps each of :func:`questions_for` ``(category)`` to True, False or None (not
    sure); an unanswered question counts as None. Food: a False sends the product to BPOM MD;
    None keeps SPP-IRT but says to check with a facilitator. Jamu: True (jamu gendong) needs no
    permit; None keeps the TR route and says to check.
    """
    _check_category(category)
    answers = answers or {}
    reasons: list[Text] = []
    uncertain: list[Text] = []
    if category == _C.PANGAN_OLAHAN:
        failed = [q for q in FOOD_QUESTIONS if answers.get(q.id) is False]
        unsure = [q for q in FOOD_QUESTIONS if answers.get(q.id) is None]
        main = "bpom-md" if failed else "spp-irt"
        reasons.extend(q.help for q in failed)
        if unsure and not failed:
            uncertain.append(NOT_SURE)
    elif category == _C.OBAT_TRADISIONAL:
        gendong = answers.get(JAMU_GENDONG)
        main = "jamu-gendong" if gendong is True else CATEGORY_ROUTE[category]
        if gendong is True:
            reasons.append(JAMU_GENDONG_REASON)
        elif gendong is None:
            uncertain.append(NOT_SURE)
    else:
        main = CATEGORY_ROUTE[category]
    route_ids = [main, "halal"]
    routes = [ROUTES[r] for r in route_ids]
    if category != _C.PANGAN_OLAHAN:
        routes = [
            r.model_copy(update={"tutorial": NONFOOD_HALAL_TUTORIAL}) if r.id == "halal" else r
            for r in routes
        ]
    uncertain.extend(r.uncertain for r in routes if r.uncertain)
    chosen: dict[str, Checklist] = {}
    for route_id in route_ids:
        for c in load_checklists().values():
            if category in c.applies_to.categories and route_id in c.applies_to.routes:
                chosen.setdefault(c.id, c)
    main_route = routes[0]
    if not any(main_route.id in c.applies_to.routes for c in chosen.values()):
        if main_route.permit_needed:
            reasons.append(no_checklist_reason(main_route))
        reasons.extend(steps_and_contact(main_route))
    return Recommendation(category, routes, list(chosen.values()), reasons, uncertain)
