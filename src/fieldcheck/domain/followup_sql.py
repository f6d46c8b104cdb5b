"""The board's first page and the statistics as SQL aggregates (SQLite, the laptop's store).

The same numbers as followup_board (tests/domain/test_followup_sql.py holds them equal), for
stores too large to read whole: each statistic is one GROUP BY, the board one ordered page.
Local calendar days come from SQLite's 'localtime', i.e. the process's time zone, which is the
zone followup_board.local_zone() names.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from fieldcheck.domain import followup_rules as rules
from fieldcheck.domain.findings import category_name
from fieldcheck.domain.followup import STATUS_NAMES
from fieldcheck.domain.followup_board import _KIND_TEXT, BoardFilter, BoardRow, Statistics, _ranked

_DAY = "date(COALESCE(v.started_at, f.created_at), 'localtime')"
_FROM = " FROM findings f JOIN visits v ON v.id = f.visit_id"


def _where(flt: BoardFilter) -> tuple[str, dict[str, Any]]:
    parts = ["f.deleted = 0", "v.deleted = 0"]
    params: dict[str, Any] = {}
    if flt.unit_id:
        parts.append("f.unit_id = :unit")
        params["unit"] = flt.unit_id
    if flt.category:
        parts.append("f.category = :category")
        params["category"] = flt.category
    if flt.team:
        parts.append("v.team = :team")
        params["team"] = flt.team
    if flt.only_open:
        parts.append("f.status != 'verified'")
    if flt.date_from:
        parts.append(f"{_DAY} >= :day_from")
        params["day_from"] = flt.date_from.isoformat()
    if flt.date_to:
        parts.append(f"{_DAY} <= :day_to")
        params["day_to"] = flt.date_to.isoformat()
    return " WHERE " + " AND ".join(parts), params


def _grouped(session: Session, key: str, flt: BoardFilter) -> list[tuple[Any, int]]:
    where, params = _where(flt)
    conn = session.connection()
    sql = f"SELECT {key}, count(*){_FROM}{where} GROUP BY 1"
    return [(k, n) for k, n in conn.exec_driver_sql(_named(sql), _positional(sql, params)).all()]


def statistics(session: Session, flt: BoardFilter) -> Statistics:
    units: dict[str, str] = dict(session.connection().exec_driver_sql("SELECT id, name FROM units").all())
    by_unit: dict[str, int] = {}
    for uid, n in _grouped(session, "f.unit_id", flt):
        name = units.get(uid, uid)
        by_unit[name] = by_unit.get(name, 0) + n
    by_cat: dict[str, int] = {}
    for key, n in _grouped(session, "f.category", flt):
        by_cat[category_name(key)] = by_cat.get(category_name(key), 0) + n
    kinds: dict[str, int] = {}
    for key, n in _grouped(session, "v.kind", flt):
        kinds[_KIND_TEXT.get(key, key)] = kinds.get(_KIND_TEXT.get(key, key), 0) + n
    months = sorted((m, n) for m, n in _grouped(session, f"substr({_DAY}, 1, 7)", flt) if m)
    statuses: dict[str, int] = {}
    for key, n in _grouped(session, "f.status", flt):
        statuses[STATUS_NAMES.get(key, key)] = statuses.get(STATUS_NAMES.get(key, key), 0) + n
    where, params = _where(flt)
    sql = (f"SELECT count(*), count(f.notified_at), sum(f.notified_at IS NOT NULL AND f.status = 'verified'),"
           f" avg(CASE WHEN f.notified_at IS NOT NULL AND f.rectified_at IS NOT NULL"
           f" THEN julianday(f.rectified_at) - julianday(f.notified_at) END){_FROM}{where}")
    total, notified, verified, mean = session.connection().exec_driver_sql(
        _named(sql), _positional(sql, params)).one()
    verified = verified or 0
    return Statistics(
        total=total, by_unit=_ranked(_counter(by_unit)), by_category=_ranked(_counter(by_cat)),
        by_visit_kind=_ranked(_counter(kinds)), by_month=months,
        by_status=_ranked(_counter(statuses)), notified=notified, verified=verified,
        rectification_rate=verified / notified if notified else None, mean_days_to_rectify=mean,
    )


def board_page(session: Session, flt: BoardFilter, today: date, offset: int = 0,
               limit: int = 200) -> tuple[int, list[BoardRow]]:
    """How many findings the filter admits, and one page of the board in its order (overdue
    first, longest overdue on top, then by deadline)."""
    where, params = _where(flt)
    params = {**params, "today": today.isoformat(), "limit": limit, "offset": offset}
    late = "(f.deadline IS NOT NULL AND f.deadline < :today AND f.status NOT IN ('open', 'verified'))"
    sql = (f"SELECT f.id, f.unit_id, u.name, f.category, f.description, f.requirement, v.team, v.kind,"
           f" {_DAY}, f.deadline, f.status{_FROM} JOIN units u ON u.id = f.unit_id{where}"
           f" ORDER BY {late} DESC, f.status = 'verified', f.deadline IS NULL, f.deadline, u.name, f.id"
           f" LIMIT :limit OFFSET :offset")
    conn = session.connection()
    count_sql = f"SELECT count(*){_FROM}{where}"
    total = conn.exec_driver_sql(_named(count_sql), _positional(count_sql, params)).scalar_one()
    rows = conn.exec_driver_sql(_named(sql), _positional(sql, params)).all()
    numbers = _notice_numbers(session, [r[0] for r in rows])
    out = []
    for fid, uid, uname, cat, text, req, team, kind, found, deadline, status in rows:
        due = date.fromisoformat(deadline) if deadline else None
        out.append(BoardRow(fid, uid, uname, cat, category_name(cat), text, req, team, kind,
                            date.fromisoformat(found) if found else None, due,
                            rules.deadline_state_on(due, status, today), status,
                            STATUS_NAMES.get(status, status), numbers.get(fid, ())))
    return total, out


def _notice_numbers(session: Session, finding_ids: list[str]) -> dict[str, tuple[str, ...]]:
    if not finding_ids:
        return {}
    marks = ",".join("?" for _ in finding_ids)
    out: dict[str, list[str]] = {}
    for fid, number in session.connection().exec_driver_sql(
        "SELECT e.finding_id, n.number FROM followup_events e JOIN notices n ON n.id = e.notice_id"
        f" WHERE e.kind = 'notified' AND e.deleted = 0 AND n.status = 'issued' AND e.finding_id IN ({marks})"
        " ORDER BY e.at, e.created_at", tuple(finding_ids)
    ).all():
        out.setdefault(fid, []).append(number)
    return {k: tuple(v) for k, v in out.items()}


def _counter(d: dict[str, int]) -> Any:
    from collections import Counter

    return Counter(d)


# exec_driver_sql takes the driver's own parameter style (qmark for sqlite3): named
# placeholders are turned into ? in order.
def _named(sql: str) -> str:
    import re

    return re.sub(r":([a-z_]+)", "?", sql)


def _positional(sql: str, params: dict[str, Any]) -> tuple[Any, ...]:
    import re

    return tuple(params[name] for name in re.findall(r":([a-z_]+)", sql))
