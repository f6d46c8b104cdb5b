"""The content-addressed photo store: originals by SHA-256, plus derived JPEG previews.

Layout under the root folder (the two-character fan-out keeps folders small on FAT/NTFS):

    originals/ab/<sha256>        the exact bytes that were imported (evidence; never rewritten)
    thumbs/ab/<sha256>.jpg       ~256 px, upright, made at import
    display/ab/<sha256>.jpg      ~1600 px, upright, made on first view by ensure_display()

Originals carry no extension on purpose: the name is the content hash and nothing else, so a
path can be checked against its contents and two imports of one photo can never diverge.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta
from pathlib import Path
from typing import Final

from fieldcheck.errors import PhotoError
from fieldcheck.i18n import tr
from fieldcheck.photos.durable import (
    publish_staged,
    remove_stale_temps,
    stage_durably,
    write_durably,
    write_error,
)
from fieldcheck.photos.exif import read_photo_exif
from fieldcheck.photos.imaging import DISPLAY_SIDE, decode_reduced, encode_upright_jpeg, open_image

log = logging.getLogger(__name__)

_SHA256_RE: Final = re.compile(r"[0-9a-f]{64}")
_HASH_CHUNK: Final = 1 << 20


class BlobStore:
    """Photo files under one root folder; safe to reopen after a crash at any point."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def original_path(self, sha256: str) -> Path:
        return self.root / "originals" / _fan_out(sha256) / sha256

    def thumbnail_path(self, sha256: str) -> Path:
        return self.root / "thumbs" / _fan_out(sha256) / f"{sha256}.jpg"

    def display_path(self, sha256: str) -> Path:
        return self.root / "display" / _fan_out(sha256) / f"{sha256}.jpg"

    def has(self, sha256: str) -> bool:
        """True once the original is stored; it only ever appears complete (atomic rename)."""
        return self.original_path(sha256).is_file()

    def verify(self, sha256: str) -> bool:
        """Re-hash the stored original: False if it is missing or its bytes changed."""
        digest = hashlib.sha256()
        try:
            with self.original_path(sha256).open("rb") as f:
                while chunk := f.read(_HASH_CHUNK):
                    digest.update(chunk)
        except OSError:
            return False
        return digest.hexdigest() == sha256

    def stage_original(self, sha256: str, original: bytes) -> Path:
        """Write and fsync the original under a temporary name (raises OSError as it comes).

        Past the page cache where the system allows: an original is written once and read
        again only to check it or make its display copy (durable.stage_durably `uncached`)."""
        return stage_durably(self.original_path(sha256), original, uncached=True)

    def stage_thumbnail(self, sha256: str, thumbnail: bytes, name: str) -> Path:
        """Write and fsync the thumbnail under a temporary name (PhotoError naming `name`)."""
        try:
            return stage_durably(self.thumbnail_path(sha256), thumbnail)
        except OSError as exc:
            raise write_error(exc, name) from exc

    def publish(self, sha256: str, original: Path | None, thumbnail: Path | None, name: str) -> None:
        """Rename staged files into place, the thumbnail first; on failure neither is left."""
        try:
            if thumbnail is not None:
                publish_staged(thumbnail, self.thumbnail_path(sha256))
            if original is not None:
                publish_staged(original, self.original_path(sha256))
        except OSError as exc:
            for temp in (original, thumbnail):
                if temp is not None:
                    temp.unlink(missing_ok=True)
            if original is not None:
                self.thumbnail_path(sha256).unlink(missing_ok=True)
            raise write_error(exc, name) from exc

    def forget_previews(self, sha256: str) -> None:
        """Drop the thumbnail and display copy (made from an original found altered)."""
        for path in (self.thumbnail_path(sha256), self.display_path(sha256)):
            path.unlink(missing_ok=True)

    def ensure_display(self, sha256: str, name: str = "") -> Path:
        """The ~1600 px display copy, made from the original the first time it is asked for.

        `name` says which photo this is in messages (the file name and visit, not the hash).
        An original whose bytes no longer match its hash is refused: a display copy must
        never show an altered original as evidence.
        """
        target = self.display_path(sha256)
        if target.is_file():
            return target
        source = self.original_path(sha256)
        name = name or sha256[:12]
        try:
            data = source.read_bytes()
        except OSError as exc:
            log.warning("original of %s unreadable at %s: %s", name, source, exc)
            raise PhotoError(tr("照片 {name} 的原件不见了或无法读取。请从相机或备份中找回原图，"
                                "在这次检查中重新导入即可恢复。", name=name)) from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise PhotoError(tr("照片 {name} 的原件已被改动，与导入时的哈希不符，不再显示。"
                                "请在这次检查中重新导入原图以恢复。", name=name))
        with open_image(data, name) as img:
            small = decode_reduced(img, DISPLAY_SIDE, name)
            jpeg = encode_upright_jpeg(small, read_photo_exif(img).orientation)
        try:
            write_durably(target, jpeg)
        except OSError as exc:
            raise write_error(exc, name) from exc
        return target

    def cleanup_temp(self, older_than: timedelta = timedelta(hours=1)) -> int:
        """Remove temp files left by a crash; returns how many. Call at start-up.

        Only files older than `older_than` go, so a write still in progress elsewhere is safe.
        """
        seconds = older_than.total_seconds()
        return sum(
            remove_stale_temps(self.root / tree, seconds)
            for tree in ("originals", "thumbs", "display")
            if (self.root / tree).is_dir()
        )


def _fan_out(sha256: str) -> str:
    # The hash comes back from the database and sync peers: refuse anything that could
    # escape the root folder ("../..") before it becomes part of a path.
    if not _SHA256_RE.fullmatch(sha256):
        raise ValueError(f"not a lowercase hex SHA-256: {sha256!r}")
    return sha256[:2]
