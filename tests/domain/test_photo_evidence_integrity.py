"""Photo originals are evidence: an altered one is found and repaired by importing the true
file again, a missing one is named by its photo, and a deep image is refused by what it would
cost to decode, not by its pixel count alone."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from fieldcheck.domain import evidence
from fieldcheck.domain.integrity import verify_store
from fieldcheck.errors import PhotoError
from fieldcheck.store import Store


def _jpeg(path: Path, colour: tuple[int, int, int]) -> Path:
    Image.new("RGB", (640, 480), colour).save(path, "JPEG")
    return path


def _import_one(store: Store, visit_id: str, path: Path) -> str:
    report = evidence.import_photos(store, visit_id, [path])
    [photo_id] = report.added
    with store.read() as s:
        [row] = [p for p in evidence.photos_of(s, visit_id) if p.id == photo_id]
        return row.sha256


def test_an_altered_original_is_repaired_by_importing_the_true_file(
        store: Store, visit_id: str, tmp_path: Path) -> None:
    true_file = _jpeg(tmp_path / "窗口无人.jpg", (200, 30, 30))
    sha = _import_one(store, visit_id, true_file)
    original = store.blobs.original_path(sha)
    _jpeg(tmp_path / "forged.jpg", (30, 200, 30))
    original.chmod(0o600)
    original.write_bytes((tmp_path / "forged.jpg").read_bytes())  # same name, other picture
    store.blobs.display_path(sha).unlink(missing_ok=True)

    with pytest.raises(PhotoError) as info:  # never shown as the evidence it no longer is
        store.blobs.ensure_display(sha, "窗口无人.jpg")
    assert "窗口无人.jpg" in str(info.value) and "改动" in str(info.value)
    [problem] = verify_store(store, full=True)
    assert "窗口无人.jpg" in problem.message

    report = evidence.import_photos(store, visit_id, [true_file])
    assert report.repaired == ["窗口无人.jpg"] and not report.duplicates and not report.added
    assert "修复" in report.summary()
    assert original.read_bytes() == true_file.read_bytes()
    assert verify_store(store, full=True) == []
    with Image.open(store.blobs.ensure_display(sha, "窗口无人.jpg")) as shown:
        red, green, _ = shown.convert("RGB").getpixel((10, 10))
        assert red > 150 and green < 80  # the display copy shows the true picture again


def test_a_missing_original_is_named_by_its_photo_not_its_hash(
        store: Store, visit_id: str, tmp_path: Path) -> None:
    sha = _import_one(store, visit_id, _jpeg(tmp_path / "叫号屏.jpg", (30, 30, 200)))
    store.blobs.original_path(sha).unlink()
    store.blobs.display_path(sha).unlink(missing_ok=True)
    with pytest.raises(PhotoError) as info:
        store.blobs.ensure_display(sha, "叫号屏.jpg")
    assert "叫号屏.jpg" in str(info.value) and sha not in str(info.value)
    [problem] = verify_store(store)
    assert "叫号屏.jpg" in problem.message and visit_id in problem.message and sha not in problem.message


def _deep_png(path: Path, width: int, height: int) -> Path:
    """A real 16-bit RGBA PNG: tiny on disk (all zeros compress), huge once decoded."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = bytes(1 + width * 8)
    packer = zlib.compressobj(1)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 16, 6, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
                     + chunk(b"IEND", b""))
    return path


def test_a_16_bit_rgba_png_of_119_megapixels_is_refused_by_its_decoded_size(
        store: Store, visit_id: str, tmp_path: Path) -> None:
    png = _deep_png(tmp_path / "扫描件.png", 10922, 10900)  # 119 MP, under the pixel limit
    assert png.stat().st_size < 5_000_000  # a few MB on disk
    report = evidence.import_photos(store, visit_id, [png])
    [(name, message)] = report.rejected
    assert name == "扫描件.png" and "扫描件.png" in message and "952 MB" in message
    assert not report.added
    originals = store.data_dir / "photos" / "originals"
    assert not originals.exists() or not [p for p in originals.rglob("*") if p.is_file()]
