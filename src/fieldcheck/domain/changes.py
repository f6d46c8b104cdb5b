"""Recording a change: one audit event (hash-chained) and one outbox row per write."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.domain.records import entity_name, record_dict
from fieldcheck.ids import uuid7
from fieldcheck.models import AuditEvent, Base, OutboxOp
from fieldcheck.models.coltypes import utcnow

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who makes a change, from which laptop (plain data: safe to hand between threads)."""

    name: str
    device_id: str


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _audit_fields(ev: AuditEvent) -> dict[str, Any]:
    return {
        "id": ev.id,
        "at": record_dict(ev)["at"],
        "actor": ev.actor,
        "device_id": ev.device_id,
        "action": ev.action,
        "entity": ev.entity,
        "entity_id": ev.entity_id,
        "detail": ev.detail,
    }


def last_hash(session: Session) -> str:
    last = session.scalars(select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return last or GENESIS


def audit(
    session: Session, actor: Actor, action: str, entity: str, entity_id: str, detail: Any = None
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
        prev_hash=last_hash(session),
    )
    ev.hash = event_hash(ev.prev_hash, _audit_fields(ev))
    session.add(ev)
    session.flush()
    return ev


def record_change(
    session: Session, actor: Actor, action: str, obj: Base, detail: Any = None
) -> None:
    """Audit `action` on `obj` and queue its new state for sync, inside the caller's transaction."""
    session.flush()
    entity = entity_name(obj)
    payload = record_dict(obj)
    session.add(
        OutboxOp(
            op_id=uuid7(),
            entity=entity,
            entity_id=payload["id"],
            op="delete" if payload.get("deleted") else "upsert",
            payload=payload,
        )
    )
    audit(session, actor, action, entity, payload["id"], detail)


def verify_chain(session: Session) -> list[str]:
    """Problems found in the audit chain: an edited, removed or reordered event breaks it."""
    problems: list[str] = []
    prev = GENESIS
    for ev in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        if ev.prev_hash != prev:
            problems.append(f"event {ev.seq}: previous hash does not match (an event was removed)")
        if event_hash(ev.prev_hash, _audit_fields(ev)) != ev.hash:
            problems.append(f"event {ev.seq}: content does not match its hash (edited)")
        prev = ev.hash
    return problems
