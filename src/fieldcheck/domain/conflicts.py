"""Conflicts the server found (two devices changed one field differently) and their resolution.

A conflict record holds both values; the person keeps one or writes a merged value, which is
an ordinary edit of the record (so it syncs) plus the conflict marked resolved.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.domain.changes import record_change
from fieldcheck.domain.people import actor_of
from fieldcheck.domain.records import from_plain
from fieldcheck.errors import ValidationError
from fieldcheck.i18n import tr
from fieldcheck.models import REPLICATED, Conflict
from fieldcheck.models.coltypes import utcnow


def open_conflicts(session: Session, visit_id: str | None = None) -> list[Conflict]:
    query = select(Conflict).where(Conflict.status == "open", Conflict.deleted.is_(False))
    if visit_id is not None:
        query = query.where(Conflict.visit_id == visit_id)
    return list(session.scalars(query.order_by(Conflict.created_at, Conflict.id)))


def conflict_rows(session: Session) -> list[dict[str, Any]]:
    return [
        {"id": c.id, "entity": c.entity, "entity_id": c.entity_id, "field": c.field,
         "visit_id": c.visit_id, "kept_value": c.kept_value, "kept_by": c.kept_by,
         "kept_at": c.kept_at, "other_value": c.other_value, "other_by": c.other_by,
         "other_at": c.other_at}
        for c in open_conflicts(session)
    ]


def resolve_conflict(session: Session, conflict_id: str, value: Any) -> Conflict:
    """Settle a conflict on `value` (one of the two, or a merged one)."""
    conflict = session.get(Conflict, conflict_id)
    if conflict is None or conflict.status != "open":
        raise ValidationError(tr("找不到待处理的冲突 {id}。", id=conflict_id))
    cls = REPLICATED[conflict.entity]
    record = session.get(cls, conflict.entity_id)
    if record is None:
        raise ValidationError(tr("冲突所涉及的记录不在本机。"))
    actor = actor_of(session)
    setattr(record, conflict.field, from_plain(cls, conflict.field, value))
    _refresh_derived(session, conflict.entity, record)
    record_change(session, actor, "conflict.apply", record, {"conflict": conflict.id, "field": conflict.field})
    conflict.status, conflict.resolution = "resolved", value
    conflict.resolved_by, conflict.resolved_at = actor.name, utcnow()
    record_change(session, actor, "conflict.resolve", conflict)
    return conflict


def _refresh_derived(session: Session, entity: str, record: Any) -> None:
    """A resolved value can change what other data is made of (a visit's search text)."""
    from fieldcheck.domain.visits import get_visit, refresh_search_text

    if entity == "visit":
        refresh_search_text(session, record)
    elif entity == "finding":
        refresh_search_text(session, get_visit(session, record.visit_id))
