"""What of each replicated record crosses the wire, who may change it, and how it merges.

Shared by the laptop's outbox (which fields an op carries) and the server (which ops it
accepts). Derived data — search text, a finding's copied unit, a signature's PNG beside its
strokes — is rebuilt on each side and never shipped (DESIGN §6).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, Integer, LargeBinary, String, Text
from sqlalchemy import inspect as sa_inspect

from fieldcheck.models import REPLICATED
from fieldcheck.models.coltypes import JSONText, UTCDateTime

# Rebuilt locally from other fields; never in an op, never in the feed.
DERIVED: dict[str, frozenset[str]] = {
    "visit": frozenset({"search_text"}),
    "finding": frozenset({"unit_id"}),
    "signature": frozenset({"png"}),
}
# Stamped by the server when it applies a change: the laptop's clock never orders anything.
SERVER_STAMPED = frozenset({"updated_at"})
# Directories the bureau owns flow down only; a laptop's ops on them are not sent.
SERVER_OWNED = frozenset({"inspector", "template_version", "rejection"})
# The code of the `rejection` record the server writes for an issued notice whose 文号 another
# notice, or another device's leased block, holds: the notice is recorded as printed, and a
# 更正 issues it again under a number of its own (server/merge.py, server/clashes.py).
NUMBER_CLASH = "number_clash"
# Records the server makes; laptops may only change these fields of them (resolving).
SERVER_CREATED = {"conflict": frozenset({"status", "resolution", "resolved_by", "resolved_at"})}
# Fixed at creation: a change is rejected.
IMMUTABLE: dict[str, frozenset[str]] = {
    "visit": frozenset({"created_at"}),
    "answer": frozenset({"visit_id", "item_key", "created_at"}),
    "observation": frozenset({"visit_id", "created_at"}),
    "finding": frozenset({"visit_id", "created_at"}),
    "photo": frozenset({
        "sha256", "visit_id", "taken_at", "imported_at", "gps_lat", "gps_lon", "size", "width",
        "height", "mime", "original_name", "created_at",
    }),
    "signature": frozenset({
        "notice_id", "role", "name", "strokes", "signed_at", "refused", "refusal_reason",
        "witness_name", "created_at",
    }),
    "notice": frozenset({"type", "visit_id", "created_at"}),
    "unit": frozenset({"created_at"}),
    "conflict": frozenset({"entity", "entity_id", "field", "created_at"}),
    # A follow-up event is a fact that happened: never edited afterwards.
    "followup_event": frozenset({
        "finding_id", "visit_id", "kind", "at", "status_from", "status_to", "notice_id",
        "deadline", "previous_deadline", "outcome", "reason", "files", "photo_ids",
        "reinspection_visit_id", "recorded_by", "created_at",
    }),
}
# Fields that only say who set other fields and when (an answer's 回答人 and time follow its
# value and note): taken with those fields, never a conflict of their own. Two inspectors
# giving the same answer agree; giving different ones is one conflict, about the value.
STAMPS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "answer": (frozenset({"value", "note"}), frozenset({"answered_by", "answered_at"})),
}
# Once a notice is issued only these may change (voiding it).
NOTICE_AFTER_ISSUE = frozenset({"status", "void_reason", "voided_at", "deleted"})
# The record whose team decides who receives a record (None: everyone).
PARENT_VISIT_FIELD: dict[str, str] = {
    "visit": "id", "answer": "visit_id", "observation": "visit_id", "finding": "visit_id",
    "photo": "visit_id", "notice": "visit_id", "followup_event": "visit_id",
}


def wire_fields(entity: str) -> tuple[str, ...]:
    """Column names an op or a feed record of `entity` carries."""
    return _WIRE[entity]


def _wire(entity: str) -> tuple[str, ...]:
    mapper = sa_inspect(REPLICATED[entity])
    skip = DERIVED.get(entity, frozenset()) | SERVER_STAMPED
    return tuple(a.key for a in mapper.column_attrs if a.key not in skip)


_WIRE: dict[str, tuple[str, ...]] = {name: _wire(name) for name in REPLICATED}


def column_kinds(entity: str) -> dict[str, tuple[str, bool]]:
    """Field → (kind, nullable) for strict checking of incoming values."""
    return _KINDS[entity]


def _kind_of(coltype: Any) -> str:
    if isinstance(coltype, UTCDateTime):
        return "datetime"
    if isinstance(coltype, JSONText):
        return "json"
    if isinstance(coltype, Boolean):
        return "bool"
    if isinstance(coltype, Integer):
        return "int"
    if isinstance(coltype, Float):
        return "float"
    if isinstance(coltype, Date):
        return "date"
    if isinstance(coltype, LargeBinary):
        return "bytes"
    if isinstance(coltype, String | Text):
        return "str"
    raise TypeError(f"unhandled column type {coltype!r}")


def _kinds(entity: str) -> dict[str, tuple[str, bool]]:
    table = REPLICATED[entity].__table__  # type: ignore[attr-defined]
    return {c.name: (_kind_of(c.type), bool(c.nullable)) for c in table.columns}


_KINDS = {name: _kinds(name) for name in REPLICATED}
_MAX_TEXT = 100_000


_WIRE_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{1,6})Z")


def _limits(entity: str) -> dict[str, int]:
    table = REPLICATED[entity].__table__  # type: ignore[attr-defined]
    return {c.name: getattr(c.type, "length", None) or _MAX_TEXT for c in table.columns}


_LIMITS = {name: _limits(name) for name in REPLICATED}
_WIRE_SETS = {name: frozenset(fields) for name, fields in _WIRE.items()}


def check_value(entity: str, field: str, value: Any) -> str | None:
    """Why `value` cannot be stored in `entity.field`, or None when it can."""
    kinds = _KINDS[entity]
    if field not in kinds or field not in _WIRE_SETS[entity]:
        return f"unknown field {entity}.{field}"
    kind, nullable = kinds[field]
    if value is None:
        return None if nullable else f"{entity}.{field} may not be empty"
    if kind == "str":
        if not isinstance(value, str):
            return f"{entity}.{field} must be text"
        limit = _LIMITS[entity][field]
        if len(value) > limit:
            return f"{entity}.{field} is longer than {limit} characters"
    elif kind == "bool":
        if not isinstance(value, bool):
            return f"{entity}.{field} must be true or false"
    elif kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**53:
            return f"{entity}.{field} must be a whole number"
    elif kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{entity}.{field} must be a number"
    elif kind == "datetime":
        if not _is_wire_time(value):
            return f"{entity}.{field} must be a UTC time like 2026-11-27T08:00:00.000000Z"
    elif kind == "date":
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return f"{entity}.{field} must be a date like 2026-11-27"
    elif kind == "json" and len(_json_text(value)) > _MAX_TEXT * 4:
        return f"{entity}.{field} is too large"
    return None


def _is_wire_time(value: Any) -> bool:
    """2026-11-27T08:00:00.000000Z (1–6 digits of fraction), a real moment."""
    match = _WIRE_TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return False
    try:
        datetime(*(int(part) for part in match.groups()[:6]))
    except ValueError:
        return False
    return True


def _json_text(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
