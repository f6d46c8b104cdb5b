"""Canonical JSON and the hashes of the audit chain, shared by the laptop and the server."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

GENESIS = "0" * 64
# The fields of an audit event its hash covers, in the wire form (AuditEventWire).
AUDIT_HASHED = ("id", "at", "actor", "device_id", "action", "entity", "entity_id", "detail")


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """Hash of one audit event chained to the previous one.

    `record_hash` is covered only when set, so events written before it existed keep the
    hashes they were chained with.
    """
    covered = {k: fields[k] for k in AUDIT_HASHED}
    if fields.get("record_hash"):
        covered["record_hash"] = fields["record_hash"]
    return hashlib.sha256((prev_hash + canonical_json(covered)).encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MB blocks (photos, issued PDFs, report files)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def record_hash(record: dict[str, Any]) -> str:
    """SHA-256 of a record's plain-JSON state (every column)."""
    return hashlib.sha256(canonical_json(record).encode("utf-8")).hexdigest()
