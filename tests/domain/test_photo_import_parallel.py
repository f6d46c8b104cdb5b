"""A camera card imported on every core: each photo on its own, exactly as safe as one by one."""

from __future__ import annotations

import hashlib
import threading
from contextlib import closing
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select

from fieldcheck.domain import evidence
from fieldcheck.models import Photo
from fieldcheck.photos.batch import ingest_batch
from fieldcheck.photos.ingest import StagedPhoto
from fieldcheck.store import Store


def _card(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for n in range(count):
        img = Image.effect_noise((800, 600), 40 + n).convert("RGB")
        path = folder / f"IMG_{n:04d}.JPG"
        img.save(path, quality=88)
        paths.append(path)
    return paths


def _store_files(store: Store) -> list[Path]:
    return [p for p in (store.data_dir / "photos").rglob("*") if p.is_file()]


def test_a_corrupt_photo_among_good_ones_fails_alone_with_its_name(
    store: Store, visit_id: str, tmp_path: Path
) -> None:
    photos = _card(tmp_path / "card", 12)
    broken = photos[5].with_name("IMG_BROKEN.JPG")
    broken.write_bytes(photos[5].read_bytes()[:20_000])  # copy cut short, as a pulled card does
    batch = [*photos[:6], broken, *photos[6:]]

    report = evidence.import_photos(store, visit_id, batch)

    assert len(report.added) == 12 and not report.duplicates
    assert [name for name, _message in report.rejected] == ["IMG_BROKEN.JPG"]
    assert "IMG_BROKEN.JPG" in report.rejected[0][1]
    with store.read() as s:
        names = [p.original_name for p in evidence.photos_of(s, visit_id)]
    assert sorted(names) == sorted(p.name for p in photos)
    assert not [p for p in _store_files(store) if p.name.startswith(".tmp-")]


def test_the_same_photo_twice_in_one_batch_is_stored_once(
    store: Store, visit_id: str, tmp_path: Path
) -> None:
    photos = _card(tmp_path / "card", 6)
    again = photos[2].with_name("IMG_0002 (copy).JPG")
    again.write_bytes(photos[2].read_bytes())
    # Side by side, so both copies are being prepared at the same time.
    report = evidence.import_photos(store, visit_id, [*photos[:3], again, photos[2], *photos[3:]])

    assert len(report.added) == 6
    assert sorted(report.duplicates) == ["IMG_0002 (copy).JPG", "IMG_0002.JPG"]
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Photo)) == 6
    originals = [p for p in _store_files(store) if "originals" in p.parts]
    thumbs = [p for p in _store_files(store) if "thumbs" in p.parts]
    assert len(originals) == 6 and len(thumbs) == 6  # no temp copy of the second one left
    for original in originals:
        assert hashlib.sha256(original.read_bytes()).hexdigest() == original.name


def test_every_photo_is_acknowledged_in_order_after_its_commit(
    store: Store, visit_id: str, tmp_path: Path
) -> None:
    photos = _card(tmp_path / "card", 10)
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        with store.read() as s:  # what a crash right now would keep
            committed = s.scalar(select(func.count()).select_from(Photo))
        seen.append((done, committed or 0))
        assert total == 10

    evidence.import_photos(store, visit_id, photos, progress=progress)

    assert seen == [(n, n) for n in range(1, 11)]


def test_stop_keeps_what_is_imported_and_leaves_no_prepared_file(
    store: Store, visit_id: str, tmp_path: Path
) -> None:
    photos = _card(tmp_path / "card", 16)
    stop = threading.Event()

    def progress(done: int, _total: int) -> None:
        if done == 3:
            stop.set()  # the person clicks 停止导入 while later photos are being prepared

    report = evidence.import_photos(store, visit_id, photos, progress=progress, stop=stop)

    assert len(report.added) == 3
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Photo)) == 3
    files = _store_files(store)
    assert len([p for p in files if "originals" in p.parts]) == 3
    assert not [p for p in files if p.name.startswith(".tmp-")]


def test_closing_a_batch_early_deletes_every_staged_file(store: Store, tmp_path: Path) -> None:
    photos = _card(tmp_path / "card", 12)
    with closing(ingest_batch(photos, store.blobs, workers=3)) as batch:
        path, first = next(batch)
        assert path == photos[0] and isinstance(first, StagedPhoto) and first.original is not None
        assert first.original.exists()  # written, fsynced, under its temporary name
    assert _store_files(store) == []
