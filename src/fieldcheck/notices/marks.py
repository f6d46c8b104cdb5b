"""Marks outside the text flow: page numbers, the draft watermark, the verification QR code."""

from __future__ import annotations

import itertools
from functools import lru_cache

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.colors import Color
from reportlab.lib.units import mm

from fieldcheck.notices.fontfiles import FontRole
from fieldcheck.notices.geometry import (
    BLACK,
    PAGE_HEIGHT,
    PAGE_NUMBER_GAP,
    PAGE_WIDTH,
    SIZE_SIHAO,
    TEXT_BOTTOM,
    TEXT_LEFT,
    TEXT_RIGHT,
    pdf_y,
)
from fieldcheck.notices.linebreak import Line
from fieldcheck.notices.typeset import Typesetter

WATERMARK_SIZE = 150.0
WATERMARK_GREY = Color(0.5, 0.5, 0.5, alpha=0.2)  # the alpha travels with the colour
QR_SIZE = 20 * mm
QR_CAPTION_SIZE = 7.0
# The code sits in the bottom margin 4 mm under the 版心, so its foot stays 11 mm above the
# paper's edge (office printers clip the outer 4–5 mm), on the side away from the page number.
QR_TOP_GAP = 4 * mm
MIN_EDGE_DISTANCE = 10 * mm


def draw_page_number(ts: Typesetter, page: int, template: str) -> None:
    """`— N —` in 四号 宋体, its 一字线 7 mm under the 版心; odd pages right, even left, 空一字."""
    size = SIZE_SIHAO
    shaped = ts.shape(template.format(n=page), size, FontRole.SONG)
    line = Line(0, len(shaped.text), shaped.text, 0.0, True)
    width = shaped.glyph_width(0, len(shaped.text))
    x = TEXT_RIGHT - size - width if page % 2 else TEXT_LEFT + size
    # The dash sits about a third of an em above the baseline.
    baseline = TEXT_BOTTOM + PAGE_NUMBER_GAP + size * 0.33
    ts.draw_line(shaped, line, x, baseline, 0.0, BLACK)


def draw_watermark(ts: Typesetter, text: str) -> None:
    """A light diagonal 草稿 across the page, over the content so it cannot be hidden."""
    c = ts.canvas
    shaped = ts.shape(text, WATERMARK_SIZE, FontRole.HEITI)
    line = Line(0, len(shaped.text), shaped.text, 0.0, True)
    spacing = WATERMARK_SIZE * 0.25
    width = shaped.glyph_width(0, len(shaped.text)) + spacing * (len(shaped.text) - 1)
    c.saveState()
    c.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    c.rotate(45)
    c.translate(-PAGE_WIDTH / 2, -PAGE_HEIGHT / 2)
    baseline = PAGE_HEIGHT / 2 + WATERMARK_SIZE * 0.35
    ts.draw_line(shaped, line, PAGE_WIDTH / 2 - width / 2, baseline, spacing, WATERMARK_GREY)
    c.restoreState()


def qr_modules(payload: str) -> list[list[bool]]:
    """The QR matrix (True = dark) from reportlab's own encoder, error correction level M."""
    return [list(row) for row in _qr_matrix(payload)]


@lru_cache(maxsize=32)  # preview, re-preview and print render the same notice again
def _qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.make()
    return tuple(tuple(bool(cell) for cell in row) for row in code.modules)


def _qr_path(modules: list[list[bool]], box: float, left: float, top: float) -> str:
    """The dark modules as one filled path in module units (integers keep the stream small)."""
    ops = [f"q {box:.4f} 0 0 {-box:.4f} {left:.3f} {top:.3f} cm 0 g"]
    for r, row in enumerate(modules):
        col = 0
        for dark, run in itertools.groupby(row):
            count = len(list(run))
            if dark:
                ops.append(f"{col} {r} {count} 1 re")
            col += count
    ops.append("f Q")
    return "\n".join(ops)


def draw_qr(ts: Typesetter, payload: str, page: int, caption: list[str]) -> None:
    """The verification QR in the bottom margin, on the side away from the page number, at
    least MIN_EDGE_DISTANCE from every edge of the paper."""
    modules = qr_modules(payload)
    box = QR_SIZE / len(modules)
    top = TEXT_BOTTOM + QR_TOP_GAP
    left = TEXT_LEFT if page % 2 else TEXT_RIGHT - QR_SIZE
    ts.canvas.addLiteral(_qr_path(modules, box, left, pdf_y(top)))
    text_left = left + QR_SIZE + 2 * mm if page % 2 else None
    for k, text in enumerate(caption):
        shaped = ts.shape(text, QR_CAPTION_SIZE)
        line = Line(0, len(shaped.text), shaped.text, 0.0, True)
        width = shaped.glyph_width(0, len(shaped.text))
        x = text_left if text_left is not None else left - 2 * mm - width
        baseline = top + QR_SIZE - (len(caption) - 1 - k) * QR_CAPTION_SIZE * 1.4
        ts.draw_line(shaped, line, x, baseline, 0.0, BLACK)
