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
from fieldcheck.notices.typeset import (
    Shaped,
    Spans,
    Typesetter,
    heading_spans,
    is_heading_only,
    justified_space,
)


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


# Columns printed again on each page a long finding runs over: which item, and by when.
REPEATED_COLUMNS = frozenset({"seq", "deadline", "unit_name"})
MAX_KEEP_WITH_TABLE = 12

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
        self.total_pages: int | None = None  # known on the second pass of a paged form

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
        breaks = self._page_breaks(len(lines), keep_with_next) if on_grid else set()
        for number, line in enumerate(lines):
            if number in breaks and not self.flow.at_page_top():
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

    def _page_breaks(self, count: int, keep: int) -> set[int]:
        """Line indexes before which a new page starts (none: the page simply fills).

        No lone line: a paragraph split by a page keeps at least two lines on each side, or
        moves whole; its last two lines stay with the `keep` lines that must follow them.
        """
        breaks: set[int] = set()
        pos, room, top = 0, self.flow.lines_left(), self.flow.at_page_top()
        while True:
            rest = count - pos
            if rest + keep <= room:
                return breaks
            if rest <= room:
                if keep > 0:
                    cut = max(pos, count - 2)
                    if cut - pos == 1:
                        cut = pos  # one line alone would stay behind: move them all
                    if cut > pos or not top:
                        breaks.add(cut)
                return breaks
            take = room
            if rest - take < 2:
                take = rest - 2  # leave two lines for the next page
            if take < 2 and not top:
                take = 0  # not even two lines fit here: the paragraph starts on the next page
            take = max(take, 0 if not top else 1)
            breaks.add(pos + take)
            pos += take
            room, top = self.flow.lines_per_page(), True

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
        table = self.findings_table()
        for k, text in enumerate(paragraphs):
            if text.strip() == FINDINGS_PLACEHOLDER:
                self.write_findings(table)
                continue
            keep = keep_last_with if k == len(paragraphs) - 1 else 0
            if k == len(paragraphs) - 2 and keep_last_with and self.count_lines(
                    paragraphs[-1], style or BODY) == 1:
                keep = keep_last_with + 1  # a one-line close (特此通知。) never goes alone
            following = paragraphs[k + 1].strip() if k + 1 < len(paragraphs) else ""
            if following == FINDINGS_PLACEHOLDER and table is not None:
                # The sentence announcing the table stays with its header and first row.
                first = TableWriter(self.ts, self.flow, table).first_height()
                keep = min(MAX_KEEP_WITH_TABLE, lines_needed(first + LINE_PITCH * 0.25))
            pieces = [p.strip() for p in text.splitlines()] or [""]
            for n, piece in enumerate(pieces):
                spans = heading_spans(piece)
                last = n == len(pieces) - 1
                if is_heading_only(spans) and not last:
                    self.write(spans, style or BODY, 2)
                elif is_heading_only(spans) and k + 1 < len(paragraphs):
                    self.write(spans, style or BODY, max(keep, 2))  # a heading keeps its text
                else:
                    self.write(spans, style or BODY, keep if last else 0)

    def findings_table(self) -> Table | None:
        findings = self.content.findings
        if not findings:
            return None
        columns = self.texts.columns
        header = Row([Cell(c.label, FontRole.HEITI, "center") for c in columns], header=True)
        rows = [Row([Cell(self._finding_value(f, c.key), align=c.align,
                          repeat=c.key in REPEATED_COLUMNS) for c in columns])
                for f in findings]
        return Table([c.width_mm * mm for c in columns], rows, header,
                     TableStyle(size=SIZE_XIAOSI))

    def write_findings(self, table: Table | None = None) -> None:
        table = table or self.findings_table()
        if table is None:
            self.write(str(self.common["findings_empty"]))
            return
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
        if self.texts.page_footer:
            from fieldcheck.notices.forms import draw_page_footer  # forms build on this module

            draw_page_footer(self, page, self.total_pages)
        if self.content.is_draft:
            draw_watermark(self.ts, str(self.common["draft_watermark"]))
        elif self._last_page and self.content.qr_payload:
            # Only a code that opens the bureau's verification page may promise 扫码核验.
            online = "://" in self.content.qr_payload
            caption = [str(self.common["qr_caption" if online else "qr_caption_offline"])]
            if self.content.notice_id:
                caption.append(str(self.common["qr_id"]).format(notice_id=self.content.notice_id))
            draw_qr(self.ts, self.content.qr_payload, page, caption)


def form_style(compact: bool = False) -> TableStyle:
    """Form tables (现场检查记录): 四号 text, rows at least 9 mm high; compact (a one-page
    送达回证): 小四, rows at least 8 mm."""
    if compact:
        return TableStyle(size=SIZE_XIAOSI, leading_ratio=1.5, pad_y=1.6 * mm,
                          min_row_height=8 * mm)
    return TableStyle(size=SIZE_SIHAO, leading_ratio=1.5, pad_y=2 * mm, min_row_height=9 * mm)


def lines_needed(height: float) -> int:
    return math.ceil(height / LINE_PITCH - 0.01)
