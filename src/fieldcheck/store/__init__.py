"""The laptop's local store: one SQLite file (WAL) plus content-addressed photo files.

`Store` and `open_store` load SQLAlchemy on first use, so start-up can read `SCHEMA_HEAD`
(and show the visit list's first page) before paying for that import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fieldcheck.store.schema import SCHEMA_HEAD

if TYPE_CHECKING:
    from fieldcheck.store.database import Store, open_for_reading, open_store

__all__ = ["SCHEMA_HEAD", "Store", "open_for_reading", "open_store"]


def __getattr__(name: str) -> Any:
    if name in ("Store", "open_for_reading", "open_store"):
        from fieldcheck.store import database

        return getattr(database, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
