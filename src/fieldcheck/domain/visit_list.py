"""The visit list's one query, written once as SQL.

It runs on two kinds of connection and reads the same rows on both:
- a SQLAlchemy Session, for every list read once the store is open (domain/queries.py);
- a bare `sqlite3` connection, for the first page at start-up, read while SQLAlchemy and
  the ORM are still loading (ui/visits/data.py `FileLister`; see ui/boot.py).
This module therefore imports neither SQLAlchemy nor the models; the column names here are
those of models/entities.py (tests/domain/test_visit_list_sql.py reads both ways and
compares).

    sql, params = page_sql(VisitFilter(text="不动产"), limit=200)
    rows = [visit_row(values) for values in connection.execute(sql, params)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, Final

from fieldcheck.i18n import tr

# UTCDateTime's stored form (models/coltypes.py).
_UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


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


def plan_filter(day: date) -> VisitFilter:
    """Today's plan: visits planned for `day` and not yet started."""
    return VisitFilter(planned_on=day, status="planned")


IN_PROGRESS: Final = VisitFilter(status="in_progress")  # started, not finished: to continue
PLAN_LIMIT: Final = 200
IN_PROGRESS_LIMIT: Final = 20

_COLUMNS = """
    visits.id, visits.kind, visits.status, units.name, visits.title, visits.planned_for,
    visits.started_at, visits.ended_at, visits.confidential,
    (SELECT count(findings.id) FROM findings
      WHERE findings.visit_id = visits.id AND findings.deleted IS 0),
    visits.team, visits.place, units.address"""


def _where(f: VisitFilter) -> tuple[str, dict[str, Any]]:
    clauses = ["visits.deleted IS 0"]
    params: dict[str, Any] = {}
    if f.status:
        clauses.append("visits.status = :status")
        params["status"] = f.status
    if f.kind:
        clauses.append("visits.kind = :kind")
        params["kind"] = f.kind
    if f.unit_id:
        clauses.append("visits.unit_id = :unit_id")
        params["unit_id"] = f.unit_id
    # A planned visit is dated by its plan, an ad-hoc one by the local day it started
    # (`list_day`, kept by the store: migration 0008).
    day = "visits.list_day"
    if f.date_from:
        clauses.append(f"{day} >= :date_from")
        params["date_from"] = f.date_from.isoformat()
    if f.date_to:
        clauses.append(f"{day} <= :date_to")
        params["date_to"] = f.date_to.isoformat()
    if f.planned_on:
        clauses.append("visits.planned_for = :planned_on")
        params["planned_on"] = f.planned_on.isoformat()
    if f.text.strip():
        # instr() is a plain substring test (no LIKE escaping or case folding); the
        # covering index ix_visits_list keeps the scan to index pages, in the list's order.
        clauses.append("instr(visits.search_text, :text) > 0")
        params["text"] = f.text.strip()
    return " AND ".join(clauses), params


def count_sql(f: VisitFilter) -> tuple[str, dict[str, Any]]:
    where, params = _where(f)
    return f"SELECT count(visits.id) FROM visits WHERE {where}", params


def page_sql(
    f: VisitFilter, limit: int, offset: int = 0, after_id: str | None = None
) -> tuple[str, dict[str, Any]]:
    """One page, newest day first (a visit's day is its plan's, else its start's: `list_day`),
    newest created first within a day (UUIDv7 ids sort by creation time).

    Give `after_id` (the last id of the previous page) to page by key: as fast deep in the
    list as on its first screen, where an offset would step over every earlier row.
    """
    where, params = _where(f)
    if after_id is not None:
        where += (" AND (visits.list_day, visits.id) <"
                  " (SELECT v.list_day, v.id FROM visits v WHERE v.id = :after_id)")
        params["after_id"] = after_id
        offset = 0
    params.update(limit=limit, offset=offset)
    sql = (f"SELECT {_COLUMNS}\nFROM visits JOIN units ON units.id = visits.unit_id\n"
           f"WHERE {where}\nORDER BY visits.list_day DESC, visits.id DESC LIMIT :limit OFFSET :offset")
    return sql, params


def visit_row(values: Sequence[Any]) -> VisitRow:
    """A result row of page_sql as the list shows it (stored text turned into dates and
    times; a confidential plan's unit hidden, see `listed`)."""
    (id_, kind, status, unit_name, title, planned_for, started_at, ended_at, confidential,
     finding_count, team, place, unit_address) = values
    return listed(VisitRow(
        id_, kind, status, unit_name, title,
        date.fromisoformat(planned_for) if planned_for else None,
        _utc(started_at), _utc(ended_at), bool(confidential), int(finding_count),
        team, place, unit_address,
    ))


def listed(row: VisitRow) -> VisitRow:
    """A confidential plan names its unit only once the visit has started (暗访不打招呼):
    lists on a shared screen or a projector must not give the target away."""
    if row.confidential and row.started_at is None:
        return replace(row, unit_name=tr("保密单位（开始检查后显示）"))
    return row


def _utc(value: str | None) -> datetime | None:
    return datetime.strptime(value, _UTC_FORMAT).replace(tzinfo=UTC) if value else None
