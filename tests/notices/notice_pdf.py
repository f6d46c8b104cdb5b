"""Read rendered notices back with pdfplumber; small image factories for seals and scans."""

from __future__ import annotations

import io
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from PIL import Image, ImageDraw

from fieldcheck.notices import NoticeContent, NoticeSettings
from fieldcheck.notices import sample_settings as _sample_settings

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT, RIGHT = 28 * MM, (210 - 26) * MM
TOP, BOTTOM = 37 * MM, (297 - 35) * MM
TOLERANCE = 1 * MM
# GB/T 15834: never at a line start / never at a line end.
NO_START = set("。，、；：？！）》」』】〕”’")
NO_END = set("（《「『【〔“‘")
RED = (1, 0, 0)


@dataclass
class TextLine:
    page: int
    baseline: float  # from the page top
    size: float
    chars: list[dict[str, Any]]

    @property
    def top(self) -> float:
        return min(c["top"] for c in self.chars)

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def x0(self) -> float:
        return min(c["x0"] for c in self.chars)

    @property
    def x1(self) -> float:
        return max(c["x1"] for c in self.chars)

    def cells(self) -> float:
        """Grid cells used: a wide character one cell, a Latin letter or digit half."""
        return sum(0.5 if c["text"].isascii() else 1.0 for c in self.chars)


class Pdf:
    """A rendered notice opened with pdfplumber, with its characters grouped into lines."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            self.pages = [
                {"chars": list(p.chars), "lines": list(p.lines), "rects": list(p.rects),
                 "images": list(p.images), "curves": list(p.curves)}
                for p in pdf.pages
            ]

    def chars(self, page: int | None = None, size: float | None = None) -> list[dict[str, Any]]:
        pages = range(len(self.pages)) if page is None else [page]
        out = []
        for k in pages:
            for c in self.pages[k]["chars"]:
                if size is None or math.isclose(c["size"], size, abs_tol=0.05):
                    out.append({**c, "page": k})
        return out

    def lines(self, size: float, page: int | None = None) -> list[TextLine]:
        """Characters of one size grouped by page and baseline, left to right."""
        groups: dict[tuple[int, float], list[dict[str, Any]]] = defaultdict(list)
        for c in self.chars(page, size):
            groups[(c["page"], round(PAGE_H - c["matrix"][5], 1))].append(c)
        return [TextLine(p, baseline, size, sorted(cs, key=lambda c: c["x0"]))
                for (p, baseline), cs in sorted(groups.items())]

    def body_lines(self, page: int | None = None) -> list[TextLine]:
        """三号 lines inside the text area (the 文号 and signoff included)."""
        return [ln for ln in self.lines(16.0, page) if ln.text.strip()]

    def text(self) -> str:
        return "".join(c["text"] for c in self.chars())


def is_red(color: Any) -> bool:
    return isinstance(color, tuple | list) and len(color) == 3 and all(
        math.isclose(a, b, abs_tol=0.05) for a, b in zip(color, RED, strict=True))


def render(content: NoticeContent, settings: NoticeSettings | None = None) -> Pdf:
    from fieldcheck.notices import render_notice

    return Pdf(render_notice(content, settings or _sample_settings()))


def seal_png(path: Path, size: int = 400) -> Path:
    """A red ring with a star on a transparent background, like a scanned 印章."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (220, 20, 30, 235)
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=14)
    centre = size / 2
    points = [(centre + (60 if k % 2 == 0 else 24) * math.cos(-math.pi / 2 + k * math.pi / 5),
               centre + (60 if k % 2 == 0 else 24) * math.sin(-math.pi / 2 + k * math.pi / 5))
              for k in range(10)]
    draw.polygon(points, fill=red)
    image.save(path, format="PNG")
    return path


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 0, 0)).save(buffer, format="JPEG")
    return buffer.getvalue()
