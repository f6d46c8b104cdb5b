"""Ruled tables whose cells wrap with the CJK line breaker; rows kept whole on a page.

A row that does not fit under the text above moves whole to the next page, where the header
row is repeated. Only a row taller than a whole page is split, between lines (at least two
lines on each side), and its `repeat` cells (the 序号, the deadline) are printed again on
every fragment so a continued row still says which item it is. Rows with an image (a
signature) never split. Cell text is set ragged, never letter-spaced: text extracted from a
cell reads back as written ("超时限办理", not "超 时 限 办").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from fieldcheck.notices.flow import PageFlow
from fieldcheck.notices.fontfiles import FontRole
from fieldcheck.notices.geometry import BLACK, TEXT_LEFT, pdf_y
from fieldcheck.notices.linebreak import Line
from fieldcheck.notices.typeset import Shaped, Typesetter, justified_space

_MIN_SPLIT_LINES = 2


@dataclass
class Cell:
    text: str = ""
    role: FontRole = FontRole.FANGSONG
    align: str = "left"  # left, center, right
    image: ImageReader | None = None
    image_size: tuple[float, float] = (0.0, 0.0)  # drawn width, height in points
    repeat: bool = False  # printed again on each fragment of a row split over pages


@dataclass
class TableStyle:
    size: float = 12.0
    leading_ratio: float = 1.45
    pad_x: float = 1.6 * mm
    pad_y: float = 1.4 * mm
    rule: float = 0.5
    min_row_height: float = 0.0
    justify: bool = False  # letter-spaced cells read back spaced out ("超 时 限 办")
    max_stretch: float = 0.2  # justify only if the gaps grow by at most this many ems

    @property
    def leading(self) -> float:
        return self.size * self.leading_ratio


@dataclass
class Row:
    cells: list[Cell]
    min_height: float = 0.0
    header: bool = False


@dataclass
class _LaidCell:
    cell: Cell
    lines: list[tuple[Shaped, Line]]  # a cell's text may hold hard line breaks

    def image_height(self) -> float:
        return self.cell.image_size[1] if self.cell.image is not None else 0.0


@dataclass
class Table:
    widths: list[float]
    rows: list[Row] = field(default_factory=list)
    header: Row | None = None
    style: TableStyle = field(default_factory=TableStyle)


class TableWriter:
    """Draws one Table into a PageFlow."""

    def __init__(self, ts: Typesetter, flow: PageFlow, table: Table) -> None:
        self.ts, self.flow, self.table, self.style = ts, flow, table, table.style
        self.xs = [TEXT_LEFT]
        for width in table.widths:
            self.xs.append(self.xs[-1] + width)

    def write(self) -> None:
        header = self._lay(self.table.header) if self.table.header else None
        rows = [(row, self._lay(row)) for row in self.table.rows]
        head = self._height(self.table.header, header)
        first = self._first_chunk(*rows[0], head) if rows else 0.0
        self.flow.need(head + first)
        if header is not None:
            self._draw_header(header)
        for row, laid in rows:
            if self.flow.space_left() + 0.01 < self._first_chunk(row, laid, head):
                self._continue(header)
            self._draw_row(row, laid, header)

    def height(self) -> float:
        """The whole table's height, header included (nothing is drawn)."""
        header = self._lay(self.table.header) if self.table.header else None
        total = self._height(self.table.header, header)
        return total + sum(self._height(row, self._lay(row)) for row in self.table.rows)

    def first_height(self) -> float:
        """Height of the header and the first row (or its first fragment): what must fit
        under a paragraph introducing the table for the two to stay together."""
        header = self._lay(self.table.header) if self.table.header else None
        head = self._height(self.table.header, header)
        if not self.table.rows:
            return head
        row = self.table.rows[0]
        return head + self._first_chunk(row, self._lay(row), head)

    def _first_chunk(self, row: Row, laid: list[_LaidCell], head: float) -> float:
        """The room a row needs on the current page: all of it, unless it is taller than a
        page under the header (then its first fragment)."""
        height = self._height(row, laid)
        if height <= self.flow.page_height() - head + 0.01:
            return height
        return self._min_chunk(laid)

    def _lay(self, row: Row) -> list[_LaidCell]:
        out = []
        for cell, width in zip(row.cells, self.table.widths, strict=True):
            lines: list[tuple[Shaped, Line]] = []
            for piece in cell.text.split("\n") if cell.text else []:
                shaped = self.ts.shape(piece, self.style.size, cell.role)
                broken = self.ts.break_lines(shaped, width - 2 * self.style.pad_x,
                                             balanced=cell.align == "center")
                lines.extend((shaped, line) for line in broken)
            out.append(_LaidCell(cell, lines))
        return out

    def _cell_height(self, laid: _LaidCell, line_count: int) -> float:
        image = laid.image_height()
        gap = self.style.size * 0.3 if image and line_count else 0.0
        return 2 * self.style.pad_y + image + gap + line_count * self.style.leading

    def _height(self, row: Row | None, laid: list[_LaidCell] | None) -> float:
        if row is None or laid is None:
            return 0.0
        content = max(self._cell_height(c, len(c.lines)) for c in laid)
        return max(content, row.min_height, self.style.min_row_height)

    def _min_chunk(self, laid: list[_LaidCell]) -> float:
        if any(c.cell.image is not None for c in laid):
            return max(self._cell_height(c, len(c.lines)) for c in laid)
        most = max((len(c.lines) for c in laid), default=0)
        return 2 * self.style.pad_y + min(most, _MIN_SPLIT_LINES) * self.style.leading

    def _draw_header(self, header: list[_LaidCell]) -> None:
        height = self._height(self.table.header, header)
        self._draw_cells(header, [0] * len(header), None, self.flow.y, height)
        self.flow.y += height

    def _draw_row(self, row: Row, laid: list[_LaidCell], header: list[_LaidCell] | None) -> None:
        offsets = [0] * len(laid)
        has_image = any(c.cell.image is not None for c in laid)
        fresh = False  # just continued on a new page: splitting further cannot help
        while True:
            height = self._height(row, laid) if not any(offsets) else self._rest_height(laid, offsets)
            if height <= self.flow.space_left() + 0.01 or (fresh and has_image):
                self._draw_cells(laid, offsets, None, self.flow.y, height)
                self.flow.y += height
                return
            fit = math.floor((self.flow.space_left() - 2 * self.style.pad_y) / self.style.leading)
            if (fit < _MIN_SPLIT_LINES or has_image) and not fresh:
                self._continue(header)
                fresh = True
                continue
            fit = max(fit, 1)
            chunk = 2 * self.style.pad_y + fit * self.style.leading
            self._draw_cells(laid, offsets, fit, self.flow.y, chunk)
            offsets = [min(len(c.lines), o + fit) for c, o in zip(laid, offsets, strict=True)]
            self._continue(header)
            fresh = True

    def _continue(self, header: list[_LaidCell] | None) -> None:
        self.flow.new_page()
        if header is not None:
            self._draw_header(header)

    def _rest_height(self, laid: list[_LaidCell], offsets: list[int]) -> float:
        rest = max(len(c.lines) - (0 if c.cell.repeat else o)
                   for c, o in zip(laid, offsets, strict=True))
        return 2 * self.style.pad_y + rest * self.style.leading

    def _draw_cells(self, laid: list[_LaidCell], offsets: list[int], count: int | None,
                    top: float, height: float) -> None:
        for col, (cell, offset) in enumerate(zip(laid, offsets, strict=True)):
            take = count
            if cell.cell.repeat:
                offset = 0
                fits = max(1, int((height - 2 * self.style.pad_y + 0.01) // self.style.leading))
                take = None if len(cell.lines) <= fits else fits
            lines = cell.lines[offset:] if take is None else cell.lines[offset:offset + take]
            whole = offset == 0 and take is None
            self._draw_cell(cell, lines, col, top, height, whole)
        self._rules(top, height)

    def _draw_cell(self, laid: _LaidCell, lines: list[tuple[Shaped, Line]], col: int, top: float,
                   height: float, whole: bool) -> None:
        style = self.style
        left, right = self.xs[col] + style.pad_x, self.xs[col + 1] - style.pad_x
        content = self._cell_height(laid, len(lines)) if whole else 0.0
        y = top + (height - content) / 2 + style.pad_y if whole else top + style.pad_y
        if whole and laid.cell.image is not None:
            self._draw_image(laid.cell, left, y)
            y += laid.image_height() + style.size * 0.3
        for shaped, line in lines:
            baseline = y + (style.leading - style.size) / 2 + style.size * 0.88
            self._draw_text_line(laid.cell, shaped, line, (left, right), baseline)
            y += style.leading

    def _draw_text_line(self, cell: Cell, shaped: Shaped, line: Line,
                        span: tuple[float, float], baseline: float) -> None:
        left, right = span
        width = right - left
        justify = self.style.justify and cell.align == "left"
        space = justified_space(shaped, line, width, 0.0, justify,
                                self.style.max_stretch * shaped.size)
        used = shaped.glyph_width(line.start, line.end) + space * max(0, line.end - line.start - 1)
        x = left
        if cell.align == "center":
            x = left + (width - used) / 2
        elif cell.align == "right":
            x = right - used
        self.ts.draw_line(shaped, line, x, baseline, space, BLACK)

    def _draw_image(self, cell: Cell, left: float, top: float) -> None:
        width, height = cell.image_size
        self.ts.canvas.drawImage(cell.image, left, pdf_y(top + height), width, height,
                                 mask="auto")

    def _rules(self, top: float, height: float) -> None:
        c = self.ts.canvas
        c.saveState()
        c.setStrokeColor(BLACK)
        c.setLineWidth(self.style.rule)
        y0, y1 = pdf_y(top), pdf_y(top + height)
        c.line(self.xs[0], y0, self.xs[-1], y0)
        c.line(self.xs[0], y1, self.xs[-1], y1)
        for x in self.xs:
            c.line(x, y0, x, y1)
        c.restoreState()
