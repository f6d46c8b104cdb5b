"""Photo originals, one file per SHA-256, uploaded in resumable chunks.

Bytes arrive in a temporary file per blob; `received` counts only bytes written and fsynced.
When the blob is whole (its declared size reached, or its hash matching) the file is
verified, fsynced and renamed to its content address; a mismatch is refused and dropped.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from fieldcheck.hashing import file_sha256
from fieldcheck.i18n import tr
from fieldcheck.server.errors import ApiError
from fieldcheck.server.tables import Blob, Record
from fieldcheck.sync.protocol import MAX_BLOB_SIZE, BlobPutResponse, BlobState

_SHA = re.compile(r"^[0-9a-f]{64}$")


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.partial_dir = root / "partial"
        self.partial_dir.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if not _SHA.match(sha256):  # never a path from a name the client chose
            raise ApiError(422, "invalid_request", tr("照片编号（SHA-256）格式不正确。"))
        return self.root / sha256[:2] / sha256

    def partial(self, sha256: str) -> Path:
        self.path(sha256)
        return self.partial_dir / f"{sha256}.part"

    def states(self, session: Session, hashes: list[str]) -> list[BlobState]:
        found = {b.sha256: b for b in session.scalars(select(Blob).where(Blob.sha256.in_(hashes)))}
        out = []
        for sha in hashes:
            blob = found.get(sha)
            have = blob is not None and blob.complete
            out.append(BlobState(sha256=sha, have=have, offset=blob.received if blob else 0))
        return out

    def put(
        self, session: Session, sha256: str, offset: int, chunk: bytes, size: int | None
    ) -> BlobPutResponse | ApiError:
        """Append `chunk` at `offset` (inside the caller's write transaction, which holds the
        database's write lock, so two uploads of one blob never interleave).

        Bytes refused for good are dropped and the refusal returned, for the caller to raise
        once the transaction that forgot them has committed."""
        path = self.path(sha256)
        blob = session.get(Blob, sha256, with_for_update=True)
        if blob is None:
            blob = Blob(sha256=sha256, size=size, received=0, complete=False)
            session.add(blob)
            session.flush()
        if blob.complete:
            return BlobPutResponse(sha256=sha256, offset=blob.received, complete=True)
        if size is not None:
            if blob.size is not None and blob.size != size:
                raise ApiError(409, "size_mismatch", tr("照片大小与之前上传的部分不一致。"))
            blob.size = size
        if offset > blob.received:
            raise ApiError(
                409, "offset_mismatch", tr("上传位置不对：服务器已确认 {received} 字节。", received=blob.received)
            )
        new_bytes = chunk[blob.received - offset:]
        end = blob.received + len(new_bytes)
        if end > MAX_BLOB_SIZE or (blob.size is not None and end > blob.size):
            self._drop(blob)
            return ApiError(413, "too_large", tr("照片文件超过允许的大小。"))
        partial = self.partial(sha256)
        if new_bytes or not partial.exists():
            _append_durably(partial, blob.received, new_bytes)
            blob.received = end
        if blob.size is not None and blob.received < blob.size:
            return BlobPutResponse(sha256=sha256, offset=blob.received, complete=False)
        if file_sha256(partial) != sha256:
            if blob.size is None:  # whole only when the bytes say so
                return BlobPutResponse(sha256=sha256, offset=blob.received, complete=False)
            self._drop(blob)
            return ApiError(422, "hash_mismatch", tr("照片内容与其 SHA-256 不符，已丢弃，请重新上传。"))
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, path)
        _fsync_dir(path.parent)
        blob.complete = True
        return BlobPutResponse(sha256=sha256, offset=blob.received, complete=True)

    def _drop(self, blob: Blob) -> None:
        self.partial(blob.sha256).unlink(missing_ok=True)
        blob.received = 0
        blob.size = None


def file_visible(session: Session, sha256: str, visible: ColumnElement[bool]) -> bool:
    """Whether a record referring to this file (a photo, an issued notice, a follow-up
    event's 整改报告) is one the caller may see."""
    query = select(Record.id).where(Record.blob_sha256 == sha256, visible).limit(1)
    if session.scalars(query).first() is not None:
        return True
    # A report may hold several files: they are named inside the event's data.
    reports = select(Record.id).where(Record.entity == "followup_event",
                                      Record.data.contains(f'"{sha256}"'), visible).limit(1)
    return session.scalars(reports).first() is not None


def _append_durably(path: Path, offset: int, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.ftruncate(fd, offset)  # drop any bytes written past the confirmed offset
        os.lseek(fd, offset, os.SEEK_SET)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
