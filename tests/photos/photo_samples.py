"""Photos made at test time with Pillow: small, with the EXIF a phone would write."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from fieldcheck.photos import BlobStore

MakeJpeg = Callable[..., Path]


def jpeg_bytes(
    size: tuple[int, int] = (400, 200),
    *,
    orientation: int | None = None,
    taken_at: datetime | None = None,
    gps: tuple[str, tuple[float, float, float], str, tuple[float, float, float]] | None = None,
    noisy: bool = False,
) -> bytes:
    """Left half red, right half blue (so orientation is visible), or grey noise if `noisy`."""
    if noisy:
        img = Image.merge("RGB", [Image.effect_noise(size, 60) for _ in range(3)])
    else:
        img = Image.new("RGB", size, (220, 0, 0))
        img.paste((0, 0, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if taken_at is not None:
        exif.get_ifd(0x8769)[0x9003] = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    if gps is not None:
        lat_ref, lat, lon_ref, lon = gps
        exif.get_ifd(0x8825).update({1: lat_ref, 2: _rationals(lat), 3: lon_ref, 4: _rationals(lon)})
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def _rationals(dms: tuple[float, float, float]) -> tuple[IFDRational, ...]:
    return tuple(IFDRational(round(part * 100), 100) for part in dms)


def png_claiming_size(width: int, height: int) -> bytes:
    """A 1×1 PNG whose header claims another size: a decompression bomb in 70 bytes."""
    out = io.BytesIO()
    Image.new("RGB", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    # Signature (8) | IHDR length (4) | b"IHDR" (4) | width, height … (13) | CRC over type+data
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def jpeg_claiming_size(width: int, height: int) -> bytes:
    """A small baseline JPEG whose SOF0 header claims another size."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "grey").save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    # FFC0 | length (2) | precision (1) | height (2) | width (2)
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def store_files(store: BlobStore) -> list[Path]:
    """Every file in the store, temp files included."""
    return sorted(p for p in store.root.rglob("*") if p.is_file()) if store.root.exists() else []
