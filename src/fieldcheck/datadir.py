"""The data folder: whether it holds a store, and the one-writer lock over it.

Qt-free and light (no SQLAlchemy): the GUI takes the lock before its first window paints, and
every command that writes takes it before opening the store. The lock is an OS lock on a file
in the folder (fcntl.flock on Linux and macOS, msvcrt.locking on Windows), so the OS releases
it when the process ends, however it ends; a stale lock file is harmless.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType

from fieldcheck.errors import StoreError, os_error_text
from fieldcheck.i18n import tr

DB_NAME = "fieldcheck.db"
LOCK_NAME = "fieldcheck.lock"


def holds_store(data_dir: Path) -> bool:
    """Whether data_dir already is a FieldCheck data folder (has its database file)."""
    return (data_dir / DB_NAME).is_file()


class DataDirBusy(StoreError):
    """Another FieldCheck process writes this data folder."""

    code = "busy"

    def __init__(self, message: str, holder_pid: int | None) -> None:
        super().__init__(message)
        self.holder_pid = holder_pid


class DataDirLock:
    """An exclusive, non-blocking OS lock on `data_dir/fieldcheck.lock`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock if no other process holds it; True when this process holds it now."""
        if self._fd is not None:
            return True
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(tr("无法使用数据目录 {path}：{reason}", path=self.data_dir,
                                reason=os_error_text(exc))) from exc
        if not _lock(fd):
            os.close(fd)
            return False
        self._fd = fd
        with contextlib.suppress(OSError):  # who holds it, for the message a second process shows
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        return True

    def acquire(self) -> DataDirLock:
        """Take the lock or raise DataDirBusy saying who holds it."""
        if not self.try_acquire():
            pid = self.holder_pid()
            raise DataDirBusy(tr("数据目录 {path} 正由另一个 FieldCheck 程序使用{who}。"
                                 "同一时间只能有一个程序写入；请先退出它，再执行此操作。",
                                 path=self.data_dir, who=tr("（进程 {pid}）", pid=pid) if pid else ""),
                              pid)
        return self

    def holder_pid(self) -> int | None:
        try:
            text = self.path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return int(text) if text.isdigit() else None

    def release(self) -> None:
        if self._fd is not None:
            _unlock(self._fd)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> DataDirLock:
        return self.acquire()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


@contextlib.contextmanager
def writing(data_dir: Path) -> Iterator[DataDirLock]:
    """Hold the data folder's lock for a command that writes (DataDirBusy if taken)."""
    with DataDirLock(data_dir) as lock:
        yield lock


def os_lock_functions(platform: str = sys.platform) -> tuple[Callable[[int], bool],
                                                             Callable[[int], None]]:
    """(lock, unlock) of a file descriptor for `platform`: byte 0 with msvcrt on Windows,
    the whole file with flock elsewhere. Both are released by the OS when the process ends."""
    if platform == "win32":
        import msvcrt

        def lock_windows(fd: int) -> bool:
            try:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            except OSError:
                return False
            return True

        def unlock_windows(fd: int) -> None:
            with contextlib.suppress(OSError):
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]

        return lock_windows, unlock_windows

    import fcntl

    def lock_posix(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def unlock_posix(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    return lock_posix, unlock_posix


_lock, _unlock = os_lock_functions()
