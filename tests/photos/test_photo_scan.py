"""scan_photos: proposing a visit's photos from a camera card by their EXIF time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from photo_samples import jpeg_bytes

from fieldcheck.photos import scan_photos

VISIT_START = datetime(2024, 5, 1, 9, 0)
VISIT_END = datetime(2024, 5, 1, 11, 0)


@pytest.fixture
def card(tmp_path: Path) -> Path:
    """A phone's DCIM tree with photos around a 09:00–11:00 visit and the usual clutter."""
    root = tmp_path / "card"
    photos = {
        "DCIM/100APPLE/IMG_0001.JPG": datetime(2024, 5, 1, 8, 40),  # before, beyond slack
        "DCIM/100APPLE/IMG_0002.JPG": datetime(2024, 5, 1, 8, 55),  # within slack
        "DCIM/100APPLE/IMG_0003.JPG": datetime(2024, 5, 1, 10, 0),
        "DCIM/101APPLE/IMG_0004.jpg": datetime(2024, 5, 1, 11, 5),  # within slack
        "DCIM/101APPLE/IMG_0005.JPG": datetime(2024, 5, 2, 10, 0),  # next day
        "Pictures/deep/er/scan.jpeg": datetime(2024, 5, 1, 9, 30),
        ".Trashes/501/IMG_0006.JPG": datetime(2024, 5, 1, 10, 0),  # deleted on the phone
    }
    for relative, taken_at in photos.items():
        _write(root / relative, jpeg_bytes((32, 16), taken_at=taken_at))
    _write(root / "DCIM/100APPLE/IMG_0007.JPG", jpeg_bytes((32, 16)))  # no EXIF time
    _write(root / "DCIM/100APPLE/IMG_0008.MOV", b"\x00\x00\x00\x14ftypqt  " + bytes(100))
    _write(root / "DCIM/100APPLE/._IMG_0003.JPG", b"\x00\x05\x16\x07AppleDouble")
    _write(root / "DCIM/100APPLE/notes.txt", "现场记录".encode())
    _write(root / "DCIM/100APPLE/fake.jpg", b"not a photo at all")
    _write(root / "DCIM/100APPLE/empty.jpg", b"")
    return root


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _names(found: list[tuple[Path, datetime]]) -> list[str]:
    return [path.name for path, _ in found]


def test_photos_in_the_window_plus_slack_sorted_by_time(card: Path) -> None:
    found = scan_photos([card], VISIT_START, VISIT_END)

    assert _names(found) == ["IMG_0002.JPG", "scan.jpeg", "IMG_0003.JPG", "IMG_0004.jpg"]
    assert found[0] == (card / "DCIM/100APPLE/IMG_0002.JPG", datetime(2024, 5, 1, 8, 55))


def test_slack_can_be_narrowed(card: Path) -> None:
    found = scan_photos([card], VISIT_START, VISIT_END, slack=timedelta(0))

    assert _names(found) == ["scan.jpeg", "IMG_0003.JPG"]


def test_files_and_folders_can_be_mixed_and_are_listed_once(card: Path) -> None:
    one_file = card / "DCIM/100APPLE/IMG_0003.JPG"

    found = scan_photos([one_file, card / "DCIM", one_file], VISIT_START, VISIT_END)

    assert _names(found) == ["IMG_0002.JPG", "IMG_0003.JPG", "IMG_0004.jpg"]


@pytest.mark.usefixtures("in_beijing")
def test_aware_bounds_are_compared_in_local_time(card: Path) -> None:
    # 01:00–03:00 UTC is 09:00–11:00 on the phone's (Beijing) clock.
    start = datetime(2024, 5, 1, 1, 0, tzinfo=UTC)
    end = datetime(2024, 5, 1, 3, 0, tzinfo=UTC)

    assert _names(scan_photos([card], start, end)) == _names(
        scan_photos([card], VISIT_START, VISIT_END)
    )


def test_missing_folder_gives_nothing(tmp_path: Path) -> None:
    assert scan_photos([tmp_path / "no-card"], VISIT_START, VISIT_END) == []
