"""The records turned into plain facts (followup_rules) for the rules that need each finding:
the flags with their evidence, the circular's findings, the 责任追究建议. The board and the
statistics are counted in SQL (followup_sql), on the same stored columns.

Reading only: one pass over findings, their visits and units, and their follow-up events.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.domain import followup_rules as rules
from fieldcheck.domain.findings import category_name
from fieldcheck.domain.visits import KIND_NAMES
from fieldcheck.models import Notice, Unit
from fieldcheck.paths import resources_dir


def local_zone() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


@cache
def category_aliases() -> dict[str, str]:
    """Old category keys → the keys that replaced them (finding_categories.json "renamed")."""
    with (resources_dir() / "finding_categories.json").open(encoding="utf-8") as f:
        data = json.load(f)
    return {str(k): str(v) for k, v in data.get("renamed", {}).items()}


@dataclass(frozen=True)
class Records:
    findings: dict[str, rules.FindingFacts]
    circulars: list[rules.CircularFacts]
    units: dict[str, rules.UnitFacts]
    notice_numbers: dict[str, str] = field(default_factory=dict)  # notice id → 文号 (those read)


# The findings the flags can name: those overdue on a given day (of a period, maybe), along
# ix_findings_board, and every circulated one, along ix_followup_events_circulated; of a few
# units, each of their findings is asked instead.
_FLAGGABLE = (
    " AND f.id IN (SELECT o.id FROM findings o WHERE o.live = 1 AND o.board_rank = 0 AND o.deadline < ?{period}"
    " UNION SELECT c.finding_id FROM followup_events c WHERE c.kind = 'circulated' AND c.deleted = 0)"
)
_FLAGGABLE_EACH = (
    " AND ((f.board_rank = 0 AND f.deadline < ?{period}) OR EXISTS (SELECT 1 FROM followup_events c"
    " WHERE c.finding_id = f.id AND c.kind = 'circulated' AND c.deleted = 0))"
)


def load_records(session: Session, *, flaggable_on: date | None = None,
                 of_units: list[str] | None = None, flt: BoardFilter | None = None) -> Records:
    """Every finding; or, with `flaggable_on`, only those the flags of that day can name (the
    repeat rule reads circulated findings, the overdue rule overdue ones — of them, only those
    `flt` admits, as current_flags counts them): far fewer rows; with `of_units`, only the
    findings of those units."""
    only, params = "", ()  # type: tuple[str, tuple[str, ...]]
    if flaggable_on is not None:
        form, row = (_FLAGGABLE, "o") if of_units is None else (_FLAGGABLE_EACH, "f")
        only, params = form.format(period=""), (flaggable_on.isoformat(),)
        if flt is not None and (flt.date_from or flt.date_to):
            only = form.format(period=f" AND {row}.found_on BETWEEN ? AND ?")
            params = (*params, (flt.date_from or date.min).isoformat(), (flt.date_to or date.max).isoformat())
    if of_units is not None:
        only += f" AND f.unit_id IN ({','.join('?' for _ in of_units)})"
        params = (*params, *of_units)
    units = {
        u.id: rules.UnitFacts(u.id, u.name, tuple(u.predecessor_ids or ()))
        for u in session.scalars(select(Unit))
    }
    # Plain driver rows: at 100 000 findings the ORM's per-value conversion is most of the time.
    conn = session.connection()
    rows = conn.exec_driver_sql(
        "SELECT f.id, f.unit_id, f.category, f.description, f.status, f.deadline, f.visit_kind,"
        " f.visit_team, v.started_at, f.notified_at, f.rectified_at, f.verified_at, f.requirement,"
        " f.responsible, f.created_at, f.found_on FROM findings f JOIN visits v ON v.id = f.visit_id"
        " WHERE f.live = 1" + only, params
    ).all()
    events = ("SELECT e.finding_id, e.kind, e.notice_id, e.deadline, e.previous_deadline, n.number"
              " FROM followup_events e LEFT JOIN notices n ON n.id = e.notice_id AND n.status = 'issued'"
              " WHERE e.deleted = 0")
    if only:  # the events of the findings read, along their index (a finding's all in one batch)
        ids = [r[0] for r in rows]
        batches = [ids[i:i + 500] for i in range(0, len(ids), 500)]
        timed = [ev for batch in batches for ev in conn.exec_driver_sql(
            events.replace(" FROM", ", e.at, e.created_at, e.id FROM", 1)
            + f" AND e.finding_id IN ({','.join('?' for _ in batch)})", tuple(batch)).all()]
        # In the order they happened across the batches too: a circular's findings, and so a
        # flag's evidence, read in the same order however many findings were read.
        timed.sort(key=lambda ev: (ev[6], ev[7], ev[8]))
        found: Sequence[Any] = [ev[:6] for ev in timed]
    else:
        found = conn.exec_driver_sql(events + " ORDER BY e.at, e.created_at, e.id").all()
    circulars = [
        (n.id, n.number or "", n.issued_at or datetime.min.replace(tzinfo=UTC))
        for n in session.scalars(select(Notice).where(
            Notice.type == "circular", Notice.status == "issued", Notice.deleted.is_(False)))
    ]
    return records_of(rows, found, circulars, units)


# A live finding as the store keeps it (times and days as stored text): id, unit, category,
# description, status, deadline, visit kind, visit team, visit start, notified, rectified,
# verified, requirement, responsible, created, local day found.
FindingRow = tuple[str, str, str, str, str, str | None, str | None, str | None, str | None,
                   str | None, str | None, str | None, str, str, str, str | None]
# A follow-up event that is not deleted, in the order it happened: finding, kind, notice,
# deadline, previous deadline, and the notice's 文号 if that notice is issued.
EventRow = tuple[str, str, str | None, str | None, str | None, str | None]


def records_of(rows: Iterable[FindingRow], events: Iterable[EventRow],
               circulars: Iterable[tuple[str, str, datetime]],
               units: dict[str, rules.UnitFacts]) -> Records:
    """The rules' facts from stored rows: the laptop reads them from its tables, the server
    from the records every laptop synced (server/followup.py). `circulars`: the issued 通报
    that are not deleted, as (id, 文号, issued at)."""
    day = _parser(date.fromisoformat)
    moment = _parser(_utc)
    numbers: dict[str, str] = {}
    notified: dict[str, list[str]] = {}
    deadlines: dict[str, list[date]] = {}
    circulated: dict[str, list[str]] = {}
    for fid, kind, notice_id, deadline, previous, number in events:
        if number is not None and notice_id is not None:
            numbers[notice_id] = number
        if kind == "notified" and number is not None:
            notified.setdefault(fid, []).append(number)
        elif kind == "circulated" and notice_id:
            circulated.setdefault(notice_id, []).append(fid)
        if deadline is not None and kind in ("notified", "extended", "reopened"):
            seen = deadlines.setdefault(fid, [])
            for d in (day(previous), day(deadline)):
                if d is not None and d not in seen:
                    seen.append(d)
    findings: dict[str, rules.FindingFacts] = {}
    facts = rules.FindingFacts
    for (fid, unit_id, category, text, status, due_text, visit_kind, team, started,
         n_at, r_at, v_at, requirement, responsible, created, found_on) in rows:
        due = day(due_text)
        findings[fid] = facts(
            fid, unit_id, category, text, status, due, visit_kind or "", team or "", moment(started or created),
            moment(n_at), moment(r_at), moment(v_at), requirement, responsible,
            tuple(notified.get(fid, ())), tuple(deadlines.get(fid, ())) or ((due,) if due else ()),
            day(found_on),
        )
    issued = [rules.CircularFacts(cid, number, at, tuple(circulated.get(cid, ())))
              for cid, number, at in circulars]
    numbers.update({c.id: c.number for c in issued if c.number})
    return Records(findings, issued, units, numbers)


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _parser(parse: Any) -> Any:
    """Stored text → value, each distinct text parsed once (a visit's findings share a time)."""
    cache: dict[str, Any] = {}

    def convert(text: str | None) -> Any:
        if text is None:
            return None
        value = cache.get(text)
        if value is None:
            value = cache[text] = parse(text)
        return value

    return convert


# --- the board ------------------------------------------------------------------------------

@dataclass(frozen=True)
class BoardFilter:
    unit_id: str | None = None
    category: str | None = None
    team: str | None = None
    date_from: date | None = None  # the visit's day, local calendar
    date_to: date | None = None
    only_open: bool = False  # hide verified ones

    def admits(self, f: rules.FindingFacts, tz: tzinfo) -> bool:
        if self.unit_id and f.unit_id != self.unit_id:
            return False
        if self.category and f.category != self.category:
            return False
        if self.team and f.team != self.team:
            return False
        if self.only_open and f.status == rules.VERIFIED:
            return False
        day = found_day(f, tz)
        if self.date_from and (day is None or day < self.date_from):
            return False
        return not (self.date_to and (day is None or day > self.date_to))


def found_day(f: rules.FindingFacts, tz: tzinfo) -> date | None:
    """The local day the finding's visit found it: as the store recorded it when written
    (findings.found_on, the day the statistics count), else from the visit's start."""
    if f.found_on is not None:
        return f.found_on
    return _local_day(f.found_at, tz) if f.found_at else None


@lru_cache(maxsize=65536)
def _local_day(moment: datetime, tz: tzinfo) -> date:
    # Visits hold several findings found at the same moment: one conversion serves them all.
    return moment.astimezone(tz).date()


@dataclass(frozen=True, slots=True)
class BoardRow:
    finding_id: str
    unit_id: str
    unit_name: str
    category: str
    category_name: str
    description: str
    requirement: str
    team: str
    visit_kind: str
    found_on: date | None
    deadline: date | None
    state: rules.DeadlineState
    status: str
    status_name: str
    notices: tuple[str, ...]


# --- statistics -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Statistics:
    total: int
    by_unit: list[tuple[str, int]]  # (unit name, count), most first
    by_category: list[tuple[str, int]]
    by_visit_kind: list[tuple[str, int]]
    by_month: list[tuple[str, int]]  # ("2026-10", count), in order
    by_status: list[tuple[str, int]]
    notified: int  # findings that reached a unit by a notice
    verified: int
    rectification_rate: float | None  # verified ÷ notified
    mean_days_to_rectify: float | None  # notified → rectified
    overdue: int = 0  # past their deadline without verified rectification, on the day asked


_KIND_TEXT = {str(k): v for k, v in KIND_NAMES.items()}


def _ranked(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


# --- flags ----------------------------------------------------------------------------------

def as_of(day_to: date | None, now: datetime, tz: tzinfo) -> datetime:
    """The moment a report for a period judges deadlines: the end of its last day, or now."""
    if day_to is None:
        return now
    end = datetime.combine(day_to + timedelta(days=1), time(0), tzinfo=tz)
    return min(now, end)


def current_flags(records: Records, now: datetime, tz: tzinfo,
                  flt: BoardFilter | None = None) -> list[rules.Flag]:
    """Repeat and overdue flags over the records (overdue limited to the filter's findings)."""
    circulars = [c for c in records.circulars if c.issued_at <= now]
    repeats = rules.repeat_offences(records.findings, circulars, records.units, category_aliases())
    admitted = [f for f in records.findings.values() if flt is None or flt.admits(f, tz)]
    return sorted(repeats + rules.overdue_flags(admitted, now, tz),
                  key=lambda f: (f.reason != "repeat", f.unit_id, f.category))


def flag_json(flag: rules.Flag, records: Records) -> dict[str, Any]:
    unit = records.units.get(flag.unit_id)
    return {
        "unit_id": flag.unit_id,
        "unit": unit.name if unit else "",
        "reason": flag.reason,
        "reason_text": "同一类问题被连续两次通报" if flag.reason == "repeat" else "逾期未整改到位",
        "category": flag.category,
        "category_name": category_name(flag.category) if flag.category else "",
        "circulars": list(flag.evidence.circulars),
        "notices": list(flag.evidence.notices),
        "deadlines": [d.isoformat() for d in flag.evidence.deadlines],
        "findings": [
            {"id": fid, "description": records.findings[fid].description,
             "unit": records.units[records.findings[fid].unit_id].name
             if records.findings[fid].unit_id in records.units else "",
             "status": records.findings[fid].status,
             "deadline": d.isoformat() if (d := records.findings[fid].deadline) else None}
            for fid in flag.evidence.findings if fid in records.findings
        ],
        "units_in_evidence": [records.units[u].name if u in records.units else u
                              for u in flag.units_in_evidence],
    }
