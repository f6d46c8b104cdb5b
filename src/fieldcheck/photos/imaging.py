"""Opening untrusted image bytes safely and rendering small oriented JPEG previews.

Every check that can be made from the header (format, pixel count) is made before any pixel is
decoded, so a decompression bomb costs a few kilobytes of reading. JPEGs are decoded with
libjpeg's DCT scaling (Pillow's draft mode): a 12 MP photo becomes a 500×375 image for the
thumbnail, and the full-size pixels are never materialised.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import IO, Final

from PIL import Image, ImageFile, UnidentifiedImageError

from fieldcheck.errors import PhotoError
from fieldcheck.i18n import tr

# 120 MP lets every stills camera through (a 100 MP medium-format frame is 102 MP) and stops
# crafted headers such as 30000×30000 (900 MP, 2.7 GB of RGB). JPEGs are decoded at 1/8 or 1/2
# scale, so the real ceiling on memory is set by the non-JPEG formats: ~360 MB for a 120 MP PNG.
MAX_PIXELS: Final = 120_000_000
# Pixels alone understate what a deep image costs: a 16-bit RGBA PNG of 119 MP is 0.95 GB
# decoded. 400 MB admits a 100 MP RGB frame (300 MB) and refuses such files at the header.
MAX_DECODED_BYTES: Final = 400_000_000

THUMBNAIL_SIDE: Final = 256
DISPLAY_SIDE: Final = 1600
JPEG_QUALITY: Final = 85

# Formats a camera, phone or scanner produces. GIF, ICO, PSD… are refused on purpose: they are
# not photographs, and each extra decoder is attack surface for files from unknown sources.
_MIME_BY_FORMAT: Final = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",  # multi-picture JPEG (some phones and 3D cameras): frame 0 is the photo
    "PNG": "image/png",
    "WEBP": "image/webp",
    "TIFF": "image/tiff",
    "BMP": "image/bmp",
}
# What Image.open may try; MPO is not listed because Pillow's JPEG opener returns MPO itself.
ALLOWED_FORMATS: Final = ("JPEG", "PNG", "WEBP", "TIFF", "BMP")

# ftyp brands of HEIF/HEIC, the iPhone's default format; Pillow cannot read it without a plugin,
# so the person gets a hint on how to export a JPEG instead of "not an image".
_HEIF_BRANDS: Final = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"avif")

# EXIF orientation → the transpose that makes the image upright (EXIF 2.32, tag 0x0112).
_UPRIGHT: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# What Pillow raises on a corrupt or truncated stream varies by plugin.
_DECODE_ERRORS: Final = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)


def mime_of(img: Image.Image) -> str:
    return _MIME_BY_FORMAT[img.format or ""]


def swaps_axes(orientation: int) -> bool:
    """Orientations 5–8 rotate by a quarter turn, so the displayed width is the stored height."""
    return orientation in (5, 6, 7, 8)


def open_image(data: bytes, name: str) -> Image.Image:
    """Identify `data` and check its header; nothing is decoded yet."""
    if _looks_like_heif(data):
        raise PhotoError(
            tr("照片 {name} 是 HEIC 格式，暂不支持；请在手机上改用“兼容性最佳”(JPEG)后重新导入", name=name)
        )
    try:
        img = open_lazily(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise _too_large(name) from exc
    except UnidentifiedImageError as exc:
        raise PhotoError(tr("照片 {name} 不是可识别的图片文件", name=name)) from exc
    except _DECODE_ERRORS as exc:
        raise PhotoError(tr("照片 {name} 已损坏，无法读取", name=name)) from exc
    width, height = img.size
    if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
        img.close()
        raise _too_large(name)
    if decoded_bytes(img) > MAX_DECODED_BYTES:
        img.close()
        raise PhotoError(tr("照片 {name} 解码后需要约 {mb} MB 内存（{w}×{h} 像素，每像素 {bpp} 字节），"
                            "超过了 {limit} MB 的上限，未导入。请导出为普通的 JPEG 照片后再导入。",
                            name=name, mb=decoded_bytes(img) // 1_000_000, w=width, h=height,
                            bpp=bytes_per_pixel(img), limit=MAX_DECODED_BYTES // 1_000_000))
    return img


def bytes_per_pixel(img: Image.Image) -> int:
    """What one pixel costs once decoded, at the file's own depth (a 16-bit RGBA PNG: 8)."""
    if img.mode in ("I", "F"):
        return 4
    # The decoder's raw mode tells the file's depth ("RGBA;16B"); the mode alone ("RGBA") hides it.
    raw = " ".join(str(tile[3]) for tile in getattr(img, "tile", None) or [] if len(tile) > 3)
    deep = img.mode.startswith("I;16") or ";16" in raw
    return len(img.getbands()) * (2 if deep else 1)


def decoded_bytes(img: Image.Image) -> int:
    """Memory the full decode takes: width × height × bytes per pixel (JPEGs decode at a
    fraction of their size, see decode_reduced, so this is their ceiling, not their cost)."""
    width, height = img.size
    return width * height * bytes_per_pixel(img)


def open_lazily(source: Path | IO[bytes]) -> Image.Image:
    """Image.open restricted to photo formats; reads the header only."""
    # Our own MAX_PIXELS check replaces Pillow's DecompressionBombWarning; its hard error
    # (at twice its limit) still fires for absurd headers and callers turn it into a message.
    with warnings.catch_warnings(action="ignore", category=Image.DecompressionBombWarning):
        return Image.open(source, formats=ALLOWED_FORMATS)


def decode_reduced(img: Image.Image, long_side: int, name: str) -> Image.Image:
    """Decode `img` at the smallest scale that still covers `long_side`, as RGB or L.

    Decoding the whole stream is also the integrity check: a truncated or corrupt file raises
    here (Pillow refuses truncated data unless ImageFile.LOAD_TRUNCATED_IMAGES is set, which is
    refused below). Call it before anything else that may load pixels (PNG getexif).
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # A global switch some code flips to "repair" images; here it would let a half-copied
        # photo in as evidence, so it is a programming error, not a user's problem.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False in FieldCheck")
    target = _fit(img.size, long_side)
    img.draft("RGB", target)  # JPEG only; a no-op for other formats
    try:
        img.load()
        small = _to_rgb(img)
        if small.size != target:
            # BICUBIC: as sharp as LANCZOS at these sizes for a third less time. reducing_gap
            # lets Pillow shrink big non-JPEG images by whole factors first.
            small = small.resize(target, Image.Resampling.BICUBIC, reducing_gap=3.0)
    except Image.DecompressionBombError as exc:
        raise _too_large(name) from exc
    except _DECODE_ERRORS as exc:
        raise PhotoError(tr("照片 {name} 已损坏或不完整（可能复制中断），未导入", name=name)) from exc
    return small


def encode_upright_jpeg(small: Image.Image, orientation: int) -> bytes:
    """Turn a decoded preview the way EXIF says and encode it as the stored JPEG."""
    transpose = _UPRIGHT.get(orientation)
    if transpose is not None:
        small = small.transpose(transpose)  # after resizing: rotating 50 k pixels, not 12 M
    out = io.BytesIO()
    small.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _fit(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    """The size with the given long side and the same aspect; never enlarges."""
    width, height = size
    scale = min(1.0, long_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _to_rgb(img: Image.Image) -> Image.Image:
    """A mode JPEG can store: RGB or L. Transparency is flattened onto white, as it is printed."""
    if img.mode in ("RGB", "L"):
        return img
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale (scanners, some PNGs): scale to 8 bits instead of clipping to white.
        return img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img.convert("RGB")


def _looks_like_heif(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def _too_large(name: str) -> PhotoError:
    return PhotoError(
        tr("照片 {name} 的像素过多（超过 {limit} 万像素），可能是恶意文件，未导入",
           name=name, limit=MAX_PIXELS // 10_000)
    )
