"""文号 printed on two papers: the list a document clerk works through until each is corrected.

A laptop that printed notices before it was enrolled was its own number authority, and so was
every other such laptop: two units may hold papers under one 文号. The server records each
issued notice as printed; the number stays with the notice that held it first (or with the
device whose leased block it lies in), and the later one gets a ``rejection`` record with code
``number_clash`` (merge.py). The clash is settled when the inspector issues a 更正: a new
notice under a leased number that supersedes the clashing one, which is voided with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.server.tables import NoticeNumber, Record
from fieldcheck.sync.entities import NUMBER_CLASH


@dataclass(frozen=True)
class NoticeSide:
    id: str
    number: str
    status: str  # issued / voided
    unit: str
    issued_at: str
    issued_by: str


@dataclass(frozen=True)
class NumberClash:
    notice_type: str
    number: str
    notice: NoticeSide  # recorded under a number that was not its to take
    holder: NoticeSide | None  # the notice the number stays with; None: another device's block
    reason: str  # what the server said when it recorded the notice
    made_by: str  # who pushed it, from which device
    device_id: str
    correction: NoticeSide | None  # the 更正 that superseded it, once issued

    @property
    def settled(self) -> bool:
        """Corrected under a new number, or withdrawn: the paper no longer stands."""
        corrected = self.correction is not None and self.correction.status == "issued"
        return corrected or self.notice.status == "voided"

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "settled": self.settled}


def number_clashes(session: Session, *, open_only: bool = False) -> list[NumberClash]:
    """Every notice recorded under a taken number, oldest first; `open_only`: not yet corrected."""
    flagged = [data for data in _datas(session, "rejection") if data.get("code") == NUMBER_CLASH
               and data.get("entity") == "notice" and not data.get("deleted")]
    if not flagged:
        return []
    notices = {str(data["id"]): data for data in _datas(session, "notice")}
    units = {str(data["id"]): str(data.get("name") or "") for data in _datas(session, "unit")}
    corrections = {str(data["supersedes_id"]): data for data in notices.values()
                   if data.get("supersedes_id") and data.get("status") != "draft"}
    clashes = []
    for flag in sorted(flagged, key=lambda data: str(data.get("created_at") or "")):
        notice = notices.get(str(flag["entity_id"]))
        if notice is None or not notice.get("number"):
            continue
        kind, number = str(notice.get("type") or ""), str(notice["number"])
        holder_id = session.scalars(select(NoticeNumber.notice_id).where(
            NoticeNumber.notice_type == kind, NoticeNumber.number == number)).first()
        holder = notices.get(holder_id) if holder_id and holder_id != notice["id"] else None
        correction = corrections.get(str(notice["id"]))
        clash = NumberClash(
            notice_type=kind, number=number, notice=_side(notice, units),
            holder=_side(holder, units) if holder else None, reason=str(flag.get("message") or ""),
            made_by=str(flag.get("made_by") or ""), device_id=str(flag.get("device_id") or ""),
            correction=_side(correction, units) if correction else None)
        if not (open_only and clash.settled):
            clashes.append(clash)
    return clashes


def has_number_clash(session: Session, notice_id: str) -> bool:
    """The server recorded this notice under a number another notice or device holds."""
    flags = session.scalars(select(Record.data).where(
        Record.entity == "rejection",
        Record.data.contains(json.dumps({"entity_id": notice_id})[1:-1], autoescape=True)))
    return any(json.loads(text).get("code") == NUMBER_CLASH for text in flags)


def _side(data: dict[str, Any], units: dict[str, str]) -> NoticeSide:
    return NoticeSide(id=str(data["id"]), number=str(data.get("number") or ""),
                      status=str(data.get("status") or ""), unit=units.get(str(data.get("unit_id")), ""),
                      issued_at=str(data.get("issued_at") or ""), issued_by=str(data.get("issued_by") or ""))


def _datas(session: Session, entity: str) -> Iterable[dict[str, Any]]:
    for text in session.scalars(select(Record.data).where(Record.entity == entity)):
        yield json.loads(text)
