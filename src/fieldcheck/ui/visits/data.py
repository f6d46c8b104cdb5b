"""The visit list's queries for the worker thread (paged, filtered; plain rows back)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from fieldcheck.domain import people, queries
from fieldcheck.domain.queries import VisitFilter, VisitRow

if TYPE_CHECKING:
    from fieldcheck.store import Store


@dataclass(frozen=True)
class FirstPage:
    total: int
    rows: list[VisitRow]


def first_page(store: Store, f: VisitFilter, limit: int) -> FirstPage:
    with store.read() as s:
        return FirstPage(queries.count_visits(s, f), queries.page_visits(s, f, 0, limit))


def page(store: Store, f: VisitFilter, after_id: str, limit: int) -> list[VisitRow]:
    with store.read() as s:
        return queries.page_visits(s, f, 0, limit, after_id=after_id)


def todays_plan(store: Store, day: date) -> list[VisitRow]:
    with store.read() as s:
        return queries.planned_for_day(s, day)


def in_progress(store: Store) -> list[VisitRow]:
    with store.read() as s:
        return queries.in_progress(s)


def unit_choices(store: Store) -> list[tuple[str, str]]:
    with store.read() as s:
        return [(u.id, u.name) for u in people.find_units(s, "", limit=5000)]
