"""BlobStore: layout, integrity check, lazy display copies, temp clean-up, a really full disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from photo_samples import MakeJpeg, jpeg_bytes, store_files
from PIL import Image

from fieldcheck.errors import PhotoError
from fieldcheck.photos import DISPLAY_SIDE, BlobStore, ingest_photo
from fieldcheck.photos.durable import write_durably

SHA = "ab" + "0" * 62


def test_paths_fan_out_by_the_first_two_hex_digits(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)

    assert store.original_path(SHA) == tmp_path / "originals" / "ab" / SHA
    assert store.thumbnail_path(SHA) == tmp_path / "thumbs" / "ab" / f"{SHA}.jpg"
    assert store.display_path(SHA) == tmp_path / "display" / "ab" / f"{SHA}.jpg"


@pytest.mark.parametrize("bad", ["../../etc/passwd", "AB" + "0" * 62, "ab", ""])
def test_a_value_that_is_not_a_hash_never_becomes_a_path(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        BlobStore(tmp_path).original_path(bad)


def test_verify_notices_a_changed_or_missing_original(make_jpeg: MakeJpeg, store: BlobStore) -> None:
    photo = ingest_photo(make_jpeg(), store)
    original = store.original_path(photo.sha256)
    assert store.verify(photo.sha256)

    original.write_bytes(original.read_bytes() + b"\x00")
    assert not store.verify(photo.sha256)

    original.unlink()
    assert not store.verify(photo.sha256)
    assert not store.has(photo.sha256)


def test_display_copy_is_made_lazily_once_and_upright(make_jpeg: MakeJpeg, store: BlobStore) -> None:
    photo = ingest_photo(make_jpeg(size=(2400, 1200), orientation=6), store)
    target = store.display_path(photo.sha256)
    assert not target.exists()

    assert store.ensure_display(photo.sha256) == target
    with Image.open(target) as display:
        assert display.size == (DISPLAY_SIDE // 2, DISPLAY_SIDE)
        assert display.convert("RGB").getpixel((400, 20))[0] > 150  # red half on top

    made = target.stat().st_mtime_ns
    assert store.ensure_display(photo.sha256) == target
    assert target.stat().st_mtime_ns == made


def test_small_photo_is_not_enlarged_for_display(make_jpeg: MakeJpeg, store: BlobStore) -> None:
    photo = ingest_photo(make_jpeg(size=(400, 200)), store)

    with Image.open(store.ensure_display(photo.sha256)) as display:
        assert display.size == (400, 200)


def test_display_of_a_missing_original_is_a_photo_error(store: BlobStore) -> None:
    with pytest.raises(PhotoError, match="大厅.jpg"):  # named by the photo, not its hash
        store.ensure_display(SHA, "大厅.jpg")


def test_cleanup_removes_only_stale_temps(store: BlobStore, make_jpeg: MakeJpeg) -> None:
    photo = ingest_photo(make_jpeg(), store)
    folder = store.original_path(photo.sha256).parent
    stale, fresh = folder / ".tmp-stale", folder / ".tmp-fresh"
    stale.write_bytes(b"half a photo")
    fresh.write_bytes(b"being written right now")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))

    assert store.cleanup_temp() == 1

    assert not stale.exists() and fresh.exists()
    assert store.verify(photo.sha256)
    assert store.thumbnail_path(photo.sha256).exists()


def test_cleanup_of_an_empty_store_does_nothing(tmp_path: Path) -> None:
    assert BlobStore(tmp_path / "never-used").cleanup_temp() == 0


def test_durable_write_replaces_atomically_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "new" / "folder" / "file.bin"

    write_durably(target, b"first")
    write_durably(target, b"second")

    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["file.bin"]


# --- a real full disk: a 64 KiB tmpfs (Linux, root only; skipped elsewhere) --------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root on Linux to mount a size-limited tmpfs")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "fieldcheck-test", str(mount_point)],
        capture_output=True, check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_really_full_disk_is_reported_and_leaves_nothing(tmp_path: Path, tiny_disk: Path) -> None:
    store = BlobStore(tiny_disk / "photos")
    source = tmp_path / "IMG_0100.JPG"
    source.write_bytes(jpeg_bytes((640, 480), noisy=True))
    assert source.stat().st_size > 64 * 1024

    with pytest.raises(PhotoError, match="磁盘空间已满") as caught:
        ingest_photo(source, store)

    assert "IMG_0100.JPG" in str(caught.value)
    assert store_files(store) == []
