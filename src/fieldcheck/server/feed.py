"""The change feed: records with their feed versions, scopes and who may see them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from fieldcheck.models.coltypes import utcnow
from fieldcheck.server.tables import FeedCounter, Record

WIRE_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"
# Directory entities reach every device.
DIRECTORY = frozenset({"unit", "inspector", "template_version"})
SEES_ALL_TEAMS = frozenset({"supervisor", "admin"})


def wire_time(moment: datetime | None = None) -> str:
    return (moment or utcnow()).strftime(WIRE_TIME)


@dataclass(frozen=True)
class Viewer:
    """Who reads or writes the feed: the account behind a device token (or the admin CLI)."""

    user_id: str | None
    role: str
    team: str
    name: str = ""


_HEAD = "fieldcheck.server.feed_head"  # the counter as this transaction has moved it
_MOVED = "fieldcheck.server.feed_moved"


def lock_feed(session: Session) -> int:
    """Take the feed's write lock for the rest of the transaction; returns the head.

    Every writer takes it first, so writers run one at a time across processes and a merge
    never reads a record that another transaction is about to change. While the lock is held
    nobody else can move the counter, so versions are handed out from memory and the counter
    is written once, just before commit (`store_feed_head`).
    """
    held = session.info.get(_HEAD)
    if held is not None:
        return int(held)  # already held by this transaction, maybe moved in memory
    head = int(
        session.execute(
            update(FeedCounter).where(FeedCounter.id == 1).values(value=FeedCounter.value)
            .returning(FeedCounter.value)
        ).scalar_one()
    )
    session.info[_HEAD] = head
    return head


def next_version(session: Session) -> int:
    head = session.info.get(_HEAD)
    if head is None:
        head = lock_feed(session)
    session.info[_HEAD] = head + 1
    session.info[_MOVED] = True
    return int(head) + 1


def store_feed_head(session: Session) -> None:
    """Before commit: the counter takes the last version this transaction handed out."""
    if session.info.pop(_MOVED, False):
        session.execute(update(FeedCounter).where(FeedCounter.id == 1)
                        .values(value=session.info[_HEAD]))


def forget_feed_head(session: Session) -> None:
    session.info.pop(_NEW, None)
    session.info.pop(ABSENT, None)
    session.info.pop(HELD, None)
    session.info.pop(_HEAD, None)
    session.info.pop(_MOVED, None)


def feed_head(session: Session) -> int:
    return int(session.scalars(select(FeedCounter.value).where(FeedCounter.id == 1)).one())


ABSENT = "fieldcheck.server.absent"  # (entity, id) known not to exist when a push began
HELD = "fieldcheck.server.held"  # records loaded for this transaction, kept referenced


def get_record(session: Session, entity: str, record_id: str) -> Record | None:
    held = session.info.get(HELD)
    if held is not None and (entity, record_id) in held:
        return held[(entity, record_id)]  # type: ignore[no-any-return]
    found = session.identity_map.get(identity_key(Record, (entity, record_id)))
    if found is not None:
        return found  # type: ignore[no-any-return]
    if (entity, record_id) in session.info.get(ABSENT, ()):
        return None
    return session.get(Record, (entity, record_id))


def record_data(record: Record) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(record.data)
    return data


def field_meta(record: Record) -> dict[str, dict[str, Any]]:
    """Per field, who last wrote it: {"by", "at", "device", "v" (the feed version)}."""
    meta: dict[str, dict[str, Any]] = json.loads(record.field_meta or "{}")
    return meta


@dataclass(frozen=True)
class Placement:
    """Where a record belongs: the team that receives it and the visit it is part of."""

    scope: str | None
    confidential: bool
    visit_id: str | None


DIRECTORY_PLACEMENT = Placement(None, False, None)


_NEW = "fieldcheck.server.new_records"  # a push's new records, not yet inserted


class NewRecord:
    """A record first written by the running push: a plain object with Record's columns,
    inserted with the push's other new records in one statement when the push ends."""

    __slots__ = ("entity", "id", "data", "version", "scope", "confidential", "visit_id",
                 "origin_user_id", "field_meta", "blob_sha256", "settled_device")

    def __init__(self, entity: str, record_id: str, origin_user_id: str | None) -> None:
        self.entity, self.id, self.origin_user_id = entity, record_id, origin_user_id
        self.field_meta: str | None = None

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def begin_new_records(session: Session) -> None:
    session.info[_NEW] = []


def insert_new_records(session: Session, *, keep_writing: bool = False) -> None:
    """Insert the push's new records. `keep_writing`: the push goes on, so the held plain
    objects are swapped for ORM records that later writes update."""
    new: list[NewRecord] | None = session.info.get(_NEW)
    if not new:
        return
    rows = [record.row() for record in new]
    new.clear()
    session.execute(insert(Record.__table__), rows)  # type: ignore[arg-type]
    if keep_writing:
        held = session.info.setdefault(HELD, {})
        for row in rows:
            held[(row["entity"], row["id"])] = session.get(Record, (row["entity"], row["id"]))


def end_new_records(session: Session) -> None:
    insert_new_records(session)
    session.info.pop(_NEW, None)


def write_record(
    session: Session,
    entity: str,
    record_id: str,
    data: dict[str, Any],
    placement: Placement,
    *,
    meta: dict[str, dict[str, Any]] | None = None,
    origin_user_id: str | None = None,
    settled_device: str | None = None,
    at: str | None = None,
    written: Iterable[str] = (),
) -> Record:
    """Store a record's new state at the next feed version, stamped with the server's clock
    (`at`, or now). `settled_device`: the device known to hold exactly this state.
    `written`: the fields a device's op wrote; their `meta` entries get this version ("v"),
    so a later op can be checked against what its device had seen."""
    data = {**data, "id": record_id, "updated_at": at or wire_time()}
    version = next_version(session)
    record = get_record(session, entity, record_id)
    if record is None:
        new = session.info.get(_NEW)
        if new is not None:
            record = NewRecord(entity, record_id, origin_user_id)
            new.append(record)
        else:
            record = Record(entity=entity, id=record_id, origin_user_id=origin_user_id)
            session.add(record)
        # It exists now (written at the end of the push or the next flush); later ops of
        # this push find it here.
        session.info.get(ABSENT, set()).discard((entity, record_id))
        session.info.setdefault(HELD, {})[(entity, record_id)] = record
    record.data = json.dumps(data, ensure_ascii=False, sort_keys=True)
    record.version = version
    record.scope = placement.scope
    record.confidential = placement.confidential
    record.visit_id = placement.visit_id
    if meta is not None:
        for name in written:
            meta[name] = {**meta[name], "v": version}
        record.field_meta = json.dumps(meta, ensure_ascii=False, sort_keys=True)
    elif record.field_meta is None:
        record.field_meta = "{}"
    record.blob_sha256 = blob_of(entity, data)
    record.settled_device = settled_device
    return record  # flushed with the rest of the push: one batch of INSERTs


def rescope_visit(session: Session, visit_id: str, placement: Placement) -> int:
    """Move a visit's children to the visit's team (and confidentiality), each at a new
    version so devices newly in scope receive them. Returns how many moved."""
    insert_new_records(session, keep_writing=True)  # children this push created are rows
    session.flush()
    children = session.scalars(
        select(Record).where(Record.visit_id == visit_id, Record.entity != "visit")
        .order_by(Record.version)
    ).all()
    moved = 0
    for child in children:
        if child.scope == placement.scope and child.confidential == placement.confidential:
            continue
        child.scope = placement.scope
        child.confidential = placement.confidential
        child.version = next_version(session)
        child.settled_device = None  # devices newly in scope receive it, whoever wrote it
        session.flush()
        moved += 1
    return moved


def visible_to(viewer: Viewer) -> ColumnElement[bool]:
    """Records a viewer receives: directories, its team's, its own, and for supervisors and
    admins every record that is not confidential. A confidential (unannounced) visit and its
    children reach only its team and whoever made them."""
    clauses: list[ColumnElement[bool]] = [Record.scope.is_(None)]
    if viewer.team:
        clauses.append(Record.scope == viewer.team)
    if viewer.user_id:
        clauses.append(Record.origin_user_id == viewer.user_id)
    if viewer.role in SEES_ALL_TEAMS:
        clauses.append(and_(Record.confidential.is_(False), Record.scope.is_not(None)))
    return or_(false(), *clauses)


def can_see(viewer: Viewer, record: Record) -> bool:
    if record.scope is None:
        return True
    if viewer.team and record.scope == viewer.team:
        return True
    if viewer.user_id and record.origin_user_id == viewer.user_id:
        return True
    return viewer.role in SEES_ALL_TEAMS and not record.confidential


def blob_of(entity: str, data: dict[str, Any]) -> str | None:
    """The file a record refers to (a photo's original, an issued notice's PDF): whoever may
    see the record may download it."""
    if entity == "photo":
        return data.get("sha256") or None
    if entity == "notice":
        return data.get("pdf_sha256") or None
    return None


def reemit(session: Session, record: Record) -> int:
    """Send a record through the feed again (a new version, settled for nobody): a device
    that was told it held this state learns that it does not."""
    record.version = next_version(session)
    record.settled_device = None
    return record.version


def pull_page(session: Session, viewer: Viewer, cursor: int, limit: int,
              device_id: str | None = None) -> tuple[list[Record], int, bool]:
    """Records above `cursor` the viewer may see, and the cursor to come back with; the
    versions `device_id`'s own pushes settled are left out (it holds them already).

    Run in one read snapshot: when the page is not full the cursor is the feed head read in
    that same snapshot, which only ever counts committed records.
    """
    head = feed_head(session)
    records = list(
        session.scalars(
            select(Record).where(Record.version > cursor, visible_to(viewer),
                                 Record.settled_device.is_distinct_from(device_id))
            .order_by(Record.version).limit(limit)
        )
    )
    if len(records) == limit:
        return records, records[-1].version, True
    return records, max(cursor, head), False
