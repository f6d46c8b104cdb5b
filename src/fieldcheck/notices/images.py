"""Seal and signature images: checked to be real PNGs (with Pillow) before they reach a PDF."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from reportlab.lib.utils import ImageReader

from fieldcheck.i18n import tr
from fieldcheck.notices.errors import NoticeError


@dataclass(frozen=True, eq=False)
class PngImage:
    reader: ImageReader
    width: int  # pixels
    height: int

    def fit(self, max_width: float, max_height: float) -> tuple[float, float]:
        """Drawn size in points keeping the aspect ratio inside the box."""
        scale = min(max_width / self.width, max_height / self.height)
        return self.width * scale, self.height * scale


def read_png(data: bytes, what: str) -> PngImage:
    """Decode `data` as PNG or raise NoticeError naming `what` (e.g. 印章图片 path)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            size = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise NoticeError(tr("{what}不是有效的 PNG 图片（{reason}）。请重新选择透明背景的 PNG 文件。",
                             what=what, reason=exc)) from exc
    if kind != "PNG":
        raise NoticeError(tr("{what}是 {kind} 格式，不是 PNG。请使用透明背景的 PNG 文件。",
                             what=what, kind=kind or tr("未知")))
    if min(size) < 1:
        raise NoticeError(tr("{what}是空白图片。", what=what))
    return PngImage(ImageReader(io.BytesIO(data)), size[0], size[1])


def load_seal(path: Path) -> PngImage:
    """The configured 印章 image, cached while the file is unchanged."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise NoticeError(tr("找不到印章图片 {path}，请在设置中重新选择。", path=path)) from exc
    return _load_seal(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load_seal(path: str, _mtime: int, _size: int) -> PngImage:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise NoticeError(tr("印章图片 {path} 无法读取：{reason}", path=path, reason=exc)) from exc
    return read_png(data, tr("印章图片 {path} ", path=path))
