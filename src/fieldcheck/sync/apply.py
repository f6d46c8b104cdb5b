"""Applying the server's records to the local store, one pulled page per transaction.

The server is authoritative: a pulled record replaces the local one, and the local edits the
server has not acknowledged yet are laid over it again (their outbox ops stay, with their
base values, so the server still merges them field by field). Derived data is rebuilt here:
a finding's unit, a visit's search text, a signature's PNG from its strokes.

Foreign keys are not enforced while a page is applied: the feed is in server order, so an
answer may arrive before its visit; the parent comes in the same sync.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from fieldcheck.domain.changes import Actor, audit, feed_cursor, state_hash, untracked
from fieldcheck.domain.records import from_plain, record_dict
from fieldcheck.domain.visits import search_text_of
from fieldcheck.models import (
    REPLICATED,
    Finding,
    LocalIdentity,
    LocalSetting,
    OutboxOp,
    Signature,
    Visit,
)
from fieldcheck.models.coltypes import UTCDateTime
from fieldcheck.models.local import FEED_CURSOR_KEY
from fieldcheck.sync.entities import column_kinds
from fieldcheck.sync.protocol import FeedRecord

CURSOR_KEY = FEED_CURSOR_KEY


cursor_of = feed_cursor


def apply_page(session: Session, records: Iterable[FeedRecord], cursor: int) -> int:
    """Apply one pulled page and move the cursor, in the caller's transaction; returns how
    many records were applied. Ops the server acknowledged at or below the cursor are done."""
    ident = session.scalars(select(LocalIdentity)).one()
    actor = Actor(ident.user_name or "未登记用户", ident.device_id)
    touched_visits: set[str] = set()
    count = 0
    records = list(records)
    with untracked(session):
        held = _load_page(session, records)  # strong references: the identity map is weak
        for rec in records:
            obj = _apply_record(session, rec)
            if obj is None:
                continue  # the echo of this laptop's own change: nothing new
            count += 1
            if rec.entity == "visit":
                touched_visits.add(rec.id)
            elif rec.entity in ("finding", "unit"):
                touched_visits.update(_visits_of(session, rec.entity, obj))
            audit(session, actor, "sync.apply", rec.entity, rec.id, {"version": rec.version},
                  state_hash=state_hash(rec.entity, record_dict(obj)))
        take_stamps(session, session.info.pop(_STAMPS, []))  # the echoes' server stamps
        for visit_id in sorted(touched_visits):
            _rebuild_visit(session, visit_id)
        del held
        session.merge(LocalSetting(key=CURSOR_KEY, value=cursor))
        session.execute(update(OutboxOp).where(
            OutboxOp.status == "acked", OutboxOp.acked_version <= cursor).values(status="done"))
        session.query(OutboxOp).filter(OutboxOp.status == "done").delete()
    return count


def _apply_record(session: Session, rec: FeedRecord) -> Any:
    """The applied record, or None when the local one already holds the server's state."""
    if _is_echo(session, rec):
        return None
    with session.no_autoflush:
        obj = _merge_record(session, rec)
    session.flush()
    return obj


def _is_echo(session: Session, rec: FeedRecord) -> bool:
    """A pulled record equal to the local one but for the server's time stamp (what this
    laptop pushed coming back): the stamp is taken over quietly, no audit event."""
    cls = REPLICATED[rec.entity]
    obj = session.get(cls, rec.id)
    if obj is None:
        return False
    local = record_dict(obj)
    if any(local.get(f) != v for f, v in rec.data.items() if f != "updated_at" and f in local):
        return False
    stamp = rec.data.get("updated_at")
    if isinstance(stamp, str) and local.get("updated_at") != stamp:
        session.info.setdefault(_STAMPS, []).append((rec.entity, rec.id, stamp))
    return True


_STAMPS = "fieldcheck.sync.stamps"


def take_stamps(session: Session, stamps: Iterable[tuple[str, str, str]]) -> None:
    """The server's time stamps of records a push settled, (entity, id, updated_at): the
    records equal the server's copies, which the feed will not send back. The wire form of a
    time is the stored form, so the text is written as it came (one statement per entity)."""
    latest: dict[tuple[str, str], str] = {}
    for entity, record_id, stamp in stamps:
        latest[(entity, record_id)] = stamp  # in push order: the last write's stamp stands
    by_table: dict[Any, list[dict[str, Any]]] = {}
    for (entity, record_id), stamp in latest.items():
        cls = REPLICATED[entity]
        if not _STORED_TIME.fullmatch(stamp):
            stamp = UTCDateTime().process_bind_param(from_plain(cls, "updated_at", stamp), None) or ""
        by_table.setdefault(cls.__table__, []).append({"b_id": record_id, "b_at": stamp})
    for table, rows in by_table.items():
        session.execute(update(table).where(table.c.id == bindparam("b_id"))
                        .values(updated_at=bindparam("b_at", type_=String)), rows)


_STORED_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


def _load_page(session: Session, records: list[FeedRecord]) -> list[Any]:
    """The page's local records and pending ops, loaded in a few queries."""
    held: list[Any] = []
    by_entity: dict[str, list[str]] = {}
    for rec in records:
        by_entity.setdefault(rec.entity, []).append(rec.id)
    for entity, ids in by_entity.items():
        cls = REPLICATED[entity]
        for start in range(0, len(ids), 500):
            held += session.scalars(select(cls).where(cls.id.in_(ids[start:start + 500]))).all()
    return held


def _merge_record(session: Session, rec: FeedRecord) -> Any:
    cls = REPLICATED[rec.entity]
    obj = session.get(cls, rec.id)
    if obj is None:
        obj = cls(id=rec.id)
        session.add(obj)
    kinds = column_kinds(rec.entity)
    for field, value in rec.data.items():
        if field in kinds and field != "id":
            setattr(obj, field, from_plain(cls, field, value))
    if rec.entity == "finding" and obj.unit_id is None:
        visit = session.get(Visit, obj.visit_id)
        # Derived from its visit, which may come later in this sync (then rebuilt).
        obj.unit_id = visit.unit_id if visit is not None else ""
    # Local edits the server has not acknowledged yet stay on top of its state.
    pending = session.scalars(select(OutboxOp).where(
        OutboxOp.entity == rec.entity, OutboxOp.entity_id == rec.id, OutboxOp.status == "pending",
    ).order_by(OutboxOp.seq)).all()
    for op in pending:
        for field, value in op.changed.items():
            if field in kinds and field != "id":
                setattr(obj, field, from_plain(cls, field, value))
    if rec.entity == "signature":
        obj.png = signature_png(obj)
    if "updated_at" in rec.data and obj in session.dirty:
        # The server's stamp, even when equal to the local one: otherwise the column's
        # onupdate would stamp the laptop's clock over it.
        flag_modified(obj, "updated_at")
    return obj


def _visits_of(session: Session, entity: str, obj: Any) -> list[str]:
    if entity == "finding":
        return [obj.visit_id]
    return list(session.scalars(select(Visit.id).where(Visit.unit_id == obj.id)))


def _rebuild_visit(session: Session, visit_id: str) -> None:
    visit = session.get(Visit, visit_id)
    if visit is None:
        return
    session.execute(update(Finding).where(Finding.visit_id == visit_id, Finding.unit_id != visit.unit_id)
                    .values(unit_id=visit.unit_id))
    # Derived, so the record's own time stays the server's.
    session.execute(update(Visit).where(Visit.id == visit_id).values(
        search_text=search_text_of(session, visit), updated_at=Visit.updated_at))
    session.expire(visit, ["search_text"])


def signature_png(sig: Signature) -> bytes | None:
    """The signature's image drawn from its strokes (what the notice prints)."""
    if sig.refused or not sig.strokes:
        return sig.png
    from fieldcheck.notices.strokes import strokes_png

    return strokes_png(sig.strokes)

