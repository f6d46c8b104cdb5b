"""One notice being written: the canvas, fonts, flow, and the blocks every layout shares.

Body text sits on the 22-line grid: each line takes one LINE_PITCH cell, 三号 glyphs on the
28-character CHAR_PITCH grid, every line but a paragraph's last justified to the full width.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from fieldcheck.notices.flow import PageFlow
from fieldcheck.notices.fontfiles import FontRole
from fieldcheck.notices.fonts import FontBook
from fieldcheck.notices.geometry import (
    BLACK,
    BODY_CHAR_SPACE,
    BODY_SIZE,
    CHAR_PITCH,
    LINE_PITCH,
    SIZE_SIHAO,
    SIZE_WUHAO,
    SIZE_XIAOSI,
    TEXT_LEFT,
    TEXT_WIDTH,
    baseline_in_cell,
)
from fieldcheck.notices.linebreak import Line
from fieldcheck.notices.marks import draw_page_number, draw_qr, draw_watermark
from fieldcheck.notices.model import (
    FINDINGS_PLACEHOLDER,
    FindingEntry,
    NoticeContent,
    NoticeSettings,
    format_date,
)
from fieldcheck.notices.tables import Cell, Row, Table, TableStyle, TableWriter
from fieldcheck.notices.texts import NoticeTexts
from fieldcheck.notices.typeset import Shaped, Spans, Typesetter, heading_spans, justified_space


@dataclass
class TextStyle:
    size: float = BODY_SIZE
    role: FontRole = FontRole.FANGSONG
    indent_cells: float = 2.0  # 首行缩进
    right_cells: float = 0.0  # 右空 (e.g. 右空四字 for the date)
    align: str = "left"  # left, center, right
    justify: bool = True
    color: Color = BLACK
    pitch: float = LINE_PITCH
    balanced: bool = False  # titles: lines of similar length (梯形/菱形), not a long and a short
    # Justify only while the gaps grow by at most this many ems; a line cut short before a
    # long Latin word or URL stays ragged rather than letter-spaced apart.
    max_stretch: float = 0.3

    @property
    def base_space(self) -> float:
        return BODY_CHAR_SPACE if self.size == BODY_SIZE else 0.0

    @property
    def cell(self) -> float:
        return CHAR_PITCH if self.size == BODY_SIZE else self.size


BODY = TextStyle()
FLUSH = TextStyle(indent_cells=0.0)
NOTE = TextStyle(size=SIZE_WUHAO, pitch=SIZE_WUHAO * 1.6)  # 说明 in small print, off the grid


class NoticeDocument:
    """Shared writing operations; official.py and forms.py arrange them per notice type."""

    def __init__(self, canvas: Canvas, book: FontBook, content: NoticeContent,
                 settings: NoticeSettings, texts: NoticeTexts) -> None:
        self.canvas = canvas
        self.ts = Typesetter(canvas, book)
        self.flow = PageFlow(canvas, self._end_page)
        self.content, self.settings, self.texts = content, settings, texts
        self.common = texts.common
        self._last_page = False

    # -- text on the grid -------------------------------------------------------------
    def write(self, spans: Spans | str, style: TextStyle = BODY, keep_with_next: int = 0) -> None:
        """Write one paragraph line by line, starting new pages as needed.

        `keep_with_next` grid lines must follow on the same page as the paragraph's last two
        lines (署名 and 日期 never stand alone on a page).
        """
        shaped = self.ts.shape(spans, style.size, style.role)
        width = TEXT_WIDTH - style.right_cells * style.cell
        indent = style.indent_cells * style.cell
        lines = self.ts.break_lines(shaped, width, indent, style.base_space, style.balanced)
        on_grid = style.pitch == LINE_PITCH
        break_after = self._widow_break(len(lines), keep_with_next) if on_grid else None
        for number, line in enumerate(lines):
            if number == break_after and not self.flow.at_page_top():
                self.flow.new_page()
            self.flow.need(style.pitch)
            self._draw(shaped, line, style, width, indent if line.start == 0 else 0.0)
            self.flow.y += style.pitch

    def count_lines(self, text: str, style: TextStyle) -> int:
        """How many lines `text` takes in `style` (0 for no text)."""
        if not text:
            return 0
        shaped = self.ts.shape(text, style.size, style.role)
        width = TEXT_WIDTH - style.right_cells * style.cell
        indent = style.indent_cells * style.cell
        return len(self.ts.break_lines(shaped, width, indent, style.base_space))

    def write_title(self, title: str, style: TextStyle) -> None:
        """A title; a line break typed into it (\n) is kept, each piece balanced on its own."""
        for piece in title.splitlines() or [""]:
            if piece.strip():
                self.write(piece.strip(), style)

    def _widow_break(self, count: int, keep: int) -> int | None:
        """Line index before which to start a new page, or None to let the page fill.

        A paragraph split by a page keeps two lines on each side (no orphan, no widow), and
        its last two lines stay with the `keep` lines that must follow them.
        """
        left = self.flow.lines_left()
        if count + keep <= left or left == 0:
            return None
        if count <= left:
            return max(0, count - 2) if keep > 0 else None
        if left < 2:
            return 0
        if count - left < 2 and count >= 3:
            return left - 1
        return None

    def _draw(self, shaped: Shaped, line: Line, style: TextStyle, width: float,
              indent: float) -> None:
        avail = width - indent
        space = justified_space(shaped, line, avail, style.base_space,
                                style.justify and style.align == "left",
                                style.max_stretch * style.size)
        used = shaped.glyph_width(line.start, line.end) + space * max(0, line.end - line.start - 1)
        x = TEXT_LEFT + indent
        if style.align == "center":
            x = TEXT_LEFT + (TEXT_WIDTH - used) / 2
        elif style.align == "right":
            x = TEXT_LEFT + width - used
        baseline = baseline_in_cell(self.flow.y, style.pitch, style.size)
        self.ts.draw_line(shaped, line, x, baseline, space, style.color)

    # -- body with the findings table -------------------------------------------------
    def write_body(self, paragraphs: Sequence[str], keep_last_with: int = 0,
                   style: TextStyle | None = None) -> None:
        """Paragraphs in order; the 〖问题清单〗 marker becomes the findings table.

        Types whose texts have the marker (整改通知书, 记录 …) also get the table when an edit
        removed the marker; types without it (送达回证) never print findings.
        """
        paragraphs = [p for p in paragraphs if p.strip()]
        shows_findings = FINDINGS_PLACEHOLDER in self.texts.paragraphs
        if shows_findings and FINDINGS_PLACEHOLDER not in paragraphs and self.content.findings:
            paragraphs = [*paragraphs, FINDINGS_PLACEHOLDER]
        for k, text in enumerate(paragraphs):
            if text.strip() == FINDINGS_PLACEHOLDER:
                self.write_findings()
                continue
            keep = keep_last_with if k == len(paragraphs) - 1 else 0
            for piece in text.splitlines() or [""]:
                self.write(heading_spans(piece.strip()), style or BODY, keep)

    def write_findings(self) -> None:
        findings = self.content.findings
        if not findings:
            self.write(str(self.common["findings_empty"]))
            return
        columns = self.texts.columns
        header = Row([Cell(c.label, FontRole.HEITI, "center") for c in columns], header=True)
        rows = [Row([Cell(self._finding_value(f, c.key), align=c.align) for c in columns])
                for f in findings]
        table = Table([c.width_mm * mm for c in columns], rows, header,
                      TableStyle(size=SIZE_XIAOSI))
        self.write_table(table)

    @staticmethod
    def _finding_value(finding: FindingEntry, key: str) -> str:
        value = getattr(finding, key, "")
        if key == "deadline":
            return format_date(value) if isinstance(value, date) else str(value or "")
        return "" if value is None else str(value)

    def write_table(self, table: Table, gap_before: bool = True, gap_after: bool = True) -> None:
        """A table set off from the text; without gaps it joins the table above or below."""
        if gap_before:
            self.flow.skip(LINE_PITCH * 0.25)
        TableWriter(self.ts, self.flow, table).write()
        if gap_after:
            self.flow.skip(LINE_PITCH * 0.25)
            self.flow.snap_to_grid()

    # -- pages -------------------------------------------------------------------------
    def finish(self) -> None:
        self._last_page = True
        self.flow.finish()

    def _end_page(self, page: int) -> None:
        draw_page_number(self.ts, page, str(self.common["page_number"]))
        if self.content.is_draft:
            draw_watermark(self.ts, str(self.common["draft_watermark"]))
        elif self._last_page and self.content.qr_payload:
            caption = [str(self.common["qr_caption"])]
            if self.content.notice_id:
                caption.append(str(self.common["qr_id"]).format(notice_id=self.content.notice_id))
            draw_qr(self.ts, self.content.qr_payload, page, caption)


def form_style() -> TableStyle:
    """Form tables (现场检查记录, 送达回证): 四号 text, rows at least 9 mm high."""
    return TableStyle(size=SIZE_SIHAO, leading_ratio=1.5, pad_y=2 * mm, min_row_height=9 * mm)


def lines_needed(height: float) -> int:
    return math.ceil(height / LINE_PITCH - 0.01)
