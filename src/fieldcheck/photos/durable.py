"""Crash-safe file writes: a file either exists complete under its final name or not at all.

The sequence is the classic one: write a temporary file in the destination folder, fsync it,
rename it over the final name (atomic on one filesystem), then fsync the folder so the rename
itself survives a power cut. A crash leaves at most a `.tmp-*` file, which nothing references
and `remove_stale_temps` deletes.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Final

from fieldcheck.errors import PhotoError, os_error_text
from fieldcheck.i18n import tr

TEMP_PREFIX: Final = ".tmp-"

_DISK_FULL: Final = frozenset(
    code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None)) if code is not None
)
# Filesystems that cannot fsync a directory (some network and FUSE mounts) say so with these.
_DIR_FSYNC_UNSUPPORTED: Final = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EBADF})


def write_durably(path: Path, data: bytes | memoryview) -> None:
    """Write `data` to `path` atomically and durably; on failure no file is left behind."""
    publish_staged(stage_durably(path, data), path)


def stage_durably(path: Path, data: bytes | memoryview) -> Path:
    """The first half of write_durably: `data` fsynced in a temporary file beside `path`.

    Nothing refers to the temporary file until publish_staged() renames it, so the slow
    write and fsync can overlap other work (decoding the thumbnail) and be dropped if it fails.
    """
    make_dirs_durably(path.parent)
    fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    temp = Path(temp_name)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def publish_staged(temp: Path, path: Path) -> None:
    """The second half: rename the staged file into place and make the rename durable."""
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def make_dirs_durably(directory: Path) -> None:
    """mkdir -p, fsyncing each parent so a new folder's entry is on disk before files go in it."""
    if directory.is_dir():
        return
    make_dirs_durably(directory.parent)
    try:
        directory.mkdir()
    except FileExistsError:
        if not directory.is_dir():
            raise
        return  # created meanwhile by someone else, who syncs it
    fsync_dir(directory.parent)


def fsync_dir(directory: Path) -> None:
    if sys.platform == "win32":
        return  # Windows cannot open a folder for fsync; NTFS journals the rename itself
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _DIR_FSYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def remove_stale_temps(directory: Path, older_than_s: float) -> int:
    """Delete `.tmp-*` files older than `older_than_s` seconds under `directory` (two levels)."""
    cutoff = time.time() - older_than_s
    removed = 0
    for temp in directory.glob(f"*/{TEMP_PREFIX}*"):
        try:
            if temp.stat().st_mtime <= cutoff:
                temp.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # finished or removed meanwhile
    return removed


def write_error(exc: OSError, name: str) -> PhotoError:
    """The message a person sees when saving a photo failed."""
    if exc.errno in _DISK_FULL:
        return PhotoError(tr("磁盘空间已满，照片 {name} 未能保存；请清理磁盘后重新导入", name=name))
    reason = os_error_text(exc)
    return PhotoError(tr("照片 {name} 未能保存：{reason}", name=name, reason=reason))


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)  # may be partial (signals, pipes, some network mounts)
        view = view[written:]
