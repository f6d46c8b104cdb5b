"""Canonical JSON export of every replicated record (sorted, stable, no device-local state)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.domain.records import record_dict
from fieldcheck.models import REPLICATED


def export_records(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Entity name → its records sorted by id; deleted records are kept as tombstones."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, cls in REPLICATED.items():
        rows = session.scalars(select(cls).order_by(cls.id))  # type: ignore[attr-defined]
        out[name] = [record_dict(row) for row in rows]
    return out


def write_canonical_json(data: Any, stream: TextIO) -> None:
    json.dump(data, stream, ensure_ascii=False, sort_keys=True, indent=1)
    stream.write("\n")
