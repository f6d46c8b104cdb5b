"""Crash-safe file writes: a file either exists complete under its final name or not at all.

The sequence is the classic one: write a temporary file in the destination folder, fsync it,
rename it over the final name (atomic on one filesystem), then fsync the folder so the rename
itself survives a power cut. A crash leaves at most a `.tmp-*` file, which nothing references
and `remove_stale_temps` deletes. Large write-once files (photo originals) may skip the page
cache on the way (`uncached`); that changes what the write costs, not what survives a crash.
"""

from __future__ import annotations

import errno
import mmap
import os
import sys
import tempfile
import threading
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


def stage_durably(path: Path, data: bytes | memoryview, *, uncached: bool = False) -> Path:
    """The first half of write_durably: `data` fsynced in a temporary file beside `path`.

    Nothing refers to the temporary file until publish_staged() renames it, so the slow
    write and fsync can overlap other work (decoding the thumbnail) and be dropped if it fails.

    `uncached`: the file is written once and rarely read soon (a photo's original), so where
    the system allows it (Linux O_DIRECT) its bytes go from memory to the disk without a copy
    into the page cache. That copy costs more CPU than the disk's own work, and a camera card
    of originals would otherwise push the app's database out of the cache. Filesystems that
    refuse direct I/O get the ordinary write; either way the file is fsynced.
    """
    make_dirs_durably(path.parent)
    fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    temp = Path(temp_name)
    try:
        try:
            if not (uncached and _write_direct(fd, data)):
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


# Direct I/O wants the memory, the length and the file offset aligned to the device's logical
# block; a page (4096) is a multiple of every common one. Bytes past the last whole block go
# through the ordinary path.
_DIRECT_ALIGN: Final = mmap.PAGESIZE
_O_DIRECT: Final = getattr(os, "O_DIRECT", 0)
# Page-aligned buffers (anonymous maps) are kept for the next photo: fresh memory costs a page
# fault per 4 KiB, as much as the page-cache copy it replaces. Sizes are rounded up to whole
# MiB so photos of slightly different sizes share them; at most this many bytes are kept, and
# release_buffers() frees them when an import is over.
_BUFFER_STEP: Final = 1 << 20
_KEEP_BUFFER_BYTES: Final = 32 * 1024 * 1024
_buffers: list[mmap.mmap] = []
_buffers_lock = threading.Lock()


def release_buffers() -> None:
    """Free the buffers kept for uncached writes (call when a batch of writes is over)."""
    with _buffers_lock:
        while _buffers:
            _close(_buffers.pop())


def kept_buffer_bytes() -> int:
    with _buffers_lock:
        return sum(map(len, _buffers))


def _write_direct(fd: int, data: bytes | memoryview) -> bool:
    """Write `data` to the empty file `fd` bypassing the page cache. False, with nothing
    written, where direct I/O is unavailable (not Linux, some network and FUSE mounts) or the
    device refuses the alignment."""
    whole = len(data) // _DIRECT_ALIGN * _DIRECT_ALIGN
    if not _O_DIRECT or whole == 0:
        return False
    import fcntl

    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    try:
        fcntl.fcntl(fd, fcntl.F_SETFL, flags | _O_DIRECT)
    except OSError:
        return False
    buffer = _take_buffer(whole)
    try:
        with memoryview(buffer) as view:
            view[:whole] = memoryview(data)[:whole]
            written = 0
            while written < whole:
                # A short direct write still ends on a block boundary, so the rest stays aligned.
                written += os.write(fd, view[written:whole])
    except OSError as exc:
        if exc.errno != errno.EINVAL:
            raise
        # Accepted at open but refused at write: this device wants a larger alignment.
        fcntl.fcntl(fd, fcntl.F_SETFL, flags)
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        return False
    finally:
        _give_back(buffer)
    fcntl.fcntl(fd, fcntl.F_SETFL, flags)
    _write_all(fd, memoryview(data)[whole:])
    return True


def _take_buffer(size: int) -> mmap.mmap:
    with _buffers_lock:
        for i, buffer in enumerate(_buffers):  # smallest first
            if len(buffer) >= size:
                return _buffers.pop(i)
    return mmap.mmap(-1, -(-size // _BUFFER_STEP) * _BUFFER_STEP)


def _give_back(buffer: mmap.mmap) -> None:
    with _buffers_lock:
        _buffers.append(buffer)
        _buffers.sort(key=len)
        while sum(map(len, _buffers)) > _KEEP_BUFFER_BYTES:
            _close(_buffers.pop(0))


def _close(buffer: mmap.mmap) -> None:
    try:
        buffer.close()
    except BufferError:
        # A view of it is still alive (a failed write's traceback holds its argument): the map
        # is unmapped when the last view goes.
        pass
