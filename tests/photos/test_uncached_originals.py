"""Originals go to the disk past the page cache (Linux direct I/O), byte for byte.

An inspector imports a camera card of 5 MB originals that nobody reads again soon; copied
through the page cache they cost more CPU than the disk's own work and push the app's
database out of memory. What is checked here: every byte arrives at every size, the original
really is not left in the cache (read back with mincore(2), against an ordinary write that
is), a device refusing the alignment gets the ordinary write, and the write buffers stay
bounded and are freed when an import ends.
"""

from __future__ import annotations

import ctypes
import hashlib
import mmap
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest
from photo_samples import jpeg_bytes

from fieldcheck.errors import PhotoError
from fieldcheck.photos import BlobStore, durable
from fieldcheck.photos.batch import ingest_batch
from fieldcheck.photos.durable import publish_staged, stage_durably, write_durably
from fieldcheck.photos.ingest import publish_photo

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="direct I/O is Linux's")


@pytest.fixture
def disk(tmp_path: Path) -> Path:
    """A folder on a disk-backed filesystem (tmpfs keeps every file in memory: nothing to bypass)."""
    kind = subprocess.run(["stat", "-f", "-c", "%T", str(tmp_path)],
                          capture_output=True, text=True, check=True).stdout.strip()
    if kind in ("tmpfs", "ramfs"):
        pytest.skip(f"{tmp_path} is on {kind}, which has no page cache to bypass")
    return tmp_path


@pytest.fixture(autouse=True)
def no_kept_buffers() -> Iterator[None]:
    durable.release_buffers()
    yield
    durable.release_buffers()


def cached_pages(path: Path) -> int:
    """How many of the file's pages the kernel holds in its page cache, by mincore(2)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                          ctypes.c_int, ctypes.c_long]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
    size = path.stat().st_size
    pages = -(-size // mmap.PAGESIZE)
    fd = os.open(path, os.O_RDONLY)
    try:
        address = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        if address in (None, ctypes.c_void_p(-1).value):
            raise OSError(ctypes.get_errno(), "mmap failed")
        try:
            residency = (ctypes.c_ubyte * pages)()
            if libc.mincore(address, size, residency) != 0:
                raise OSError(ctypes.get_errno(), "mincore failed")
            return sum(flag & 1 for flag in residency)
        finally:
            libc.munmap(address, size)
    finally:
        os.close(fd)


def write_uncached(target: Path, data: bytes) -> None:
    publish_staged(stage_durably(target, data, uncached=True), target)


@pytest.mark.parametrize("size", [1, 4095, 4096, 4097, 3 * 4096 + 17, 1 << 20, (5 << 20) + 3])
def test_every_byte_arrives_at_every_size(disk: Path, size: int) -> None:
    data = os.urandom(size)
    target = disk / "originals" / "ab" / "file"

    write_uncached(target, data)

    assert target.read_bytes() == data
    assert [p.name for p in target.parent.iterdir()] == ["file"]  # no temporary file left


def test_an_imported_original_is_not_left_in_the_page_cache(disk: Path) -> None:
    source = disk / "IMG_0001.JPG"
    source.write_bytes(jpeg_bytes((2400, 1800), noisy=True))
    store = BlobStore(disk / "photos")
    ordinary = disk / "ordinary-copy"
    write_durably(ordinary, source.read_bytes())

    with closing(ingest_batch([source], store)) as batch:
        [(_path, staged)] = list(batch)
        assert not isinstance(staged, PhotoError)
        photo = publish_photo(staged, store)

    original = store.original_path(photo.sha256)
    pages = -(-original.stat().st_size // mmap.PAGESIZE)
    assert pages > 50
    # The ordinary write keeps every page cached, which shows the measurement works; the
    # original keeps at most its last, partial page (written the ordinary way).
    assert cached_pages(ordinary) == pages
    assert cached_pages(original) <= 1
    # Evidence: what is stored is exactly what was hashed.
    assert hashlib.sha256(original.read_bytes()).hexdigest() == photo.sha256
    assert original.read_bytes() == source.read_bytes()


def test_a_device_refusing_the_alignment_gets_the_ordinary_write(
        disk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Asking for 256-byte blocks where the device's smallest is 512 makes the kernel refuse
    # the direct write (EINVAL) after it accepted direct I/O at open, as a device with 4 KiB
    # sectors refuses 512-byte alignment. The file must come out whole, the ordinary way.
    monkeypatch.setattr(durable, "_DIRECT_ALIGN", 256)
    data = os.urandom(256 * 5)
    target = disk / "refused"

    write_uncached(target, data)

    assert target.read_bytes() == data
    assert cached_pages(target) == 1  # went through the page cache
    assert [p.name for p in disk.iterdir()] == ["refused"]


def test_the_write_buffers_stay_bounded_and_go_when_the_import_ends(disk: Path) -> None:
    sizes = [(n << 20) + 4096 * n + 7 for n in range(1, 13)]  # 1 to 12 MiB, all different

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: write_uncached(disk / f"f{n}", os.urandom(sizes[n])),
                      range(len(sizes))))

    assert 0 < durable.kept_buffer_bytes() <= 32 << 20
    for n, size in enumerate(sizes):
        assert (disk / f"f{n}").stat().st_size == size

    source = disk / "IMG_0002.JPG"
    source.write_bytes(jpeg_bytes((1600, 1200), noisy=True))
    store = BlobStore(disk / "photos")
    with closing(ingest_batch([source], store)) as batch:
        for _path, staged in batch:
            assert not isinstance(staged, PhotoError)
            publish_photo(staged, store)
    assert durable.kept_buffer_bytes() == 0


def test_without_direct_io_the_ordinary_write_is_used(
        disk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Windows and macOS have no O_DIRECT; the constant is 0 there, as forced here.
    monkeypatch.setattr(durable, "_O_DIRECT", 0)
    data = os.urandom(64 * 4096 + 5)
    target = disk / "plain"

    write_uncached(target, data)

    assert target.read_bytes() == data
    assert cached_pages(target) == 65
    assert durable.kept_buffer_bytes() == 0


@pytest.fixture
def four_k_disk(tmp_path: Path) -> Iterator[Path]:
    """An ext4 file system on a loop device with 4 KiB logical sectors (root and loop devices
    needed; skipped where they are not to be had)."""
    if os.geteuid() != 0 or not Path("/dev/loop-control").exists():
        pytest.skip("needs root and loop devices to attach a 4 KiB-sector disk")
    image, mount_point = tmp_path / "disk.img", tmp_path / "4k"
    mount_point.mkdir()
    with image.open("wb") as f:
        f.truncate(64 << 20)
    made = subprocess.run(["mkfs.ext4", "-q", "-F", "-b", "4096", str(image)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot make an ext4 file system here: {made.stderr.decode(errors='replace')}")
    attached = subprocess.run(["losetup", "-f", "--show", "--sector-size", "4096", str(image)],
                              capture_output=True, text=True)
    if attached.returncode != 0:
        pytest.skip(f"cannot attach a loop device here: {attached.stderr.strip()}")
    device = attached.stdout.strip()
    try:
        if subprocess.run(["mount", device, str(mount_point)], capture_output=True).returncode != 0:
            pytest.skip("cannot mount the loop device here")
        try:
            yield mount_point
        finally:
            subprocess.run(["umount", str(mount_point)], check=False)
    finally:
        subprocess.run(["losetup", "-d", device], check=False)


@pytest.mark.parametrize("size", [4095, 4096, 4097, (5 << 20) + 3])
def test_a_disk_with_4k_sectors_takes_originals_whole_and_uncached(four_k_disk: Path, size: int) -> None:
    data = os.urandom(size)
    target = four_k_disk / "originals" / "ab" / "file"

    write_uncached(target, data)

    assert cached_pages(target) <= 1  # before reading it back, which fills the cache
    assert target.read_bytes() == data
