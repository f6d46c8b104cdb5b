"""Opening the local store: checks, pragmas, migrations, identity, sessions."""

from __future__ import annotations

import logging
import shutil
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
from fieldcheck.store.schema import KNOWN_REVISIONS, SCHEMA_HEAD
from fieldcheck.store.wal import switch_to_wal

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

    def __init__(self, data_dir: Path, engine: Engine, *, read_only: bool = False) -> None:
        self.data_dir = data_dir
        # A store opened read-only (a damaged or tampered store, a read-only disk) is never
        # written: write() refuses before SQLite is asked.
        self.read_only = read_only
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
        if self.read_only:
            raise StoreError(tr("数据库 {path} 已以只读方式打开，不能修改。", path=self.path))
        with self._write_sessions() as session:
            try:
                yield session
                session.commit()
            except (OperationalError, DatabaseError) as exc:
                session.rollback()
                raise store_error_from(exc, self.path) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            try:
                yield session
            except (OperationalError, DatabaseError) as exc:
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


class StoreDamaged(StoreError):
    """SQLite says the database file is damaged: open it read-only, never write to it."""

    code = "damaged"


class StoreTooNew(StoreError):
    """The store was written by a newer FieldCheck; nothing was changed or copied."""

    code = "too_new"


class StoreOutdated(StoreError):
    """Written by an older FieldCheck: must be migrated (written) before this version reads it."""

    code = "outdated"


def store_error_from(exc: BaseException, path: Path) -> StoreError:
    """SQLite's English ("disk I/O error") said in words a person can act on."""
    message = str(exc).lower()
    if "locked" in message or "busy" in message:
        return StoreError(tr("数据库文件 {path} 正被另一个程序占用。请关闭其他 FieldCheck 窗口后重试。", path=path))
    if "disk is full" in message or "disk full" in message:
        return StoreError(tr("磁盘空间已满，无法写入 {path}。请清理磁盘后重试，已保存的内容不受影响。", path=path))
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return StoreDamaged(tr("数据库文件 {path} 已损坏。请运行 fieldcheck verify 查看详情，"
                               "或从 backups 文件夹恢复最近的完好备份；文件未被改动。", path=path))
    if "readonly" in message or "read-only" in message:
        return StoreError(tr("数据库 {path} 所在的磁盘或文件是只读的，无法写入。"
                             "只读取数据的命令（如 export、verify）仍可使用。", path=path))
    if "unable to open" in message:
        return StoreError(tr("无法打开数据库文件 {path}：没有访问权限，或所在文件夹不可用。"
                             "请检查该文件夹的权限和所在磁盘。", path=path))
    if "disk i/o error" in message and _nearly_full(path):
        return StoreError(tr("磁盘空间已满，无法写入 {path}。请清理磁盘后重试，已保存的内容不受影响。", path=path))
    if "disk i/o error" in message:
        return StoreError(tr("读写数据库文件 {path} 时磁盘出错（磁盘可能已满、已拔出或是只读的）。"
                             "已保存的内容不受影响；请检查磁盘后重试。", path=path))
    return StoreError(tr("无法访问数据库 {path}：{error}", path=path, error=exc))


def _nearly_full(path: Path) -> bool:
    """SQLite says "disk I/O error" when the WAL cannot grow on a full disk."""
    try:
        return shutil.disk_usage(path.parent).free < 1 << 20
    except OSError:
        return False


def _set_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _begin) instead of the driver's implicit one,
    # which starts a transaction only at the first write and so reads outside of it.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if not cur.execute("PRAGMA query_only").fetchone()[0]:
        switch_to_wal(cur, BUSY_TIMEOUT_MS / 1000)
    cur.execute("PRAGMA foreign_keys=ON")
    # FULL: a committed answer or photo row survives power loss, not only a crash.
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _check_is_sqlite(path: Path) -> None:
    if path.is_dir():
        raise StoreError(tr("数据库路径 {path} 是一个文件夹，不是数据库文件。请检查 --data-dir "
                            "是否指向了正确的文件夹；该文件夹未被改动。", path=path))
    try:
        if not path.exists() or path.stat().st_size == 0:
            return
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(tr("无法读取数据库文件 {path}：{reason}", path=path,
                            reason=os_error_text(exc))) from exc
    if head != SQLITE_MAGIC:
        raise StoreError(tr("文件 {path} 不是 FieldCheck 数据库，未作任何改动。请检查 --data-dir 是否指向了正确的文件夹。", path=path))


def _begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    if read_only:
        engine = create_engine("sqlite://", creator=lambda: _connect_read_only(path))
    else:
        engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """mode=ro reads beside a running app; on a read-only disk without the WAL's shared-memory
    file SQLite cannot open that way, and immutable=1 (nobody can write there) still reads."""
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)
    conn.execute("PRAGMA query_only=1")
    return conn


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


def open_store(data_dir: Path, *, migrate_to: str = "head", read_only: bool = False,
               check: bool = True) -> Store:
    """Open (creating if needed) the store in data_dir, migrating an older one after a backup.

    `check` runs SQLite's quick_check on an existing file, so a damaged store is refused
    (StoreDamaged) before anything writes to it. `read_only` reads a store nothing may change:
    a damaged one, one on a read-only disk, or for commands that only read.
    """
    path = data_dir / DB_NAME
    if read_only:
        return _open_read_only(data_dir, path, check=check)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(tr("无法创建数据目录 {path}：{error}", path=data_dir, error=os_error_text(exc))) from exc
    _check_is_sqlite(path)
    existed = path.exists() and path.stat().st_size > 0
    engine = make_engine(path)
    try:
        if existed and check:
            _quick_check(engine, path)
        _check_not_locked(engine, path)
        revision = _stored_revision(engine)
        _refuse_newer(engine, path, revision)
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
            _note_app_version(s)
        store.blobs.cleanup_temp()
    except (OperationalError, DatabaseError) as exc:
        engine.dispose()
        raise store_error_from(exc, path) from exc
    except BaseException:
        engine.dispose()
        raise
    return store


def open_for_reading(data_dir: Path) -> tuple[Store, bool]:
    """For commands that only read (export): read-only, so a read-only disk or a running app
    is no obstacle; a damaged store still gives what can be read (the flag says it is
    damaged); an older store is migrated first, as any open would."""
    try:
        return open_store(data_dir, read_only=True), False
    except StoreDamaged:
        return open_store(data_dir, read_only=True, check=False), True
    except StoreOutdated:
        return open_store(data_dir), False


def _open_read_only(data_dir: Path, path: Path, *, check: bool) -> Store:
    _check_is_sqlite(path)
    if not path.is_file():
        raise StoreError(tr("数据目录 {path} 中没有数据库文件。", path=data_dir))
    engine = make_engine(path, read_only=True)
    try:
        if check:
            _quick_check(engine, path)
        revision = _stored_revision(engine)
        _refuse_newer(engine, path, revision)
        if revision != SCHEMA_HEAD:
            raise StoreOutdated(tr("数据库 {path} 是旧版本 FieldCheck 的格式，需要先升级，"
                                "而它现在只能以只读方式打开。请在可写的磁盘上打开它一次。", path=path))
    except (OperationalError, DatabaseError) as exc:
        engine.dispose()
        raise store_error_from(exc, path) from exc
    except BaseException:
        engine.dispose()
        raise
    return Store(data_dir, engine, read_only=True)


def _quick_check(engine: Engine, path: Path) -> None:
    """SQLite's own quick check of every page and index (a damaged file said so plainly)."""
    with engine.connect() as conn:
        rows = [r[0] for r in conn.exec_driver_sql("PRAGMA quick_check(5)")]
    if rows != ["ok"]:
        log.error("quick_check of %s: %s", path, rows)
        raise StoreDamaged(tr("数据库文件 {path} 已损坏（SQLite 检查未通过）。文件未被改动；"
                              "请从 backups 文件夹恢复最近的完好备份，或用 fieldcheck export 导出仍可读取的记录。",
                              path=path))


APP_VERSION_KEY = "app_version"


def _note_app_version(session: Session) -> None:
    """Which FieldCheck last wrote the store: named when an older program must refuse it."""
    from fieldcheck import __version__
    from fieldcheck.models import LocalSetting

    row = session.get(LocalSetting, APP_VERSION_KEY)
    if row is None:
        session.add(LocalSetting(key=APP_VERSION_KEY, value=__version__))
    elif row.value != __version__:
        row.value = __version__


def _refuse_newer(engine: Engine, path: Path, revision: str | None) -> None:
    if revision is None or revision in KNOWN_REVISIONS:
        return
    from fieldcheck import __version__

    with engine.connect() as conn:
        try:
            written_by = conn.exec_driver_sql(
                "SELECT value FROM local_settings WHERE key = ?", (APP_VERSION_KEY,)).scalar()
        except (OperationalError, DatabaseError):
            written_by = None
    theirs = str(written_by).strip('"') if written_by else tr("更新的版本")
    raise StoreTooNew(tr(
        "数据库 {path} 由 FieldCheck {theirs} 写入（数据库格式 {found}），"
        "本程序是 FieldCheck {ours}，只认识到数据库格式 {head}。请安装 FieldCheck {theirs} "
        "或更新的版本后再打开；数据库未被改动，也没有复制。",
        path=path, theirs=theirs, found=revision, ours=__version__, head=SCHEMA_HEAD))


def schema_revision(store: Store) -> str | None:
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
