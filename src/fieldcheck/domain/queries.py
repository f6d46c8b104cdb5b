"""Read-only queries for lists: paged, filtered, searchable, returning plain rows.

Rows are frozen dataclasses so a background thread can hand them to the GUI thread. The visit
list's query itself is written once in visit_list.py (it also runs before the ORM is loaded);
here it runs on a Session.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcheck.domain.visit_list import (
    IN_PROGRESS,
    IN_PROGRESS_LIMIT,
    PLAN_LIMIT,
    VisitFilter,
    VisitRow,
    count_sql,
    page_sql,
    plan_filter,
    visit_row,
)

__all__ = ["VisitFilter", "VisitRow", "count_visits", "in_progress", "page_visits", "planned_for_day"]


def _execute(session: Session, sql_and_params: tuple[str, dict[str, Any]]) -> Any:
    sql, params = sql_and_params
    return session.execute(text(sql), params)


def count_visits(session: Session, f: VisitFilter) -> int:
    return int(_execute(session, count_sql(f)).scalar() or 0)


def page_visits(
    session: Session, f: VisitFilter, offset: int, limit: int, after_id: str | None = None
) -> list[VisitRow]:
    """One page, newest first; `after_id` pages by key (see visit_list.page_sql)."""
    return [visit_row(values) for values in _execute(session, page_sql(f, limit, offset, after_id))]


def planned_for_day(session: Session, day: date) -> list[VisitRow]:
    return page_visits(session, plan_filter(day), 0, PLAN_LIMIT)


def in_progress(session: Session) -> list[VisitRow]:
    """Visits started and not finished, newest first (to continue after a restart)."""
    return page_visits(session, IN_PROGRESS, 0, IN_PROGRESS_LIMIT)
