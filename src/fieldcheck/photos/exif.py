"""The few EXIF facts an inspection needs: when, where, and which way up.

Cameras and phone apps write EXIF loosely (odd separators, blank dates, zero denominators,
missing refs), so every reader here returns None instead of raising on a malformed value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from PIL import Image

from fieldcheck.photos.imaging import open_lazily

_ORIENTATION: Final = 0x0112
_DATETIME: Final = 0x0132
_EXIF_IFD: Final = 0x8769
_GPS_IFD: Final = 0x8825
_DATETIME_ORIGINAL: Final = 0x9003
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4

# "2024:05:01 10:30:00" per the standard; "2024-05-01T10:30:00" from some apps.
_DATE_RE: Final = re.compile(r"\s*(\d{4})[:\-/](\d{2})[:\-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")


@dataclass(frozen=True)
class PhotoExif:
    taken_at: datetime | None  # naive: the camera's local clock, as written
    gps_lat: float | None
    gps_lon: float | None
    orientation: int  # 1..8


def read_photo_exif(img: Image.Image) -> PhotoExif:
    """Parse EXIF from an opened (not necessarily decoded) image."""
    try:
        exif = img.getexif()
    except (OSError, SyntaxError, ValueError, TypeError, KeyError):
        return PhotoExif(None, None, None, 1)
    lat, lon = _gps(exif)
    return PhotoExif(_taken_at(exif), lat, lon, _orientation(exif))


def read_taken_at(path: Path) -> datetime | None:
    """When the photo at `path` was taken, reading only its header; None if unknown or not an image.

    Meant for scanning folders and camera cards: it never decodes pixels and never raises.
    """
    try:
        with open_lazily(path) as img:
            # PngImageFile.getexif() decodes every pixel to look for an eXIf chunk after
            # them; a scan settles for the chunk before the pixels, where writers put it.
            if img.format == "PNG" and "exif" not in img.info:
                return None
            return _taken_at(img.getexif())
    except Exception:  # any unreadable or foreign file simply has no known time
        return None


def _taken_at(exif: Image.Exif) -> datetime | None:
    # DateTimeOriginal belongs in the Exif IFD; some writers put it in IFD0. DateTime (0x0132)
    # is the last-modified time, the best fallback when the original moment is missing.
    exif_ifd = _sub_ifd(exif, _EXIF_IFD)
    for value in (exif_ifd.get(_DATETIME_ORIGINAL), exif.get(_DATETIME_ORIGINAL), exif.get(_DATETIME)):
        parsed = parse_exif_datetime(value)
        if parsed is not None:
            return parsed
    return None


def parse_exif_datetime(value: object) -> datetime | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    match = _DATE_RE.match(value)
    if match is None:
        return None  # blank "    :  :     :  :  " from cameras whose clock was never set
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None  # "0000:00:00 00:00:00"


def _orientation(exif: Image.Exif) -> int:
    value = exif.get(_ORIENTATION)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    gps = _sub_ifd(exif, _GPS_IFD)
    lat = _signed_degrees(gps.get(_GPS_LAT), gps.get(_GPS_LAT_REF), "S", 90.0)
    lon = _signed_degrees(gps.get(_GPS_LON), gps.get(_GPS_LON_REF), "W", 180.0)
    if lat is None or lon is None:
        return None, None  # half a position is no position
    return lat, lon


def _signed_degrees(dms: object, ref: object, negative_ref: str, limit: float) -> float | None:
    """(degrees, minutes, seconds) rationals plus an N/S or E/W ref → signed decimal degrees."""
    if not isinstance(dms, tuple | list) or not 1 <= len(dms) <= 3:
        return None
    try:
        parts = [float(part) for part in dms]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = sum((part / 60.0**i for i, part in enumerate(parts)), 0.0)
    if not math.isfinite(degrees) or not 0.0 <= degrees <= limit:
        return None  # zero denominators come through as NaN
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if isinstance(ref, str) and ref.strip("\x00 ").upper() == negative_ref:
        return -degrees
    return degrees


def _sub_ifd(exif: Image.Exif, tag: int) -> dict[int, object]:
    try:
        return dict(exif.get_ifd(tag))
    except (OSError, SyntaxError, ValueError, TypeError, KeyError):
        return {}
