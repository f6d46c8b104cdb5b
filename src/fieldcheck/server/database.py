"""Engines, sessions and migrations on SQLite (embedded) and PostgreSQL.

Writes take the database's write lock up front (SQLite: BEGIN IMMEDIATE; PostgreSQL: the
feed counter's row lock, taken by the code that writes), so a push never fails half-way on
a lock upgrade. Reads that must see one snapshot (a pull page and the feed head) run in a
read transaction: deferred BEGIN on SQLite, REPEATABLE READ on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from fieldcheck.store.wal import switch_to_wal

MIGRATIONS = Path(__file__).parent / "migrations"
_READ_OPTION = "fieldcheck_read"


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = create_engine(
                url, connect_args={"check_same_thread": False, "timeout": 60}
            )
            _tune_sqlite(self.engine)
            read_engine = self.engine.execution_options(**{_READ_OPTION: True})
        else:
            # As many connections as a worker has request threads (anyio's default 40): a push
            # waiting for the feed lock holds its connection, and a smaller pool made the
            # requests queued behind it fail after the pool timeout instead of waiting.
            self.engine = create_engine(url, pool_size=20, max_overflow=20, pool_timeout=120,
                                        pool_pre_ping=True)
            read_engine = self.engine.execution_options(isolation_level="REPEATABLE READ")
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        from fieldcheck.server.feed import forget_feed_head, store_feed_head

        event.listen(self._writer, "before_commit", store_feed_head)
        event.listen(self._writer, "after_commit", forget_feed_head)
        event.listen(self._writer, "after_rollback", forget_feed_head)
        self._reader = sessionmaker(read_engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any error."""
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    def migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def dispose(self) -> None:
        self.engine.dispose()


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, not by pysqlite
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=60000")
        switch_to_wal(cursor, 60.0)
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(_READ_OPTION, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
