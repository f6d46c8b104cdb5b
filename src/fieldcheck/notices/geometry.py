"""The GB/T 9704-2012 page: A4, 版心 156 × 225 mm, 22 lines × 28 characters of 三号 text.

Distances are in points and measured from the top edge of the page (`y` grows downwards);
drawing code converts with `pdf_y`.
"""

from __future__ import annotations

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm as _mm

# reportlab has no type hints: its constants are given their types here, once.
mm: float = float(_mm)
PAGE_WIDTH: float = float(A4[0])
PAGE_HEIGHT: float = float(A4[1])
MARGIN_TOP = 37 * mm
MARGIN_LEFT = 28 * mm
MARGIN_RIGHT = 26 * mm
MARGIN_BOTTOM = 35 * mm
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 156 mm
TEXT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 225 mm
TEXT_LEFT = MARGIN_LEFT
TEXT_RIGHT = MARGIN_LEFT + TEXT_WIDTH
TEXT_TOP = MARGIN_TOP
TEXT_BOTTOM = MARGIN_TOP + TEXT_HEIGHT

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH = TEXT_HEIGHT / LINES_PER_PAGE  # ≈ 28.99 pt
CHAR_PITCH = TEXT_WIDTH / CHARS_PER_LINE  # ≈ 15.79 pt: 三号 glyphs set 0.21 pt tighter

# Font sizes (字号) in points.
SIZE_ERHAO = 22.0  # 二号: title
SIZE_SANHAO = 16.0  # 三号: body
SIZE_SIHAO = 14.0  # 四号: page numbers, form tables
SIZE_XIAOSI = 12.0  # 小四: findings table
SIZE_WUHAO = 10.5  # 五号: notes in small print
BODY_SIZE = SIZE_SANHAO
BODY_CHAR_SPACE = CHAR_PITCH - BODY_SIZE  # the grid's base spacing (negative)

ISSUER_MARK_GAP = 35 * mm  # 发文机关标志上边缘至版心上边缘
RULE_GAP = 4 * mm  # 红色分隔线 below the 文号
PAGE_NUMBER_GAP = 7 * mm  # 一字线上距版心下边缘

RED = Color(1, 0, 0)  # 红头 and 分隔线
BLACK = Color(0, 0, 0)


def pdf_y(y: float) -> float:
    """Convert a distance from the page top to reportlab's bottom-up coordinate."""
    return PAGE_HEIGHT - y


def baseline_in_cell(cell_top: float, cell_height: float, size: float,
                     ascent: float = 0.88, descent: float = -0.12) -> float:
    """Baseline that centres a glyph's em box (ascent − descent = 1 em) in a line cell."""
    em_top = cell_top + (cell_height - size * (ascent - descent)) / 2
    return em_top + size * ascent
