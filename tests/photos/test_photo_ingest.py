"""ingest_photo: evidence kept byte for byte, bad files refused with a message, nothing half-done."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import subprocess
import sys
import textwrap
import warnings
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from photo_samples import MakeJpeg, jpeg_bytes, jpeg_claiming_size, png_claiming_size, store_files
from PIL import Image, ImageFile

from fieldcheck.errors import PhotoError
from fieldcheck.photos import (
    MAX_PIXELS,
    THUMBNAIL_SIDE,
    BlobStore,
    ingest_photo,
    ingest_photo_bytes,
)
from fieldcheck.photos import durable as durable_module


def test_original_is_kept_byte_for_byte_under_its_hash(make_jpeg: MakeJpeg, store: BlobStore) -> None:
    source = make_jpeg("IMG_0001.JPG", size=(400, 200))
    data = source.read_bytes()

    photo = ingest_photo(source, store)

    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert store.original_path(photo.sha256).read_bytes() == data
    assert (photo.original_name, photo.size, photo.mime) == ("IMG_0001.JPG", len(data), "image/jpeg")
    assert (photo.width, photo.height, photo.orientation) == (400, 200, 1)
    assert photo.duplicate is False
    assert store.has(photo.sha256) and store.verify(photo.sha256)


def test_thumbnail_is_made_at_ingest_and_turned_upright(make_jpeg: MakeJpeg, store: BlobStore) -> None:
    # Orientation 6: the stored image must be turned 90° clockwise, so its left (red) half
    # ends up on top and the displayed photo is portrait.
    photo = ingest_photo(make_jpeg(size=(400, 200), orientation=6), store)

    assert (photo.width, photo.height, photo.orientation) == (200, 400, 6)
    with Image.open(store.thumbnail_path(photo.sha256)) as thumb:
        assert thumb.format == "JPEG"
        assert thumb.size == (THUMBNAIL_SIDE // 2, THUMBNAIL_SIDE)
        top, bottom = thumb.convert("RGB").getpixel((64, 10)), thumb.convert("RGB").getpixel((64, 245))
    assert top[0] > 150 and top[2] < 80  # red
    assert bottom[2] > 150 and bottom[0] < 80  # blue
    assert not store.display_path(photo.sha256).exists()  # made lazily, on first view


def test_exif_time_and_gps_are_read(make_jpeg: MakeJpeg, store: BlobStore) -> None:
    source = make_jpeg(
        taken_at=datetime(2024, 5, 1, 10, 30, 15),
        gps=("S", (33.0, 52.0, 4.2), "W", (151.0, 12.0, 36.0)),
    )

    photo = ingest_photo(source, store)

    assert photo.taken_at == datetime(2024, 5, 1, 10, 30, 15)
    assert photo.gps_lat == pytest.approx(-(33 + 52 / 60 + 4.2 / 3600))
    assert photo.gps_lon == pytest.approx(-(151 + 12 / 60 + 36 / 3600))


def test_photo_without_exif_has_no_time_or_place(make_jpeg: MakeJpeg, store: BlobStore) -> None:
    photo = ingest_photo(make_jpeg(), store)

    assert (photo.taken_at, photo.gps_lat, photo.gps_lon) == (None, None, None)


def test_same_bytes_twice_is_a_duplicate_and_writes_nothing(
    make_jpeg: MakeJpeg, store: BlobStore
) -> None:
    first = ingest_photo(make_jpeg("a.jpg", orientation=6), store)
    files_before = {p: p.stat().st_mtime_ns for p in store_files(store)}
    copy = make_jpeg("copy-from-phone.jpg", orientation=6)

    second = ingest_photo(copy, store)

    assert second.duplicate is True
    assert second.sha256 == first.sha256
    assert second.original_name == "copy-from-phone.jpg"
    assert (second.width, second.height) == (first.width, first.height)
    assert {p: p.stat().st_mtime_ns for p in store_files(store)} == files_before


def test_duplicate_repairs_a_thumbnail_lost_in_a_crash(make_jpeg: MakeJpeg, store: BlobStore) -> None:
    source = make_jpeg()
    photo = ingest_photo(source, store)
    store.thumbnail_path(photo.sha256).unlink()

    again = ingest_photo(source, store)

    assert again.duplicate is True
    assert store.thumbnail_path(photo.sha256).is_file()


def test_png_with_transparency_is_accepted(tmp_path: Path, store: BlobStore) -> None:
    source = tmp_path / "screenshot.png"
    Image.new("RGBA", (300, 120), (0, 0, 0, 0)).save(source)

    photo = ingest_photo(source, store)

    assert (photo.mime, photo.width, photo.height) == ("image/png", 300, 120)
    with Image.open(store.thumbnail_path(photo.sha256)) as thumb:
        assert thumb.convert("RGB").getpixel((5, 5)) == (255, 255, 255)  # flattened onto white


def test_16_bit_greyscale_png_gets_a_thumbnail(tmp_path: Path, store: BlobStore) -> None:
    source = tmp_path / "scan.png"
    Image.new("I;16", (300, 100), 40_000).save(source)

    photo = ingest_photo(source, store)

    with Image.open(store.thumbnail_path(photo.sha256)) as thumb:
        assert thumb.size == (256, 85)
        assert 150 < thumb.getpixel((10, 10)) < 160  # 40000 / 256, not clipped to white


# --- refused files: a clear message naming the file, and nothing left in the store -------------


def _refused(source: Path, store: BlobStore) -> str:
    with pytest.raises(PhotoError) as caught:
        ingest_photo(source, store)
    message = str(caught.value)
    assert source.name in message
    assert store_files(store) == []
    return message


def test_text_file_named_jpg_is_refused(tmp_path: Path, store: BlobStore) -> None:
    source = tmp_path / "IMG_0002.JPG"
    source.write_text("这不是照片", encoding="utf-8")

    assert "不是可识别的图片文件" in _refused(source, store)


def test_heic_gets_a_hint_to_export_jpeg(tmp_path: Path, store: BlobStore) -> None:
    source = tmp_path / "IMG_0003.HEIC"
    source.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64))

    assert "HEIC" in _refused(source, store)


@pytest.mark.parametrize("keep", [0.5, 0.95])
def test_truncated_jpeg_is_refused(tmp_path: Path, store: BlobStore, keep: float) -> None:
    data = jpeg_bytes((640, 480), noisy=True)
    source = tmp_path / "IMG_0004.JPG"
    source.write_bytes(data[: int(len(data) * keep)])

    assert "不完整" in _refused(source, store)


def test_jpeg_missing_only_its_end_marker_is_refused(tmp_path: Path, store: BlobStore) -> None:
    data = jpeg_bytes((640, 480), noisy=True)
    assert data.endswith(b"\xff\xd9")
    source = tmp_path / "IMG_0005.JPG"
    source.write_bytes(data[:-2])

    _refused(source, store)


def test_empty_file_is_refused(tmp_path: Path, store: BlobStore) -> None:
    source = tmp_path / "IMG_0006.JPG"
    source.touch()

    assert "空文件" in _refused(source, store)


def test_missing_file_is_refused(tmp_path: Path, store: BlobStore) -> None:
    assert "无法读取" in _refused(tmp_path / "IMG_0007.JPG", store)


def test_folder_is_refused(tmp_path: Path, store: BlobStore) -> None:
    folder = tmp_path / "DCIM.jpg"
    folder.mkdir()

    _refused(folder, store)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bomb.png", png_claiming_size(30_000, 30_000)),
        ("bomb.jpg", jpeg_claiming_size(30_000, 30_000)),
        ("big.png", png_claiming_size(12_000, 12_000)),  # over our limit, under Pillow's error
    ],
)
def test_decompression_bomb_is_refused_from_its_header(
    tmp_path: Path, store: BlobStore, monkeypatch: pytest.MonkeyPatch, name: str, data: bytes
) -> None:
    source = tmp_path / name
    source.write_bytes(data)

    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Pillow's DecompressionBombWarning must not leak out
        message = _refused(source, store)
    assert str(MAX_PIXELS // 10_000) in message


def test_large_but_sane_photo_passes_the_pixel_check(tmp_path: Path, store: BlobStore) -> None:
    # 10000×10000 = 100 MP: over Pillow's warning threshold, under ours. (The 16×16 stream ends
    # in a proper EOI, so libjpeg fills the rest with grey, as for any early-ending scan.)
    source = tmp_path / "medium-format.jpg"
    source.write_bytes(jpeg_claiming_size(10_000, 10_000))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        photo = ingest_photo(source, store)

    assert (photo.width, photo.height) == (10_000, 10_000)
    with Image.open(store.thumbnail_path(photo.sha256)) as thumb:
        assert thumb.size == (256, 256)


# --- full disk -------------------------------------------------------------------------------


def _disk_full_after(calls: int, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    seen = 0

    def write(fd: int, data: bytes) -> int:
        nonlocal seen
        seen += 1
        if seen > calls:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(durable_module.os, "write", write)


@pytest.mark.parametrize("writes_that_fit", [0, 1], ids=["original", "thumbnail"])
def test_full_disk_leaves_no_file_and_no_temp(
    make_jpeg: MakeJpeg, store: BlobStore, monkeypatch: pytest.MonkeyPatch, writes_that_fit: int
) -> None:
    source = make_jpeg("IMG_0008.JPG")
    _disk_full_after(writes_that_fit, monkeypatch)

    message = _refused(source, store)

    assert "磁盘空间已满" in message
    monkeypatch.undo()
    assert ingest_photo(source, store).duplicate is False  # room again: imports normally


def test_killed_mid_write_leaves_only_a_harmless_temp(make_jpeg: MakeJpeg, store: BlobStore) -> None:
    source = make_jpeg()
    # A child process dies between fsync and rename, as on a power cut or kill -9.
    script = textwrap.dedent("""
        import os, sys
        from pathlib import Path
        from fieldcheck.photos import BlobStore, ingest_photo
        os.replace = lambda *args: os._exit(9)
        ingest_photo(Path(sys.argv[1]), BlobStore(Path(sys.argv[2])))
    """)
    child = subprocess.run([sys.executable, "-c", script, str(source), str(store.root)], check=False)
    assert child.returncode == 9

    leftovers = store_files(store)
    # The staged original and the thumbnail's temp file: nothing under a final name.
    assert leftovers and all(p.name.startswith(".tmp-") for p in leftovers)
    assert ingest_photo(source, store).duplicate is False  # the temp is not taken for the photo
    assert store.cleanup_temp(older_than=timedelta(0)) == len(leftovers)
    assert not any(p.name.startswith(".tmp-") for p in store_files(store))


def test_jpeg_thumbnail_is_decoded_once_at_reduced_scale(
    make_jpeg: MakeJpeg, store: BlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_jpeg(size=(4000, 3000))
    decoded_sizes: list[tuple[int, int]] = []
    real_load = ImageFile.ImageFile.load

    def load(self: ImageFile.ImageFile) -> object:
        if self.tile:  # later calls are no-ops once the pixels are there
            decoded_sizes.append(self.size)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    ingest_photo(source, store)

    assert decoded_sizes == [(500, 375)]  # draft mode: 1/8 scale, decoded once


def test_thumbnail_is_valid_jpeg(make_jpeg: MakeJpeg, store: BlobStore) -> None:
    photo = ingest_photo(make_jpeg(size=(1200, 900)), store)
    data = store.thumbnail_path(photo.sha256).read_bytes()

    with Image.open(io.BytesIO(data)) as thumb:
        thumb.load()
        assert thumb.size == (256, 192)


def test_truncated_png_is_refused(tmp_path: Path, store: BlobStore) -> None:
    out = io.BytesIO()
    Image.merge("RGB", [Image.effect_noise((300, 200), 60) for _ in range(3)]).save(out, "PNG")
    source = tmp_path / "screenshot.png"
    source.write_bytes(out.getvalue()[: len(out.getvalue()) // 2])

    assert "不完整" in _refused(source, store)


def test_png_exif_orientation_and_time_are_used(tmp_path: Path, store: BlobStore) -> None:
    exif = Image.Exif()
    exif[0x0112] = 8
    exif.get_ifd(0x8769)[0x9003] = "2024:05:01 10:30:00"
    source = tmp_path / "export.png"
    Image.new("RGB", (400, 200), "green").save(source, exif=exif)

    photo = ingest_photo(source, store)

    assert (photo.width, photo.height, photo.orientation) == (200, 400, 8)
    assert photo.taken_at == datetime(2024, 5, 1, 10, 30)
    with Image.open(store.thumbnail_path(photo.sha256)) as thumb:
        assert thumb.size == (128, 256)


def test_truncated_images_switch_is_a_programming_error(
    make_jpeg: MakeJpeg, store: BlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)

    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        ingest_photo(make_jpeg(), store)
    assert store_files(store) == []


# --- bytes already in memory (a photo downloaded by sync) ---------------------------------------


def test_bytes_in_memory_are_stored_as_the_same_file_would_be(
        make_jpeg: MakeJpeg, tmp_path: Path) -> None:
    source = make_jpeg("IMG_0300.JPG", size=(900, 600), orientation=6)
    from_file = ingest_photo(source, BlobStore(tmp_path / "a"))
    from_memory = ingest_photo_bytes(source.read_bytes(), "IMG_0300.JPG", BlobStore(tmp_path / "b"))

    assert from_memory == from_file
    for store in (BlobStore(tmp_path / "a"), BlobStore(tmp_path / "b")):
        assert store.original_path(from_file.sha256).read_bytes() == source.read_bytes()
    assert (BlobStore(tmp_path / "b").thumbnail_path(from_file.sha256).read_bytes()
            == BlobStore(tmp_path / "a").thumbnail_path(from_file.sha256).read_bytes())


@pytest.mark.parametrize("data", [b"", b"not a photo at all", jpeg_bytes((64, 48))[:300]])
def test_bad_bytes_in_memory_are_refused_by_name_and_leave_nothing(
        data: bytes, store: BlobStore) -> None:
    with pytest.raises(PhotoError, match="0123456789ab.jpg"):
        ingest_photo_bytes(data, "0123456789ab.jpg", store)
    assert store_files(store) == []
