"""A consistent copy of a store's database file (SQLite's online backup, WAL included)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


def copy_database(source: Path, target: Path) -> None:
    """Copy `source` into a new file `target`, private (0600) from its creation: a copy of
    the store holds everything the store does. Raises OSError or sqlite3.Error."""
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
