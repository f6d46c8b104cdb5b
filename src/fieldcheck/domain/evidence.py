"""Importing photos into a visit: files are made durable first, then the row is committed.

The files of many photos are prepared on every core (photos/batch.py); each photo's files are
put in place and its row committed on the importing thread, one photo at a time."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.domain.changes import record_change
from fieldcheck.domain.people import actor_of
from fieldcheck.domain.visits import ensure_editable, get_visit
from fieldcheck.errors import FieldCheckError, PhotoError, ValidationError
from fieldcheck.i18n import tr
from fieldcheck.ids import photo_id
from fieldcheck.models import Photo, Visit
from fieldcheck.models.coltypes import utcnow
from fieldcheck.photos import IngestedPhoto, scan_photos
from fieldcheck.photos.batch import ingest_batch
from fieldcheck.photos.ingest import publish_photo
from fieldcheck.photos.scan import ScanReport, scan_report
from fieldcheck.store.database import Store

log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    """What happened to each file: added, already there (linked), or rejected with a reason."""

    added: list[str] = field(default_factory=list)  # photo ids
    duplicates: list[str] = field(default_factory=list)  # file names already in this visit
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file name, message)
    repaired: list[str] = field(default_factory=list)  # file names whose altered original they restored

    def summary(self) -> str:
        text = tr(
            "导入 {added} 张，重复 {dup} 张，拒绝 {bad} 张。",
            added=len(self.added), dup=len(self.duplicates), bad=len(self.rejected),
        )
        if self.repaired:
            text += tr("已用导入的原图修复被改动的原件 {n} 张：{names}。", n=len(self.repaired),
                       names="、".join(self.repaired))
        return text


def _exif_time_to_utc(taken: datetime | None) -> datetime | None:
    # EXIF times are the camera's wall clock without a zone: read them as this laptop's zone.
    if taken is None:
        return None
    return taken.astimezone(UTC) if taken.tzinfo else taken.astimezone().astimezone(UTC)


def _link_row(
    session: Session, visit_id: str, info: IngestedPhoto, finding_id: str | None, item_key: str
) -> tuple[Photo, bool]:
    existing = session.scalars(
        select(Photo).where(Photo.visit_id == visit_id, Photo.sha256 == info.sha256)
    ).first()
    if existing is not None and not existing.deleted:
        # Already in the visit: not stored again, but linked where this import asked.
        relink = (finding_id and existing.finding_id != finding_id) or (
            item_key and existing.item_key != item_key)
        if relink:
            existing.finding_id = finding_id or existing.finding_id
            existing.item_key = item_key or existing.item_key
            record_change(session, actor_of(session), "photo.link", existing,
                          {"finding": existing.finding_id, "item": existing.item_key})
        return existing, False
    photo = existing or Photo(id=photo_id(visit_id, info.sha256), visit_id=visit_id, sha256=info.sha256)
    photo.deleted = False
    photo.finding_id = finding_id
    photo.item_key = item_key
    photo.taken_at = _exif_time_to_utc(info.taken_at)
    photo.imported_at = utcnow()
    photo.gps_lat, photo.gps_lon = info.gps_lat, info.gps_lon
    photo.size, photo.width, photo.height = info.size, info.width, info.height
    photo.mime = info.mime
    photo.original_name = info.original_name
    session.add(photo)
    record_change(session, actor_of(session), "photo.import", photo, {"sha256": info.sha256})
    return photo, True


def import_photos(
    store: Store,
    visit_id: str,
    paths: Iterable[Path],
    *,
    finding_id: str | None = None,
    item_key: str = "",
    progress: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
) -> ImportReport:
    """Import files on every core; each photo is committed on its own, in the order given,
    so a crash loses none already reported and a bad file never stops the others.

    Setting `stop` ends the import after the photo in hand: what is imported stays, photos
    prepared ahead are dropped. `progress(done, total)` follows each photo's commit.
    """
    files = [Path(p) for p in paths]
    report = ImportReport()
    with store.read() as s:
        ensure_editable(get_visit(s, visit_id))
    with closing(ingest_batch(files, store.blobs)) as batch:
        for n, (path, staged) in enumerate(batch, start=1):
            if stop is not None and stop.is_set():
                break
            try:
                if isinstance(staged, PhotoError):
                    raise staged
                info = publish_photo(staged, store.blobs)
                with store.write() as s:
                    photo, added = _link_row(s, visit_id, info, finding_id, item_key)
                if added:
                    report.added.append(photo.id)
                elif info.repaired:
                    report.repaired.append(info.original_name)
                else:
                    report.duplicates.append(info.original_name)
            except FieldCheckError as exc:
                log.warning("photo rejected: %s", exc)
                report.rejected.append((path.name, str(exc)))
            if progress is not None:
                progress(n, len(files))
    return report


def set_caption(session: Session, photo_id: str, caption: str) -> Photo:
    photo = _get(session, photo_id)
    ensure_editable(get_visit(session, photo.visit_id))
    photo.caption = caption.strip()
    record_change(session, actor_of(session), "photo.caption", photo)
    return photo


def remove_photo(session: Session, photo_id: str) -> None:
    """Unlink a photo from the visit; the original file stays (it is evidence)."""
    photo = _get(session, photo_id)
    ensure_editable(get_visit(session, photo.visit_id))
    photo.deleted = True
    record_change(session, actor_of(session), "photo.remove", photo)


def photos_of(session: Session, visit_id: str) -> list[Photo]:
    query = select(Photo).where(Photo.visit_id == visit_id, Photo.deleted.is_(False))
    return list(session.scalars(query.order_by(Photo.taken_at, Photo.imported_at)))


def scan_card_for_visit(session: Session, visit_id: str, folders: Iterable[Path]) -> ScanReport:
    """Photos in folders (or a camera card) taken during the visit, and what was passed over."""
    visit: Visit = get_visit(session, visit_id)
    if visit.started_at is None:
        raise ValidationError(tr("检查尚未开始，无法按时间匹配照片。"))
    start = visit.started_at.astimezone().replace(tzinfo=None)
    end = (visit.ended_at or utcnow()).astimezone().replace(tzinfo=None)
    return scan_report(folders, start, end)


def candidates_for_visit(session: Session, visit_id: str, folders: Iterable[Path]) -> list[tuple[Path, datetime]]:
    """Photos in folders (or a camera card) whose EXIF time falls in the visit's window."""
    visit: Visit = get_visit(session, visit_id)
    if visit.started_at is None:
        raise ValidationError(tr("检查尚未开始，无法按时间匹配照片。"))
    start = visit.started_at.astimezone().replace(tzinfo=None)
    end = (visit.ended_at or utcnow()).astimezone().replace(tzinfo=None)
    return scan_photos(folders, start, end)


def _get(session: Session, photo_id: str) -> Photo:
    photo = session.get(Photo, photo_id)
    if photo is None or photo.deleted:
        raise ValidationError(tr("找不到该照片。"))
    return photo
