"""Opening the local store: checks, pragmas, migrations, identity, sessions."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from fieldcheck import datadir
from fieldcheck.errors import StoreError, os_error_text
from fieldcheck.i18n import tr
from fieldcheck.ids import uuid7
from fieldcheck.models import LocalIdentity
from fieldcheck.photos import BlobStore
from fieldcheck.store.schema import SCHEMA_HEAD

log = logging.getLogger(__name__)

DB_NAME = datadir.DB_NAME
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 3000


@dataclass(frozen=True)
class Identity:
    """Who uses this laptop (plain data, safe to pass between threads)."""

    device_id: str
    user_name: str
    credential_no: str
    inspector_id: str | None

    @property
    def is_set(self) -> bool:
        return bool(self.user_name)


class Store:
    """One opened store. Sessions are short: one per user action, one thread each."""

    def __init__(self, data_dir: Path, engine: Engine) -> None:
        self.data_dir = data_dir
        self.path = data_dir / DB_NAME
        self.engine = engine
        self.blobs = BlobStore(data_dir / "photos")
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Write sessions start with BEGIN IMMEDIATE: they take the write lock up front, so
        # what they read is what they change (no lost update between two processes).
        self._write_sessions = sessionmaker(
            engine.execution_options(sqlite_immediate=True), expire_on_commit=False
        )

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session that commits on success; database failures become a StoreError."""
        with self._write_sessions() as session:
            try:
                yield session
                session.commit()
            except OperationalError as exc:
                session.rollback()
                raise store_error_from(exc, self.path) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            try:
                yield session
            except OperationalError as exc:
                raise store_error_from(exc, self.path) from exc

    def identity(self) -> Identity:
        with self.read() as s:
            row = s.scalars(select(LocalIdentity)).one()
            return Identity(row.device_id, row.user_name, row.credential_no, row.inspector_id)

    def set_identity(self, user_name: str, credential_no: str) -> Identity:
        from fieldcheck.domain.people import set_laptop_user

        with self.write() as s:
            set_laptop_user(s, user_name, credential_no)
        return self.identity()

    def close(self) -> None:
        self.engine.dispose()


def store_error_from(exc: BaseException, path: Path) -> StoreError:
    message = str(exc).lower()
    if "locked" in message or "busy" in message:
        return StoreError(tr("数据库文件 {path} 正被另一个程序占用。请关闭其他 FieldCheck 窗口后重试。", path=path))
    if "disk is full" in message or "disk full" in message:
        return StoreError(tr("磁盘空间已满，无法写入 {path}。请清理磁盘后重试，已保存的内容不受影响。", path=path))
    if "not a database" in message or "malformed" in message:
        return StoreError(tr("文件 {path} 不是有效的 FieldCheck 数据库或已损坏；文件未被改动。", path=path))
    return StoreError(tr("无法访问数据库 {path}：{error}", path=path, error=exc))


def _set_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _begin) instead of the driver's implicit one,
    # which starts a transaction only at the first write and so reads outside of it.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    # FULL: a committed answer or photo row survives power loss, not only a crash.
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _check_is_sqlite(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise StoreError(tr("文件 {path} 不是 FieldCheck 数据库，未作任何改动。请检查 --data-dir 是否指向了正确的文件夹。", path=path))


def _begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def _check_not_locked(engine: Engine, path: Path) -> None:
    try:
        with engine.execution_options(sqlite_immediate=True).begin():
            pass
    except (OperationalError, DatabaseError) as exc:
        raise store_error_from(exc, path) from exc


def _stored_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        has_table = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
        if has_table is None:
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


PRIVATE_FOLDERS = ("photos", "notices", "backups", "logs")


def keep_private(data_dir: Path) -> None:
    """The store holds confidential visits and credential numbers: only the laptop user may
    read it (folders 0700, the database and its WAL files 0600, DESIGN §9). Best effort: a
    folder on a file system without Unix modes stays as it is."""
    try:
        data_dir.chmod(0o700)
        for name in PRIVATE_FOLDERS:
            if (data_dir / name).is_dir():
                (data_dir / name).chmod(0o700)
        for suffix in ("", "-wal", "-shm"):
            db = data_dir / (DB_NAME + suffix)
            if db.exists():
                db.chmod(0o600)
    except OSError as exc:
        log.warning("could not restrict the data folder's permissions: %s", exc)


def open_store(data_dir: Path, *, migrate_to: str = "head") -> Store:
    """Open (creating if needed) the store in data_dir, migrating an older one after a backup."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(tr("无法创建数据目录 {path}：{error}", path=data_dir, error=os_error_text(exc))) from exc
    path = data_dir / DB_NAME
    _check_is_sqlite(path)
    existed = path.exists() and path.stat().st_size > 0
    engine = make_engine(path)
    _check_not_locked(engine, path)
    try:
        revision = _stored_revision(engine)
        target = SCHEMA_HEAD if migrate_to == "head" else migrate_to
        if revision != target:
            from fieldcheck.store import migrate  # Alembic only when there is work for it

            if existed:
                log.info("migrating store %s from %s to %s", path, revision, target)
                migrate.backup_file(path, revision)
            migrate.upgrade(engine, migrate_to)
        store = Store(data_dir, engine)
        keep_private(data_dir)
        with store.write() as s:
            if s.scalars(select(LocalIdentity)).first() is None:
                s.add(LocalIdentity(id=1, device_id=uuid7()))
        store.blobs.cleanup_temp()
    except (OperationalError, DatabaseError) as exc:
        engine.dispose()
        raise store_error_from(exc, path) from exc
    return store


def schema_revision(store: Store) -> str | None:
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
