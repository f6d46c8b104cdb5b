"""Recording a change: one audit event (hash-chained) and one outbox op per write.

The outbox op names the fields the edit changed, with their new values and the values they
had before (DESIGN §6), so the server can merge field by field. The values before come from
SQLAlchemy's attribute history, gathered at each flush by `_track_flush` and handed out by
`record_change`; a commit that still holds an unrecorded change to a replicated field is
refused, so no write can skip the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from fieldcheck.domain.chain_anchor import ChainHead, record_head
from fieldcheck.domain.records import entity_name, record_dict, to_plain
from fieldcheck.hashing import GENESIS, event_hash, record_hash
from fieldcheck.ids import mentions_demo, uuid7
from fieldcheck.models import REPLICATED, AuditEvent, Base, OutboxOp
from fieldcheck.models.coltypes import utcnow
from fieldcheck.models.local import FEED_CURSOR_KEY, LocalSetting
from fieldcheck.sync.entities import SERVER_OWNED, wire_fields

_PENDING = "fieldcheck.pending_changes"
_UNTRACKED = "fieldcheck.untracked"  # set by writers that replicate nothing (sync apply, demo)
_CURSOR = "fieldcheck.feed_cursor"  # the feed cursor read in this write transaction
_REPLICATED_CLASSES = frozenset(REPLICATED.values())

__all__ = ["GENESIS", "Actor", "audit", "last_hash", "record_change", "untracked", "verify_chain"]


@dataclass(frozen=True)
class Actor:
    """Who makes a change, from which laptop (plain data: safe to hand between threads)."""

    name: str
    device_id: str


@dataclass
class _Pending:
    created: bool
    base: dict[str, Any]  # field → plain value before the first change in this transaction


def audit_fields(ev: AuditEvent) -> dict[str, Any]:
    return {
        "id": ev.id,
        "at": record_dict(ev)["at"],
        "actor": ev.actor,
        "device_id": ev.device_id,
        "action": ev.action,
        "entity": ev.entity,
        "entity_id": ev.entity_id,
        "detail": ev.detail,
        "record_hash": ev.record_hash,
    }


_HEAD = "fieldcheck.audit_head"  # the chain's head within this write transaction
_HEAD_EVENT = "fieldcheck.audit_head_event"  # its event, recorded outside once committed


def last_hash(session: Session) -> str:
    cached = session.info.get(_HEAD)
    if cached is not None:
        return str(cached)
    last = session.scalars(select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return last or GENESIS


def audit(
    session: Session, actor: Actor, action: str, entity: str, entity_id: str, detail: Any = None,
    *, state_hash: str = "",
) -> AuditEvent:
    ev = AuditEvent(
        id=uuid7(),
        at=utcnow(),
        actor=actor.name,
        device_id=actor.device_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=detail,
        record_hash=state_hash,
        prev_hash=last_hash(session),
    )
    ev.hash = event_hash(ev.prev_hash, audit_fields(ev))
    session.add(ev)
    session.info[_HEAD_EVENT] = ev
    # Write sessions hold the database's write lock (BEGIN IMMEDIATE): no other writer can
    # extend the chain before this transaction ends, so the head can be remembered.
    session.info[_HEAD] = ev.hash
    return ev


def record_change(
    session: Session, actor: Actor, action: str, obj: Base, detail: Any = None
) -> OutboxOp | None:
    """Audit `action` on `obj` and queue the fields it changed for sync, inside the caller's
    transaction. Returns the outbox op, or None when nothing that replicates changed."""
    session.flush()
    entity = entity_name(obj)
    state = record_dict(obj)
    pending = _pending(session).pop(_key(obj), None)
    op = None
    # A demo record (or one inside a demo visit) never leaves the laptop, even after a real edit.
    if pending is not None and entity not in SERVER_OWNED and not mentions_demo(state):
        op = _outbox_op(entity, state, pending, actor, _feed_cursor(session))
        if op is not None:
            session.add(op)
    audit(session, actor, action, entity, state["id"], detail, state_hash=state_hash(entity, state))
    return op


def feed_cursor(session: Session) -> int:
    """The feed version this laptop has pulled to (0: none yet)."""
    row = session.get(LocalSetting, FEED_CURSOR_KEY)
    return int(row.value) if row is not None and row.value is not None else 0


def _feed_cursor(session: Session) -> int:
    """The feed cursor when the edit was made, read once per write transaction (a pull
    moves it in a transaction of its own)."""
    if _CURSOR not in session.info:
        session.info[_CURSOR] = feed_cursor(session)
    return int(session.info[_CURSOR])


def _outbox_op(entity: str, state: dict[str, Any], pending: _Pending, actor: Actor,
               seen: int) -> OutboxOp | None:
    fields = wire_fields(entity)
    if pending.created:
        changed = {f: state[f] for f in fields}
        base: dict[str, Any] = {}
    else:
        changed = {f: state[f] for f in fields if f in pending.base and pending.base[f] != state[f]}
        base = {f: pending.base[f] for f in changed}
        if not changed:
            return None
    return OutboxOp(
        op_id=uuid7(), entity=entity, entity_id=state["id"],
        kind="create" if pending.created else "update", changed=changed, base=base,
        made_by=actor.name, seen=seen,
    )


def state_hash(entity: str, state: dict[str, Any]) -> str:
    """Hash of what a record says (its replicated fields): derived data and the server's time
    stamp may be rebuilt later without an event, the rest may not change without one."""
    return record_hash({f: state[f] for f in wire_fields(entity)})


class untracked:  # noqa: N801 - used as a context manager, reads like a statement
    """Writes inside replicate nothing: applying the server's state, seeding demo data."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def __enter__(self) -> Session:
        self.session.info[_UNTRACKED] = self.session.info.get(_UNTRACKED, 0) + 1
        return self.session

    def __exit__(self, *exc: object) -> None:
        self.session.flush()
        self.session.info[_UNTRACKED] -= 1
        _pending(self.session).clear()


def _key(obj: Base) -> tuple[type, str]:
    return (type(obj), obj.id)  # type: ignore[attr-defined]


def _pending(session: Session) -> dict[tuple[type, str], _Pending]:
    return session.info.setdefault(_PENDING, {})  # type: ignore[no-any-return]


@event.listens_for(Session, "before_flush")
def _track_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(_UNTRACKED):
        return
    pending = _pending(session)
    for obj in session.new:
        if type(obj) in _REPLICATED_CLASSES:
            if obj.id is None:
                from fieldcheck.ids import uuid7 as new_id

                obj.id = new_id()
            pending.setdefault(_key(obj), _Pending(created=True, base={}))
    for obj in session.dirty:
        if type(obj) not in _REPLICATED_CLASSES:
            continue
        state = sa_inspect(obj)
        entry = pending.setdefault(_key(obj), _Pending(created=False, base={}))
        if entry.created:
            continue
        for attr in state.mapper.column_attrs:
            hist = state.attrs[attr.key].history
            if hist.has_changes() and attr.key not in entry.base:
                before = hist.deleted[0] if hist.deleted else None
                entry.base[attr.key] = to_plain(before)


@event.listens_for(Session, "before_commit")
def _refuse_unrecorded(session: Session) -> None:
    if session.info.get(_UNTRACKED):
        return
    session.flush()
    pending = _pending(session)
    left = []
    for (cls, obj_id), entry in pending.items():
        entity = REPLICATED_NAME[cls]
        fields = set(wire_fields(entity))
        if entry.created or fields & set(entry.base):
            left.append(f"{entity} {obj_id}")
    pending.clear()
    if left:
        raise RuntimeError(f"changed without record_change (no audit or outbox): {', '.join(left)}")


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    _pending(session).clear()
    session.info.pop(_HEAD, None)
    session.info.pop(_HEAD_EVENT, None)


@event.listens_for(Session, "after_commit")
def _forget_head(session: Session) -> None:
    session.info.pop(_HEAD, None)
    ev = session.info.pop(_HEAD_EVENT, None)
    if ev is None:
        return
    bind = session.get_bind()  # an Engine, or a Connection (sync applies pages on one)
    url = (bind.engine if isinstance(bind, Connection) else bind).url  # the laptop's SQLite file
    database = url.database if url.get_backend_name() == "sqlite" else None
    if database and database != ":memory:" and ev.seq is not None:
        record_head(Path(database), ChainHead(ev.seq, ev.hash))


REPLICATED_NAME = {cls: name for name, cls in REPLICATED.items()}


def verify_chain(session: Session) -> list[str]:
    """Problems found in the audit chain: an edited, removed or reordered event breaks it."""
    problems: list[str] = []
    prev = GENESIS
    for ev in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        if ev.prev_hash != prev:
            problems.append(f"event {ev.seq}: previous hash does not match (an event was removed)")
        if event_hash(ev.prev_hash, audit_fields(ev)) != ev.hash:
            problems.append(f"event {ev.seq}: content does not match its hash (edited)")
        prev = ev.hash
    return problems
