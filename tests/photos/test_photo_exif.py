"""EXIF readers: tolerant of what real cameras write, never raising on junk."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from photo_samples import MakeJpeg
from PIL import Image, ImageFile
from PIL.TiffImagePlugin import IFDRational

from fieldcheck.photos import read_taken_at
from fieldcheck.photos.exif import parse_exif_datetime, read_photo_exif


def _exif_of(exif: Image.Exif) -> Image.Image:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG", exif=exif)
    return Image.open(io.BytesIO(out.getvalue()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024:05:01 10:30:15", datetime(2024, 5, 1, 10, 30, 15)),
        ("2024:05:01 10:30:15\x00", datetime(2024, 5, 1, 10, 30, 15)),
        ("2024-05-01T10:30:15", datetime(2024, 5, 1, 10, 30, 15)),
        (b"2024:05:01 10:30:15", datetime(2024, 5, 1, 10, 30, 15)),
        ("    :  :     :  :  ", None),
        ("0000:00:00 00:00:00", None),
        ("2024:13:45 99:00:00", None),
        (None, None),
        (20240501, None),
    ],
)
def test_exif_datetime_forms(text: object, expected: datetime | None) -> None:
    assert parse_exif_datetime(text) == expected


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)))
def test_exif_datetime_round_trips(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    assert parse_exif_datetime(moment.strftime("%Y:%m:%d %H:%M:%S")) == moment


@given(st.text() | st.binary())
def test_exif_datetime_never_raises(junk: str | bytes) -> None:
    parse_exif_datetime(junk)


def test_datetime_falls_back_to_ifd0_datetime() -> None:
    exif = Image.Exif()
    exif[0x0132] = "2023:12:31 23:59:58"

    assert read_photo_exif(_exif_of(exif)).taken_at == datetime(2023, 12, 31, 23, 59, 58)


def test_datetime_original_wins_over_datetime() -> None:
    exif = Image.Exif()
    exif[0x0132] = "2023:12:31 23:59:58"  # last edited
    exif.get_ifd(0x8769)[0x9003] = "2023:06:01 08:00:00"  # taken

    assert read_photo_exif(_exif_of(exif)).taken_at == datetime(2023, 6, 1, 8, 0, 0)


def test_gps_north_east_is_positive() -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({
        1: "N", 2: (IFDRational(39), IFDRational(54), IFDRational(27)),
        3: "E", 4: (IFDRational(116), IFDRational(23), IFDRational(30)),
    })

    facts = read_photo_exif(_exif_of(exif))

    assert facts.gps_lat == pytest.approx(39.9075)
    assert facts.gps_lon == pytest.approx(116.391667)


def test_gps_with_zero_denominator_or_half_missing_is_no_position() -> None:
    broken = Image.Exif()
    broken.get_ifd(0x8825).update({
        1: "N", 2: (IFDRational(39, 0), IFDRational(0), IFDRational(0)),
        3: "E", 4: (IFDRational(116), IFDRational(0), IFDRational(0)),
    })
    half = Image.Exif()
    half.get_ifd(0x8825).update({1: "N", 2: (IFDRational(39), IFDRational(0), IFDRational(0))})

    for exif in (broken, half):
        facts = read_photo_exif(_exif_of(exif))
        assert (facts.gps_lat, facts.gps_lon) == (None, None)


@pytest.mark.parametrize(("stored", "read"), [(None, 1), (3, 3), (8, 8), (0, 1), (9, 1)])
def test_orientation_outside_1_to_8_counts_as_upright(stored: int | None, read: int) -> None:
    exif = Image.Exif()
    if stored is not None:
        exif[0x0112] = stored

    assert read_photo_exif(_exif_of(exif)).orientation == read


def test_read_taken_at_reads_a_photo(make_jpeg: MakeJpeg) -> None:
    path = make_jpeg(taken_at=datetime(2024, 5, 1, 9, 0, 0))

    assert read_taken_at(path) == datetime(2024, 5, 1, 9, 0, 0)


@pytest.mark.parametrize("content", [b"", b"not an image", b"\xff\xd8\xff\xe1junk"])
def test_read_taken_at_of_a_non_photo_is_none(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.jpg"
    path.write_bytes(content)

    assert read_taken_at(path) is None
    assert read_taken_at(tmp_path / "missing.jpg") is None


def test_read_taken_at_never_decodes_pixels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_exif = Image.Exif()
    with_exif[0x0112] = 1  # Pillow writes no PNG eXIf chunk for an Exif with an empty IFD0
    with_exif.get_ifd(0x8769)[0x9003] = "2024:05:01 10:30:00"
    Image.new("RGB", (64, 64)).save(tmp_path / "a.png", exif=with_exif)
    Image.new("RGB", (64, 64)).save(tmp_path / "b.png")
    Image.new("RGB", (64, 64)).save(tmp_path / "c.jpg", exif=with_exif)

    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)

    assert read_taken_at(tmp_path / "a.png") == datetime(2024, 5, 1, 10, 30)
    assert read_taken_at(tmp_path / "b.png") is None
    assert read_taken_at(tmp_path / "c.jpg") == datetime(2024, 5, 1, 10, 30)
