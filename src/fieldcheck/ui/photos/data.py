"""Photo reads and writes for the worker thread, returning plain rows."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fieldcheck.domain import evidence
from fieldcheck.domain.evidence import ImportReport

if TYPE_CHECKING:

    from fieldcheck.store import Store


@dataclass(frozen=True)
class PhotoRow:
    id: str
    sha256: str
    caption: str
    taken_at: datetime | None
    imported_at: datetime | None
    original_name: str
    finding_id: str | None
    item_key: str
    width: int
    height: int
    size: int

    @property
    def title(self) -> str:
        return self.caption or self.original_name


@dataclass(frozen=True)
class Candidate:
    path: Path
    taken_at: datetime


@dataclass(frozen=True)
class CardScan:
    """Photos of a folder or camera card taken during the visit, and what was passed over."""

    candidates: tuple[Candidate, ...]
    outside: int
    no_time: int
    not_image: int

    @property
    def skipped(self) -> int:
        return self.outside + self.no_time + self.not_image


THUMB_SIDE = 160


def load(store: Store, visit_id: str) -> list[PhotoRow]:
    with store.read() as s:
        return [
            PhotoRow(p.id, p.sha256, p.caption, p.taken_at, p.imported_at, p.original_name,
                     p.finding_id, p.item_key, p.width, p.height, p.size)
            for p in evidence.photos_of(s, visit_id)
        ]


def import_files(
    store: Store, visit_id: str, paths: list[Path], item_key: str = "",
    finding_id: str | None = None, stop: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import files on every core, each committed on its own; a photo-type item's answer
    becomes its number of photos.

    Setting `stop` ends the import after the photo in hand: what is imported stays.
    """
    return evidence.import_photos(store, visit_id, paths, finding_id=finding_id, item_key=item_key,
                                  progress=progress, stop=stop)


def expand(paths: list[Path]) -> list[Path]:
    """Dropped folders become the files inside them (one level of photos is the common case)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        else:
            files.append(path)
    return files


def scan(store: Store, visit_id: str, folder: Path) -> CardScan:
    with store.read() as s:
        report = evidence.scan_card_for_visit(s, visit_id, [folder])
    return CardScan(tuple(Candidate(Path(p), taken) for p, taken in report.found),
                    report.outside, report.no_time, report.not_image)


def card_thumbnails(paths: list[Path]) -> dict[Path, bytes]:
    """Small upright JPEGs of photos still on the card (JPEG draft decode: cheap)."""
    from fieldcheck.photos.exif import read_photo_exif
    from fieldcheck.photos.imaging import decode_reduced, encode_upright_jpeg, open_lazily

    thumbs: dict[Path, bytes] = {}
    for path in paths:
        try:
            with open_lazily(path) as img:
                orientation = read_photo_exif(img).orientation
                thumbs[path] = encode_upright_jpeg(decode_reduced(img, THUMB_SIDE, path.name), orientation)
        except Exception:  # noqa: BLE001 - a damaged file shows without a picture; import says why
            continue
    return thumbs


def set_caption(store: Store, visit_id: str, photo_id: str, caption: str) -> list[PhotoRow]:
    with store.write() as s:
        evidence.set_caption(s, photo_id, caption)
    return load(store, visit_id)


def remove(store: Store, visit_id: str, photo_id: str) -> list[PhotoRow]:
    with store.write() as s:
        evidence.remove_photo(s, photo_id)  # also recounts a photo item's answer
    return load(store, visit_id)


def display_path(store: Store, sha256: str, name: str = "") -> Path:
    """The display copy, made on first view (may take a few hundred ms for a big original);
    `name` names the photo in a message about its original."""
    return store.blobs.ensure_display(sha256, name)
