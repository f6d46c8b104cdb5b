"""The laptop's local store: one SQLite file (WAL) plus content-addressed photo files."""

from fieldcheck.store.database import Store, open_for_reading, open_store
from fieldcheck.store.schema import SCHEMA_HEAD

__all__ = ["SCHEMA_HEAD", "Store", "open_for_reading", "open_store"]
