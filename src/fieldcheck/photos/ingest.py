"""Importing one photo: read it once, check it, keep the exact bytes, make a thumbnail.

The caller commits its database row only after `ingest_photo` returns, so every row points at
files that are already complete on disk; a crash before that leaves at most an unreferenced
file, which a re-import recognises as a duplicate.

An import is two steps: `stage_photo` does the work (and may run on many threads, see
batch.py), `publish_photo` renames its files into place just before the row is committed.
"""

from __future__ import annotations

import hashlib
import stat
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Final

from fieldcheck.errors import PhotoError, os_error_text
from fieldcheck.i18n import tr
from fieldcheck.photos.durable import write_error
from fieldcheck.photos.exif import read_photo_exif
from fieldcheck.photos.imaging import (
    THUMBNAIL_SIDE,
    decode_reduced,
    encode_upright_jpeg,
    mime_of,
    open_image,
    swaps_axes,
)
from fieldcheck.photos.store import BlobStore

# The whole file is held in memory so it is read once for hashing, checking and copying.
# 256 MiB is far above any camera JPEG (a 100 MP frame is ~60 MB) yet bounded.
MAX_FILE_BYTES: Final = 256 * 1024 * 1024


@dataclass(frozen=True)
class IngestedPhoto:
    sha256: str  # hex of the original bytes; the key in BlobStore
    original_name: str  # basename of the imported file
    size: int  # bytes
    width: int  # as displayed, i.e. after EXIF orientation
    height: int
    mime: str  # "image/jpeg", "image/png", …
    taken_at: datetime | None  # EXIF DateTimeOriginal, naive camera-local time
    gps_lat: float | None  # decimal degrees, south negative
    gps_lon: float | None  # decimal degrees, west negative
    orientation: int  # EXIF orientation 1..8 (1 if absent)
    duplicate: bool  # the same bytes were already stored; nothing new was written
    repaired: bool = False  # the stored original had been altered; these bytes replaced it


def ingest_photo(source: Path, store: BlobStore) -> IngestedPhoto:
    """Copy `source` into `store` byte for byte and make its thumbnail.

    Raises PhotoError, naming the file, for anything that is not a complete, sane image or that
    cannot be saved (full disk); in that case nothing for this photo is left in the store.
    """
    return publish_photo(stage_photo(source, store), store)


def ingest_photo_bytes(data: bytes, name: str, store: BlobStore) -> IngestedPhoto:
    """The same for bytes already in memory (a photo sync downloaded and checked against its
    hash): stored and checked as a file with that name would be, without a temporary copy."""
    _check_size(len(data), name)
    return publish_photo(stage_photo_data(data, name, store), store)


@dataclass
class StagedPhoto:
    """A checked photo whose new files are written and fsynced under temporary names.

    Nothing refers to a temporary file, so a crash leaves only what `BlobStore.cleanup_temp`
    removes. `publish_photo` renames the files into place; `discard` deletes them.
    """

    photo: IngestedPhoto
    original: Path | None  # staged original; None when the store already held the bytes
    thumbnail: Path | None  # staged thumbnail; None when the store already held it

    def discard(self) -> None:
        for temp in (self.original, self.thumbnail):
            if temp is not None:
                temp.unlink(missing_ok=True)
        self.original = self.thumbnail = None


def stage_photo(source: Path, store: BlobStore) -> StagedPhoto:
    """Everything of an import that may run on many threads at once: read, hash, check,
    decode, EXIF, thumbnail, and the original and thumbnail written durably under temporary
    names. Raises PhotoError naming the file; on any failure nothing is left behind."""
    source = Path(source)
    return stage_photo_data(_read_source(source, source.name), source.name, store)


def stage_photo_data(data: bytes, name: str, store: BlobStore) -> StagedPhoto:
    """stage_photo for bytes already read; `name` names the photo in messages and records."""
    sha256 = hashlib.sha256(data).hexdigest()
    original: Path | None = None
    thumbnail: Path | None = None
    with open_image(data, name) as img:
        width, height = img.size
        mime = mime_of(img)
        stored = store.has(sha256)
        repaired = False
        if stored and not store.verify(sha256):
            # The stored original was altered (its bytes no longer hash to its name): these
            # are the true bytes, so they replace it, and its previews are made again.
            store.forget_previews(sha256)
            stored, repaired = False, True
        if stored and store.thumbnail_path(sha256).is_file():
            exif = read_photo_exif(img)  # checked at its first import; header only (bar PNG)
        else:
            # Decoding the thumbnail is also the integrity check; the original is written
            # and fsynced on an I/O thread meanwhile (both release the GIL) and stays under
            # its temporary name until publish_photo.
            staging = None if stored else _IO.submit(store.stage_original, sha256, data)
            try:
                small = decode_reduced(img, THUMBNAIL_SIDE, name)
                exif = read_photo_exif(img)
                thumbnail = store.stage_thumbnail(sha256, encode_upright_jpeg(small, exif.orientation), name)
            except BaseException:
                _discard(staging)
                raise
            if staging is not None:
                try:
                    original = _staged(staging, name)
                except BaseException:
                    thumbnail.unlink(missing_ok=True)
                    raise
    if swaps_axes(exif.orientation):
        width, height = height, width
    photo = IngestedPhoto(
        sha256=sha256,
        original_name=name,
        size=len(data),
        width=width,
        height=height,
        mime=mime,
        taken_at=exif.taken_at,
        gps_lat=exif.gps_lat,
        gps_lon=exif.gps_lon,
        orientation=exif.orientation,
        duplicate=stored,
        repaired=repaired,
    )
    return StagedPhoto(photo, original, thumbnail)


def publish_photo(staged: StagedPhoto, store: BlobStore) -> IngestedPhoto:
    """Rename a staged photo's files into place, durably (the thumbnail first, so a stored
    original always has one). Call it from one thread at a time, right before committing the
    row that refers to the photo. Raises PhotoError; then nothing of the photo is left."""
    photo = staged.photo
    if staged.original is not None and not photo.repaired and store.has(photo.sha256):
        # The same bytes came twice in one batch and the earlier copy is in place by now.
        staged.discard()
        return replace(photo, duplicate=True)
    original, thumbnail = staged.original, staged.thumbnail
    staged.original = staged.thumbnail = None  # from here on they are the store's to clean up
    store.publish(photo.sha256, original, thumbnail, photo.original_name)
    return photo


# I/O threads: writing and fsyncing release the GIL, so an original's write overlaps the
# thumbnail decode even on one core (waiting on the disk is not computing). Several, so the
# parallel import (photos/batch.py) does not queue every fsync behind one thread.
_IO = ThreadPoolExecutor(max_workers=4, thread_name_prefix="photo-io")


def _staged(staging: Future[Path], name: str) -> Path:
    try:
        return staging.result()
    except OSError as exc:
        raise write_error(exc, name) from exc


def _discard(staging: Future[Path] | None) -> None:
    if staging is None:
        return
    try:
        staging.result().unlink(missing_ok=True)
    except OSError:
        pass  # the write failed too: stage_durably removed its temporary file


def _read_source(source: Path, name: str) -> bytes:
    try:
        info = source.stat()
        # Checked before open(): opening a FIFO or device would block or never end.
        if not stat.S_ISREG(info.st_mode):
            raise PhotoError(tr("照片 {name} 不是普通文件，无法导入", name=name))
        _check_size(info.st_size, name)
        data = _read_up_to(source, info.st_size + 1)
    except OSError as exc:
        reason = os_error_text(exc)
        raise PhotoError(tr("无法读取照片 {name}：{reason}", name=name, reason=reason)) from exc
    if len(data) != info.st_size:
        raise PhotoError(tr("照片 {name} 在读取时发生了变化（可能仍在复制），请稍后重新导入", name=name))
    return data


def _read_up_to(source: Path, limit: int) -> bytes:
    """Read at most `limit` bytes. One more than the expected size is asked for so a file that
    is still being copied (it grew since stat) is noticed; unbuffered, so the usual case is a
    single read call straight into the result."""
    chunks: list[bytes] = []
    remaining = limit
    with source.open("rb", buffering=0) as f:
        while remaining > 0:
            chunk = f.read(remaining)  # short reads happen on network shares
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _check_size(size: int, name: str) -> None:
    if size == 0:
        raise PhotoError(tr("照片 {name} 是空文件（0 字节），可能复制失败", name=name))
    if size > MAX_FILE_BYTES:
        raise PhotoError(
            tr("照片 {name} 超过 {limit} MB，不像是一张照片，未导入",
               name=name, limit=MAX_FILE_BYTES // (1024 * 1024))
        )
