"""Alembic migrations of the local store, with a backup before an upgrade."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from fieldcheck.store.copy import copy_database

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def alembic_head() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Under BEGIN IMMEDIATE: a second program opening the same new store waits (busy
    timeout) for this one's schema, then finds it made, instead of failing at once."""
    cfg = _config()
    with engine.execution_options(sqlite_immediate=True).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def backup_file(db_path: Path, revision: str | None) -> Path:
    """Copy the store with SQLite's online backup (consistent even with a WAL) next to it."""
    folder = db_path.parent / "backups"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db_path.stem}-{stamp}-rev{revision or 'none'}.db"
    copy_database(db_path, target)
    return target
