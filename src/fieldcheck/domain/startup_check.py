"""Opening the store for the app: checked first, and read-only when it is damaged (DESIGN §9).

At every start the quick form runs (SQLite's quick check while opening, then the recent tail
of the audit chain against the recorded head and the records it wrote, photo originals
present); after a start that follows a session that did not close cleanly, the full form
(every event, every record, every photo and PDF hashed). A store that fails is reopened
read-only: nothing writes to it until the person has chosen what to do — export what can be
read, or restore the latest good backup.

Qt-free; ui/integrity_gate.py shows the outcome.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from fieldcheck.domain.integrity import Problem, verify_store
from fieldcheck.errors import StoreError
from fieldcheck.i18n import tr
from fieldcheck.store.copy import copy_database
from fieldcheck.store.database import DB_NAME, Identity, Store, StoreDamaged, open_store

log = logging.getLogger(__name__)

RUNNING_MARK = "session-open"  # present while the app runs; left behind by a crash
START_TAIL = 500  # audit events the start-up check covers: bounded work at any store size


@dataclass
class CheckedStore:
    store: Store
    problems: list[Problem] = field(default_factory=list)
    full: bool = False  # the full form ran (after an unclean end)

    @property
    def damaged(self) -> bool:
        return bool(self.problems)

    def identity(self) -> Identity:
        """The laptop's user, or a blank one when a damaged file cannot even give that."""
        try:
            return self.store.identity()
        except StoreError as exc:
            log.error("identity unreadable: %s", exc)
            return Identity("", "", "", None)


def open_checked(data_dir: Path) -> CheckedStore:
    """Open the app's store, checked; read-only with the problems when it fails the check."""
    after_crash = (data_dir / RUNNING_MARK).exists()
    try:
        store = open_store(data_dir)
    except StoreDamaged as exc:
        log.error("store damaged at start: %s", exc)
        return CheckedStore(open_store(data_dir, read_only=True, check=False),
                            [Problem("database", str(exc))], after_crash)
    if after_crash:
        log.warning("the last session did not close cleanly: full verify")
    problems = verify_store(store, full=after_crash, tail=None if after_crash else START_TAIL,
                            database=after_crash)
    if problems:
        for problem in problems:
            log.error("verify at start: %s", problem.message)
        store.close()
        return CheckedStore(open_store(data_dir, read_only=True, check=False), problems, after_crash)
    mark_running(data_dir)
    keep_daily_backup(data_dir)
    return CheckedStore(store, [], after_crash)


DAILY_PREFIX = "daily-"
KEEP_DAILY = 7
DAILY_EVERY = timedelta(hours=20)


def keep_daily_backup(data_dir: Path, now: datetime | None = None) -> Path | None:
    """A copy of the store that has just passed the start-up check, at most one a day, the
    newest seven kept: what 恢复最近的完好备份 offers when the store is later found damaged.
    A copy that cannot be made (a full disk) is logged and does not stop the start."""
    folder = data_dir / "backups"
    now = now or datetime.now()
    latest = _daily_backups(folder)[-1:] if folder.is_dir() else []
    if latest and now - _made_at(latest[0]) < DAILY_EVERY:
        return None
    target = folder / f"{DAILY_PREFIX}{now:%Y%m%d-%H%M%S}.db"
    temp = target.with_name(target.name + ".part")
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        copy_database(data_dir / DB_NAME, temp)
        os.replace(temp, target)
    except (OSError, sqlite3.Error) as exc:
        log.warning("daily backup not made in %s: %s", folder, exc)
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        return None
    for old in _daily_backups(folder)[:-KEEP_DAILY]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def _daily_backups(folder: Path) -> list[Path]:
    """Oldest first (the names carry the time they were made)."""
    return sorted(p for p in folder.glob(f"{DAILY_PREFIX}*.db") if _made_at(p) != datetime.min)


def _made_at(path: Path) -> datetime:
    try:
        return datetime.strptime(path.stem[len(DAILY_PREFIX):], "%Y%m%d-%H%M%S")
    except ValueError:
        return datetime.min


def mark_running(data_dir: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(data_dir / RUNNING_MARK, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(str(os.getpid()))


def mark_clean_exit(data_dir: Path) -> None:
    """Called when the app closes normally: the next start runs the quick check only."""
    with contextlib.suppress(OSError):
        (data_dir / RUNNING_MARK).unlink(missing_ok=True)


def latest_good_backup(data_dir: Path) -> Path | None:
    """The newest copy in backups/ that SQLite's own check passes."""
    folder = data_dir / "backups"
    if not folder.is_dir():
        return None
    for path in sorted(folder.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True):
        if path.name.startswith(DAMAGED_PREFIX):
            continue
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                if conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]:
                    return path
            finally:
                conn.close()
        except sqlite3.Error:
            continue
    return None


DAMAGED_PREFIX = "damaged-"


def restore_backup(data_dir: Path, backup: Path) -> Path:
    """Put `backup` in place of the store (which must be closed); the damaged file is kept in
    backups/ under a name that says so. Returns where the damaged file went."""
    db = data_dir / DB_NAME
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = data_dir / "backups" / f"{DAMAGED_PREFIX}{stamp}.db"
    kept.parent.mkdir(mode=0o700, exist_ok=True)
    shutil.copy2(db, kept)
    for suffix in ("-wal", "-shm"):
        extra = Path(str(db) + suffix)
        if extra.exists():
            shutil.copy2(extra, Path(str(kept) + suffix))
            extra.unlink()
    temp = db.with_name(db.name + ".restoring")
    copy_database(backup, temp)
    os.replace(temp, db)
    # The head recorded for the damaged store does not describe the restored one.
    with contextlib.suppress(OSError):
        (data_dir / "audit-head.json").unlink()
    log.warning("restored %s from %s; the damaged store is kept as %s", db, backup, kept)
    return kept


def problems_text(checked: CheckedStore, limit: int = 8) -> str:
    lines = [p.message for p in checked.problems[:limit]]
    if len(checked.problems) > limit:
        lines.append(tr("……另有 {n} 个问题。", n=len(checked.problems) - limit))
    return "\n".join(lines)
