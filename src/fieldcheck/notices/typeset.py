"""Shaping (a face and an advance per character) and drawing of justified lines.

A character no font has is drawn as a framed box showing its code point, and recorded, so a
missing glyph is never a silent blank.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfgen.canvas import Canvas

from fieldcheck.notices.fontfiles import FontRole
from fieldcheck.notices.fonts import FontBook, LoadedFont
from fieldcheck.notices.geometry import BLACK, pdf_y
from fieldcheck.notices.linebreak import Line, break_lines

Spans = Sequence[tuple[str, FontRole]]

_LEVEL1 = re.compile(r"^[一二三四五六七八九十百]+、")  # 一、 黑体
_LEVEL2 = re.compile(r"^（[一二三四五六七八九十百]+）")  # （一） 楷体


def heading_spans(paragraph: str) -> list[tuple[str, FontRole]]:
    """GB/T 9704 结构层次: 一、 in 黑体, （一） in 楷体, 1. and （1） in 仿宋; never bold.

    A heading runs to its first 。 (or the paragraph's end); the text after it is body text.
    """
    role = None
    if _LEVEL1.match(paragraph):
        role = FontRole.HEITI
    elif _LEVEL2.match(paragraph):
        role = FontRole.KAITI
    if role is None:
        return [(paragraph, FontRole.FANGSONG)]
    stop = paragraph.find("。")
    cut = len(paragraph) if stop < 0 else stop + 1
    spans = [(paragraph[:cut], role)]
    if cut < len(paragraph):
        spans.append((paragraph[cut:], FontRole.FANGSONG))
    return spans


def is_heading_only(spans: Spans) -> bool:
    """A 一、/（一） heading standing as its own paragraph (no body text after it)."""
    return len(spans) == 1 and spans[0][1] in (FontRole.HEITI, FontRole.KAITI)


def clean_text(text: str) -> str:
    """Whitespace becomes a plain space (ideographic space kept); invisible controls and
    format characters (zero-width space, BOM) are dropped, since no font draws them."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isspace():
            out.append(ch if ch == "\u3000" else " ")
        elif unicodedata.category(ch) not in ("Cc", "Cf"):
            out.append(ch)
    return "".join(out)


@dataclass
class Shaped:
    """A run of text with a resolved face (None: no face has it) and advance per character."""

    text: str
    fonts: list[LoadedFont | None]
    advances: list[float]
    size: float

    def glyph_width(self, start: int, end: int) -> float:
        return sum(self.advances[start:end])


class Typesetter:
    """Shapes text against one FontBook and draws lines on one canvas."""

    def __init__(self, canvas: Canvas, book: FontBook) -> None:
        self.canvas = canvas
        self.book = book
        self.missing: dict[str, None] = {}  # ordered set of characters without any glyph

    def shape(self, spans: Spans | str, size: float, role: FontRole = FontRole.FANGSONG) -> Shaped:
        """A face and an advance for every character (tabs and stray controls normalised)."""
        if isinstance(spans, str):
            spans = [(spans, role)]
        text: list[str] = []
        fonts: list[LoadedFont | None] = []
        advances: list[float] = []
        for chunk, chunk_role in spans:
            if self.book.configured:  # only a configured face can be CFF
                self.book.prepare(chunk, chunk_role)
            table = self.book.glyph_table(chunk_role, size)
            for ch in clean_text(chunk):
                glyph = table.get(ch)
                if glyph is None:
                    glyph = self.book.glyph(ch, chunk_role, size)
                if glyph[0] is None:
                    self.missing.setdefault(ch)
                text.append(ch)
                fonts.append(glyph[0])
                advances.append(glyph[1])
        return Shaped("".join(text), fonts, advances, size)

    def break_lines(self, shaped: Shaped, width: float, indent: float = 0.0,
                    char_space: float = 0.0, balanced: bool = False) -> list[Line]:
        """Break at `width`; each character also takes the base `char_space` after it.

        `balanced` (titles, centred cells) keeps the line count but evens out the lengths,
        so a title breaks into a 梯形 rather than a long line and a two-character tail.
        """
        advances = [a + char_space for a in shaped.advances]
        lines = break_lines(shaped.text, advances, width, indent)
        if not balanced or len(lines) < 2:
            return lines
        low, high = sum(advances) / len(lines), width
        for _ in range(12):  # bisect the narrowest width that keeps the line count
            mid = (low + high) / 2
            if len(break_lines(shaped.text, advances, mid, indent)) > len(lines):
                low = mid
            else:
                high = mid
        return break_lines(shaped.text, advances, high, indent)

    def draw_line(self, shaped: Shaped, line: Line, x: float, baseline: float,
                  char_space: float, color: Color = BLACK) -> None:
        """Draw `line` from `x`: one text block, an explicit origin per face and subset.

        The operators are written directly (reportlab's documented pattern for dynamic fonts:
        splitString, then getSubsetInternalName per subset): one Tm per piece rather than
        relying on the character spacing after a piece's last glyph, which viewers add and
        some text extractors do not, and a fraction of TextObject's formatting cost.
        """
        c, doc, y = self.canvas, self.canvas._doc, pdf_y(baseline)
        ops = ["q BT", f"{color.red:.4f} {color.green:.4f} {color.blue:.4f} rg",
               f"{char_space:.4f} Tc"]
        boxes: list[tuple[float, str]] = []
        pos = x
        for start, end in _runs(shaped, line):
            font = shaped.fonts[start]
            for k in range(start, end):
                if font is None:
                    boxes.append((pos, shaped.text[k]))
                    pos += shaped.advances[k] + char_space
            if font is None:
                continue
            offset = start
            for subset, encoded in font.ttf.splitString(shaped.text[start:end], doc):
                count = len(encoded)  # one byte per character in a subset encoding
                if shaped.text[offset:offset + count].strip():
                    name = font.ttf.getSubsetInternalName(subset, doc)
                    ops.append(f"{name} {shaped.size:.2f} Tf 1 0 0 1 {pos:.3f} {y:.3f} Tm "
                               f"({escapePDF(encoded)}) Tj")
                pos += shaped.glyph_width(offset, offset + count) + char_space * count
                offset += count
        ops.append("ET Q")
        alpha = getattr(color, "alpha", 1.0)
        if alpha < 1:
            c.saveState()
            c.setFillAlpha(alpha)
        c.addLiteral("\n".join(ops))
        if alpha < 1:
            c.restoreState()
        for box_x, ch in boxes:
            self._missing_box(box_x, baseline, shaped.size, ch, color)

    def _missing_box(self, x: float, baseline: float, size: float, ch: str, color: Color) -> None:
        """A framed box with the code point: visibly not a character, never a silent blank."""
        c = self.canvas
        c.saveState()
        c.setStrokeColor(color)
        c.setLineWidth(0.5)
        bottom = pdf_y(baseline) - size * 0.12
        c.rect(x + size * 0.05, bottom, size * 0.9, size * 0.95, stroke=1, fill=0)
        label = f"{ord(ch):04X}"
        font = self.book.font(FontRole.FANGSONG)
        label_size = min(size * 0.4, size * 0.85 * 2 / max(len(label), 1))
        c.setFillColor(color)
        c.setFont(font.name, label_size)
        c.drawCentredString(x + size / 2, bottom + size * 0.35, label)
        c.restoreState()


def _runs(shaped: Shaped, line: Line) -> list[tuple[int, int]]:
    """Spans of the line drawn with one face."""
    runs: list[tuple[int, int]] = []
    start = line.start
    for i in range(line.start + 1, line.end + 1):
        if i == line.end or shaped.fonts[i] is not shaped.fonts[start]:
            runs.append((start, i))
            start = i
    return runs


def justified_space(shaped: Shaped, line: Line, width: float, base: float,
                    justify: bool, max_stretch: float | None = None) -> float:
    """Character spacing that makes `line` exactly `width` wide (or the base spacing).

    A line stretched by more than `max_stretch` per gap (default one em: a line broken early
    before a long Latin word) is left ragged instead of letter-spaced apart.
    """
    count = line.end - line.start
    if count < 2:
        return base
    fill = (width - shaped.glyph_width(line.start, line.end)) / (count - 1)
    limit = shaped.size if max_stretch is None else max_stretch
    if justify and not line.last and fill - base <= limit:
        return fill
    return min(base, fill)
