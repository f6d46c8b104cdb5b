"""Per-entity facts the merge needs: defaults of a new record, where a record belongs, and
the records the server itself makes (conflicts and rejections)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from fieldcheck.models import REPLICATED
from fieldcheck.server.feed import (
    DIRECTORY,
    DIRECTORY_PLACEMENT,
    Placement,
    get_record,
    wire_time,
)
from fieldcheck.sync.entities import PARENT_VISIT_FIELD, wire_fields

SYNC_NAMESPACE = uuid.UUID("3b8f0e4a-52d1-4c9e-9f57-0c2a7d6e1b93")
_REQUIRED = object()
_CALLABLE = object()


@cache
def _defaults(entity: str) -> dict[str, Any]:
    table = REPLICATED[entity].__table__  # type: ignore[attr-defined]
    out: dict[str, Any] = {}
    for name in wire_fields(entity):
        column = table.columns[name]
        default = column.default
        if default is None:
            out[name] = None if column.nullable else _REQUIRED
        elif default.is_scalar:
            out[name] = default.arg
        else:
            out[name] = _REQUIRED if name == "id" else _CALLABLE
    return out


def new_record_data(entity: str, changed: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A new record: the op's fields over the columns' defaults; and the fields still missing."""
    data: dict[str, Any] = {}
    missing: list[str] = []
    for name, default in _defaults(entity).items():
        if name in changed:
            data[name] = changed[name]
        elif default is _REQUIRED:
            if name != "id":
                missing.append(name)
        elif default is _CALLABLE:
            data[name] = _call_default(entity, name)
        else:
            data[name] = default
    return data, missing


def _call_default(entity: str, name: str) -> Any:
    column = REPLICATED[entity].__table__.columns[name]  # type: ignore[attr-defined]
    value = column.default.arg(None)
    if isinstance(value, datetime):
        return wire_time(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def placement_of(session: Session, entity: str, data: dict[str, Any]) -> Placement | None:
    """The team and visit a record belongs to; None when its parent is not on the server."""
    if entity in DIRECTORY:
        return DIRECTORY_PLACEMENT
    if entity == "visit":
        return Placement(str(data.get("team") or ""), bool(data.get("confidential")), data["id"])
    if entity == "signature":
        notice = get_record(session, "notice", str(data.get("notice_id")))
        if notice is None:
            return None
        return Placement(notice.scope, notice.confidential, notice.visit_id)
    field = PARENT_VISIT_FIELD.get(entity, "visit_id")
    visit_id = data.get(field)
    if not visit_id:
        # A 通报 covers a period, not one visit: every laptop receives it, like a directory.
        return DIRECTORY_PLACEMENT if entity in ("conflict", "rejection", "notice") else None
    visit = get_record(session, "visit", str(visit_id))
    if visit is None:
        return None
    return Placement(visit.scope, visit.confidential, visit.id)


def conflict_id(entity: str, entity_id: str, field: str, op_id: str) -> str:
    return str(uuid.uuid5(SYNC_NAMESPACE, f"conflict:{entity}:{entity_id}:{field}:{op_id}"))


def rejection_id(op_id: str) -> str:
    return str(uuid.uuid5(SYNC_NAMESPACE, f"rejection:{op_id}"))


def derived_id(kind: str, key: str) -> str:
    """Ids of records the bureau makes from a natural key (units by code, inspectors)."""
    return str(uuid.uuid5(SYNC_NAMESPACE, f"{kind}:{key}"))
