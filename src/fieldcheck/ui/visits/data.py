"""The visit list's reads for the worker thread (paged, filtered; plain rows back).

Two listers read the same query (domain/visit_list.py) and return the same rows:
- `FileLister` opens the database file with the standard `sqlite3` module. Start-up uses it
  to show the first page while SQLAlchemy and the ORM are still loading (ui/boot.py); this
  module imports nothing that pulls them in.
- `StoreLister` reads through the opened store's sessions (domain/queries.py), as every
  other screen does; the list switches to it once the store is open.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

from fieldcheck.domain import visit_list
from fieldcheck.domain.visit_list import VisitFilter, VisitRow

if TYPE_CHECKING:
    from fieldcheck.store import Store

PAGE_SIZE = 200  # rows read at a time, as the list is scrolled


@dataclass(frozen=True)
class FirstPage:
    total: int
    rows: list[VisitRow]


@dataclass(frozen=True)
class FirstScreen:
    """What the visit list screen shows first: its first page, today's plan, visits left open."""

    filter: VisitFilter
    page: FirstPage
    plan: list[VisitRow]
    in_progress: list[VisitRow]


class Lister(Protocol):
    def first_page(self, f: VisitFilter, limit: int) -> FirstPage: ...
    def page(self, f: VisitFilter, after_id: str, limit: int) -> list[VisitRow]: ...
    def todays_plan(self, day: date) -> list[VisitRow]: ...
    def in_progress(self) -> list[VisitRow]: ...


def first_screen(lister: Lister, f: VisitFilter, limit: int, day: date) -> FirstScreen:
    return FirstScreen(f, lister.first_page(f, limit), lister.todays_plan(day), lister.in_progress())


class StoreLister:
    """The list read through the store's sessions."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def first_page(self, f: VisitFilter, limit: int) -> FirstPage:
        from fieldcheck.domain import queries

        with self.store.read() as s:
            return FirstPage(queries.count_visits(s, f), queries.page_visits(s, f, 0, limit))

    def page(self, f: VisitFilter, after_id: str, limit: int) -> list[VisitRow]:
        from fieldcheck.domain import queries

        with self.store.read() as s:
            return queries.page_visits(s, f, 0, limit, after_id=after_id)

    def todays_plan(self, day: date) -> list[VisitRow]:
        from fieldcheck.domain import queries

        with self.store.read() as s:
            return queries.planned_for_day(s, day)

    def in_progress(self) -> list[VisitRow]:
        from fieldcheck.domain import queries

        with self.store.read() as s:
            return queries.in_progress(s)


class FileLister:
    """The list read from the database file with `sqlite3`, before the store is open.

    Read-only (`query_only`), one short connection per read; `expected_schema` guards against
    a file an older version wrote, which the store migrates first (open() says None then).
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path

    @classmethod
    def open(cls, db_path: Path, expected_schema: str) -> FileLister | None:
        """A lister for the file, or None if it is missing or not at the expected schema."""
        lister = cls(db_path)
        try:
            with lister._connection() as conn:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            return None  # missing, new, locked or damaged: the store's own opening says why
        return lister if row is not None and row[0] == expected_schema else None

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        # mode=rw: a missing file is an error, not a new empty database.
        uri = f"file:{quote(str(self.db_path))}?mode=rw"
        with closing(sqlite3.connect(uri, uri=True, timeout=3, isolation_level=None)) as conn:
            conn.execute("PRAGMA query_only=1")
            conn.execute("BEGIN")  # one snapshot for the count and the rows
            try:
                yield conn
            finally:
                conn.execute("COMMIT")

    def first_page(self, f: VisitFilter, limit: int) -> FirstPage:
        with self._connection() as conn:
            total = conn.execute(*visit_list.count_sql(f)).fetchone()[0]
            rows = conn.execute(*visit_list.page_sql(f, limit)).fetchall()
        return FirstPage(total, [visit_list.visit_row(r) for r in rows])

    def page(self, f: VisitFilter, after_id: str, limit: int) -> list[VisitRow]:
        with self._connection() as conn:
            rows = conn.execute(*visit_list.page_sql(f, limit, after_id=after_id)).fetchall()
        return [visit_list.visit_row(r) for r in rows]

    def todays_plan(self, day: date) -> list[VisitRow]:
        return self.first_page(visit_list.plan_filter(day), visit_list.PLAN_LIMIT).rows

    def in_progress(self) -> list[VisitRow]:
        return self.first_page(visit_list.IN_PROGRESS, visit_list.IN_PROGRESS_LIMIT).rows


def unit_choices(store: Store) -> list[tuple[str, str]]:
    from fieldcheck.domain import people

    with store.read() as s:
        return [(u.id, u.name) for u in people.find_units(s, "", limit=5000)]
