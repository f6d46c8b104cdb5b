"""Importing evidence photos into a visit through the domain and the CLI."""

from __future__ import annotations

import errno
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from fieldcheck.domain import evidence, findings, visits
from fieldcheck.errors import ReadOnlyError
from fieldcheck.models import OutboxOp, Photo
from fieldcheck.store import Store


def _jpeg(path: Path, colour: tuple[int, int, int], taken: datetime | None = None) -> Path:
    img = Image.new("RGB", (640, 480), colour)
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    img.save(path, "JPEG", exif=exif.tobytes())
    return path


def test_import_links_rows_to_durable_files(store: Store, visit_id: str, tmp_path: Path) -> None:
    a = _jpeg(tmp_path / "窗口无人.jpg", (200, 30, 30))
    b = _jpeg(tmp_path / "叫号屏.jpg", (30, 200, 30))
    report = evidence.import_photos(store, visit_id, [a, b])
    assert len(report.added) == 2 and not report.rejected
    with store.read() as s:
        rows = evidence.photos_of(s, visit_id)
        assert {r.original_name for r in rows} == {"窗口无人.jpg", "叫号屏.jpg"}
        for row in rows:
            assert store.blobs.original_path(row.sha256).read_bytes() == (tmp_path / row.original_name).read_bytes()
        ops = s.scalars(select(OutboxOp.entity).where(OutboxOp.entity == "photo")).all()
        assert len(ops) == 2


def test_duplicate_is_linked_not_stored_twice(store: Store, visit_id: str, tmp_path: Path) -> None:
    a = _jpeg(tmp_path / "a.jpg", (10, 20, 30))
    copy = tmp_path / "a_copy.jpg"
    copy.write_bytes(a.read_bytes())
    first = evidence.import_photos(store, visit_id, [a])
    second = evidence.import_photos(store, visit_id, [copy])
    assert len(first.added) == 1 and second.duplicates == ["a_copy.jpg"] and not second.added
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Photo)) == 1
    originals = [p for p in (store.data_dir / "photos" / "originals").rglob("*") if p.is_file()]
    assert len(originals) == 1


def test_bad_files_are_rejected_by_name_and_the_rest_imported(store: Store, visit_id: str, tmp_path: Path) -> None:
    good = _jpeg(tmp_path / "good.jpg", (1, 2, 3))
    fake = tmp_path / "会议纪要.jpg"
    fake.write_text("这不是图片", encoding="utf-8")
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(_jpeg(tmp_path / "full.jpg", (9, 9, 9)).read_bytes()[:900])
    report = evidence.import_photos(store, visit_id, [fake, good, truncated])
    assert len(report.added) == 1
    rejected = dict(report.rejected)
    assert set(rejected) == {"会议纪要.jpg", "truncated.jpg"}
    assert "会议纪要.jpg" in rejected["会议纪要.jpg"]


def test_full_disk_leaves_nothing_referenced(store: Store, visit_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fieldcheck.photos.durable as durable

    real_write = durable.os.write

    def disk_full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(durable.os, "write", disk_full)
    report = evidence.import_photos(store, visit_id, [_jpeg(tmp_path / "x.jpg", (5, 5, 5))])
    monkeypatch.setattr(durable.os, "write", real_write)
    assert not report.added and len(report.rejected) == 1
    assert "磁盘" in report.rejected[0][1]
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Photo)) == 0
    leftovers = [p for p in (store.data_dir / "photos").rglob("*") if p.is_file()]
    assert leftovers == []


def test_photos_become_finding_evidence_and_visit_read_only(store: Store, visit_id: str, tmp_path: Path) -> None:
    report = evidence.import_photos(store, visit_id, [_jpeg(tmp_path / "e.jpg", (7, 7, 7))])
    with store.write() as s:
        finding = findings.record_finding(s, visit_id, category="discipline", description="工作人员未佩戴工作牌")
        findings.attach_evidence(s, finding.id, report.added)
        evidence.set_caption(s, report.added[0], "10:15 二号窗口")
    with store.read() as s:
        photo = s.get(Photo, report.added[0])
        assert photo is not None and photo.finding_id == finding.id and photo.caption == "10:15 二号窗口"
    with store.write() as s:
        s.get(Photo, report.added[0])
        for key, value in (("on_duty", "yes"), ("wait", 3)):
            from fieldcheck.domain.checklist import answer_item

            answer_item(s, visit_id, key, value)
        visits.finish_visit(s, visit_id)
    with pytest.raises(ReadOnlyError):
        evidence.import_photos(store, visit_id, [_jpeg(tmp_path / "late.jpg", (8, 8, 8))])


def test_folder_candidates_are_those_taken_during_the_visit(store: Store, visit_id: str, tmp_path: Path) -> None:
    with store.read() as s:
        started = visits.get_visit(s, visit_id).started_at
    assert started is not None
    local_start = started.astimezone().replace(tzinfo=None)
    card = tmp_path / "DCIM" / "100PHONE"
    card.mkdir(parents=True)
    inside = _jpeg(card / "IMG_1.jpg", (1, 1, 1), local_start + timedelta(minutes=1))
    _jpeg(card / "IMG_0.jpg", (2, 2, 2), local_start - timedelta(days=2))
    (card / "notes.txt").write_text("x")
    with store.read() as s:
        found = evidence.candidates_for_visit(s, visit_id, [tmp_path / "DCIM"])
    assert [p for p, _ in found] == [inside]


def test_import_photos_cli(store: Store, visit_id: str, tmp_path: Path) -> None:
    a = _jpeg(tmp_path / "cli.jpg", (3, 4, 5))
    store.close()
    out = subprocess.run(
        [sys.executable, "-m", "fieldcheck.cli", "import-photos", "--data-dir", str(store.data_dir),
         "--visit", visit_id, str(a)], capture_output=True, text=True, check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "导入 1 张" in out.stdout
