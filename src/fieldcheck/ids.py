"""Client-generated, time-ordered record ids (UUID version 7, RFC 9562).

A laptop creates records offline, so ids cannot come from a server sequence;
time ordering keeps indexes compact and lists naturally sorted by creation.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def uuid7() -> str:
    """A new UUIDv7 as its canonical 36-character string; monotonic within a process."""
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            # Same millisecond (or the clock stepped back): keep order with the 12-bit counter.
            ms = _last_ms
            _counter += 1
            if _counter > 0xFFF:
                ms += 1
                _counter = 0
        else:
            _counter = int.from_bytes(os.urandom(2), "big") & 0x3FF
        _last_ms = ms
        rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
        value = (ms & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76
        value |= _counter << 64
        value |= 0b10 << 62
        value |= rand_b
    return str(uuid.UUID(int=value))


# Records with a natural key take an id derived from it (UUIDv5), so two laptops that create
# "the same" record — one answer per visit and item, one photo link per visit and hash —
# create one record, not two that collide on the server (DESIGN §6).
NATURAL_NAMESPACE = uuid.UUID("0b6f3e0e-5a8c-4d51-9b8e-2f7d1c3a9e44")


def natural_id(kind: str, *parts: str) -> str:
    return str(uuid.uuid5(NATURAL_NAMESPACE, ":".join((kind, *parts))))


def answer_id(visit_id: str, item_key: str) -> str:
    return natural_id("answer", visit_id, item_key)


def photo_id(visit_id: str, sha256: str) -> str:
    return natural_id("photo", visit_id, sha256)


# Demo records (`fieldcheck demo`, the --demo store) take UUIDv7-shaped ids stamped in a
# millisecond range no real record can have (January 2000, before FieldCheck existed): the
# mark travels with the id, so a demo record is known as such in every table and export and
# never queued for the server, even after a real edit.
DEMO_ID_BASE_MS = 946_684_800_000  # 2000-01-01T00:00:00Z
DEMO_ID_SPAN_MS = 1 << 32  # about 50 days of ids


def is_demo_id(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 36 or value[14] != "7":
        return False
    try:
        ms = int(value[:8] + value[9:13], 16)
    except ValueError:
        return False
    return DEMO_ID_BASE_MS <= ms < DEMO_ID_BASE_MS + DEMO_ID_SPAN_MS


def mentions_demo(record: dict[str, object]) -> bool:
    """Whether a record is a demo record or belongs to one (its id or any *_id field)."""
    return any(is_demo_id(v) for k, v in record.items() if k == "id" or k.endswith("_id"))
