"""Canonical JSON export of every replicated record (sorted, stable, no device-local state)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from fieldcheck.domain.records import record_dict
from fieldcheck.ids import mentions_demo
from fieldcheck.models import REPLICATED

DEMO_MARK = "demo"  # the key export adds (true) to demo records and records inside demo visits


def export_records(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Entity name → its records sorted by id; deleted records are kept as tombstones;
    demo records carry `"demo": true`."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, cls in REPLICATED.items():
        rows = session.scalars(select(cls).order_by(cls.id))  # type: ignore[attr-defined]
        out[name] = [_marked(record_dict(row)) for row in rows]
    return out


def export_readable(session: Session) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """What a damaged store still gives: each entity's records, or its name among the
    unreadable ones when SQLite cannot read its table."""
    out: dict[str, list[dict[str, Any]]] = {}
    unreadable: list[str] = []
    for name, cls in REPLICATED.items():
        try:
            rows = session.scalars(select(cls).order_by(cls.id)).all()  # type: ignore[attr-defined]
            out[name] = [_marked(record_dict(row)) for row in rows]
        except DatabaseError:
            session.rollback()
            unreadable.append(name)
    return out, unreadable


def _marked(record: dict[str, Any]) -> dict[str, Any]:
    if mentions_demo(record):
        record[DEMO_MARK] = True
    return record


def to_canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def write_canonical_json(data: Any, stream: TextIO) -> None:
    stream.write(to_canonical_json(data))
