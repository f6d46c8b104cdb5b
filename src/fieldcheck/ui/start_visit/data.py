"""What the start-visit dialog reads and writes, for the worker thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from fieldcheck.domain import checklist, people, queries, visits
from fieldcheck.domain.queries import VisitFilter, VisitRow

if TYPE_CHECKING:
    from fieldcheck.store import Store

UNIT_KIND_NAMES = people.UNIT_KIND_NAMES


@dataclass(frozen=True)
class UnitChoice:
    id: str
    name: str
    kind: str


@dataclass(frozen=True)
class InspectorChoice:
    id: str
    name: str
    team: str


@dataclass(frozen=True)
class TemplateChoice:
    id: str
    title: str
    version: int
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Choices:
    planned: list[VisitRow]
    inspectors: list[InspectorChoice]
    templates: list[TemplateChoice]
    me: str | None  # the laptop user's inspector id


def load_choices(store: Store) -> Choices:
    with store.read() as s:
        planned = queries.page_visits(s, VisitFilter(status="planned"), 0, 300)
        planned.sort(key=lambda r: (r.planned_for or date.max, r.unit_name))
        inspectors = [InspectorChoice(i.id, i.name, i.team) for i in people.list_inspectors(s)]
        templates = [
            TemplateChoice(v.id, v.title, v.version, tuple((v.body or {}).get("kinds", ())))
            for v in checklist.latest_template_versions(s)
        ]
    return Choices(planned, inspectors, templates, store.identity().inspector_id)


def find_units(store: Store, text: str) -> list[UnitChoice]:
    with store.read() as s:
        return [UnitChoice(u.id, u.name, u.kind) for u in people.find_units(s, text, limit=100)]


def add_unit(store: Store, name: str, kind: str) -> UnitChoice:
    with store.write() as s:
        unit = people.add_unit(s, name, kind)
        s.flush()
        return UnitChoice(unit.id, unit.name, unit.kind)


def start_planned(store: Store, visit_id: str) -> str:
    with store.write() as s:
        visits.start_visit(s, visit_id)
    return visit_id


def start_adhoc(store: Store, plan: dict[str, Any]) -> str:
    with store.write() as s:
        visit = visits.start_new_visit(s, **plan)
        return visit.id
