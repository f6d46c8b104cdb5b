"""Read-only queries for lists: paged, filtered, searchable, returning plain rows.

Rows are frozen dataclasses so a background thread can hand them to the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fieldcheck.i18n import tr
from fieldcheck.models import Finding, Unit, Visit


@dataclass(frozen=True)
class VisitFilter:
    status: str | None = None
    kind: str | None = None
    unit_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""
    planned_on: date | None = None  # "today's plan"


@dataclass(frozen=True)
class VisitRow:
    id: str
    kind: str
    status: str
    unit_name: str
    title: str
    planned_for: date | None
    started_at: datetime | None
    ended_at: datetime | None
    confidential: bool
    finding_count: int
    team: str = ""
    place: str = ""
    unit_address: str = ""


def _filtered(query: Select[Any], f: VisitFilter) -> Select[Any]:
    query = query.where(Visit.deleted.is_(False))
    if f.status:
        query = query.where(Visit.status == f.status)
    if f.kind:
        query = query.where(Visit.kind == f.kind)
    if f.unit_id:
        query = query.where(Visit.unit_id == f.unit_id)
    day = func.coalesce(Visit.planned_for, func.substr(Visit.started_at, 1, 10))
    if f.date_from:
        query = query.where(day >= f.date_from.isoformat())
    if f.date_to:
        query = query.where(day <= f.date_to.isoformat())
    if f.planned_on:
        query = query.where(Visit.planned_for == f.planned_on)
    if f.text.strip():
        # instr() is a plain substring test (no LIKE escaping or case folding); the
        # covering index ix_visits_search keeps the scan to index pages, in id order.
        query = query.where(func.instr(Visit.search_text, f.text.strip()) > 0)
    return query


def count_visits(session: Session, f: VisitFilter) -> int:
    return session.scalar(_filtered(select(func.count(Visit.id)), f)) or 0


def page_visits(
    session: Session, f: VisitFilter, offset: int, limit: int, after_id: str | None = None
) -> list[VisitRow]:
    """One page, newest first (UUIDv7 ids sort by creation time).

    Give `after_id` (the last id of the previous page) to page by key: as fast deep in the
    list as on its first screen, where an offset would step over every earlier row.
    """
    findings = (
        select(func.count(Finding.id))
        .where(Finding.visit_id == Visit.id, Finding.deleted.is_(False))
        .correlate(Visit)
        .scalar_subquery()
    )
    query = select(
        Visit.id, Visit.kind, Visit.status, Unit.name, Visit.title, Visit.planned_for,
        Visit.started_at, Visit.ended_at, Visit.confidential, findings,
        Visit.team, Visit.place, Unit.address,
    ).join(Unit, Unit.id == Visit.unit_id)
    query = _filtered(query, f)
    if after_id is not None:
        query = query.where(Visit.id < after_id)
    else:
        query = query.offset(offset)
    query = query.order_by(Visit.id.desc()).limit(limit)
    return [_listed(VisitRow(*row)) for row in session.execute(query)]


def _listed(row: VisitRow) -> VisitRow:
    """A confidential plan names its unit only once the visit has started (暗访不打招呼):
    lists on a shared screen or a projector must not give the target away."""
    if row.confidential and row.started_at is None:
        return replace(row, unit_name=tr("保密单位（开始检查后显示）"))
    return row


def planned_for_day(session: Session, day: date) -> list[VisitRow]:
    return page_visits(session, VisitFilter(planned_on=day, status="planned"), 0, 200)


def in_progress(session: Session) -> list[VisitRow]:
    """Visits started and not finished, newest first (to continue after a restart)."""
    return page_visits(session, VisitFilter(status="in_progress"), 0, 20)
