"""跟踪问效 on the bureau's server: the follow-up report of a period over every laptop's synced
records, so the bureau sees repeat offenders that no one laptop holds the evidence for.

The server keeps each replicated record as JSON (tables.Record). Here they are read as the
laptop's store would hold them after a pull, turned into the rules' facts by the laptop's own
`followup_board.records_of`, and reported by `reports.report_of_records` and `report_json`:
one set of rules, one report shape. As on the laptop, a finding counts while neither it nor
its visit is deleted; a finding's unit is its visit's; only issued 通报 that are not deleted
are circulars; a 整改通知书's 文号 is cited while it stands issued; deleted events say nothing.

The admin reads every record, a confidential visit's too (the bureau follows up on all).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.domain import followup_rules as rules
from fieldcheck.domain.followup_board import EventRow, FindingRow, Records, records_of
from fieldcheck.domain.reports import PeriodReport, report_of_records
from fieldcheck.server.tables import Record

_NO_TIME = datetime.min.replace(tzinfo=UTC)


def _records(session: Session, entity: str) -> Iterator[dict[str, Any]]:
    rows = session.execute(select(Record.data).where(Record.entity == entity)
                           .execution_options(yield_per=2000))
    for (text,) in rows:
        data: dict[str, Any] = json.loads(text)
        yield data


def load_records(session: Session, tz: tzinfo) -> Records:
    """The rules' facts of every finding the server holds. `tz`: the zone whose calendar day a
    finding was found on (the laptop records its own; the bureau's server uses its own)."""
    units = {
        u["id"]: rules.UnitFacts(u["id"], u.get("name") or "", tuple(u.get("predecessor_ids") or ()))
        for u in _records(session, "unit")
    }
    visits = {v["id"]: v for v in _records(session, "visit")}
    rows: list[FindingRow] = []
    for f in _records(session, "finding"):
        visit = visits.get(f.get("visit_id") or "")
        if f.get("deleted") or visit is None or visit.get("deleted"):
            continue
        started, created = visit.get("started_at"), f.get("created_at") or ""
        rows.append((
            f["id"], visit.get("unit_id") or "", f.get("category") or "", f.get("description") or "",
            f.get("status") or "", f.get("deadline"), visit.get("kind"), visit.get("team"), started,
            f.get("notified_at"), f.get("rectified_at"), f.get("verified_at"),
            f.get("requirement") or "", f.get("responsible") or "", created,
            _local_day(started or created, tz),
        ))
    issued: dict[str, str | None] = {}
    circulars: list[tuple[str, str, datetime]] = []
    for n in _records(session, "notice"):
        if n.get("status") != "issued":
            continue
        issued[n["id"]] = n.get("number")
        if n.get("type") == "circular" and not n.get("deleted"):
            at = n.get("issued_at")
            circulars.append((n["id"], n.get("number") or "", _moment(at) if at else _NO_TIME))
    events: list[tuple[str, str, str, EventRow]] = []
    for e in _records(session, "followup_event"):
        if e.get("deleted"):
            continue
        notice_id = e.get("notice_id")
        events.append((e.get("at") or "", e.get("created_at") or "", e["id"], (
            e.get("finding_id") or "", e.get("kind") or "", notice_id, e.get("deadline"),
            e.get("previous_deadline"), issued.get(notice_id) if notice_id else None,
        )))
    # As they happened (stored times sort as text); ids are time-ordered (UUIDv7) for a tie.
    events.sort(key=lambda item: item[:3])
    return records_of(rows, (row for *_when, row in events), circulars, units)


def period_report(session: Session, day_from: date, day_to: date, now: datetime,
                  tz: tzinfo) -> PeriodReport:
    """The follow-up report of a period over everything synced, as `fieldcheck report` makes it
    on a laptop that holds the same records."""
    return report_of_records(load_records(session, tz), day_from, day_to, now, tz)


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _local_day(text: str, tz: tzinfo) -> str | None:
    return _moment(text).astimezone(tz).date().isoformat() if text else None
