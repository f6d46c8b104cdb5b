"""版记 (GB/T 9704-2012 §7.4): 抄送 and 印发机关/印发日期 at the foot of the last page.

The block sits on the 版心's bottom edge (末条分隔线与版心下边缘重合), between a thick rule
(0.35 mm) above its first element and a thick rule under the 印发 line; a thin rule (0.25 mm)
separates the 抄送 row from the 印发 row. Text is 四号 仿宋, 左右各空一字; a long 抄送 list wraps
with its lines aligned after "抄送：". The block never splits: when it does not fit under the
last text it goes to the bottom of a new page. Official layouts only (forms get no 版记).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.units import mm

from fieldcheck.notices.document import NoticeDocument, lines_needed
from fieldcheck.notices.flow import PageFlow
from fieldcheck.notices.fontfiles import FontRole
from fieldcheck.notices.geometry import (
    BLACK,
    LINE_PITCH,
    SIZE_SIHAO,
    TEXT_BOTTOM,
    TEXT_LEFT,
    TEXT_RIGHT,
    TEXT_WIDTH,
    baseline_in_cell,
    pdf_y,
)
from fieldcheck.notices.linebreak import Line
from fieldcheck.notices.model import format_date
from fieldcheck.notices.texts import fill
from fieldcheck.notices.typeset import Shaped, justified_space

IMPRINT_SIZE = SIZE_SIHAO  # 四号
THICK_RULE = 0.35 * mm  # 首条、末条分隔线
THIN_RULE = 0.25 * mm  # 中间的分隔线
LEADING = IMPRINT_SIZE * 1.5  # the wrapped lines of one row
ROW_PAD = (LINE_PITCH - LEADING) / 2  # a one-line row is one grid line high
SIDE = IMPRINT_SIZE  # 左右各空一字
MAX_STRETCH = 0.3 * IMPRINT_SIZE
_EPS = 0.01


@dataclass
class _Piece:
    shaped: Shaped
    line: Line
    x: float
    space: float = 0.0


@dataclass
class _Row:
    lines: list[list[_Piece]] = field(default_factory=list)  # pieces per text line

    @property
    def height(self) -> float:
        return float(LINE_PITCH + (len(self.lines) - 1) * LEADING)


@dataclass
class Imprint:
    rows: list[_Row]

    @property
    def height(self) -> float:
        return sum(row.height for row in self.rows)


def plan_imprint(doc: NoticeDocument) -> Imprint:
    """Shape and break the 版记's rows (nothing is drawn)."""
    rows = []
    cc = _cc_row(doc)
    if cc is not None:
        rows.append(cc)
    rows.append(_printed_row(doc))
    return Imprint(rows)


def imprint_lines(doc: NoticeDocument) -> int:
    """Grid lines the 版记 takes, for keeping it on the page of the 署名."""
    return lines_needed(plan_imprint(doc).height)


def write_imprint(doc: NoticeDocument) -> None:
    """Draw the 版记 at the foot of the current page, or of a new one if it does not fit."""
    imprint = plan_imprint(doc)
    flow: PageFlow = doc.flow
    if flow.space_left() + _EPS < imprint.height and not flow.at_page_top():
        flow.new_page()
    top = TEXT_BOTTOM - imprint.height
    c = doc.canvas
    c.saveState()
    c.setStrokeColor(BLACK)
    c.setLineCap(0)  # butt: the rules end exactly at the 版心 edges
    _rule(doc, top + THICK_RULE / 2, THICK_RULE)
    y = top
    for k, row in enumerate(imprint.rows):
        for n, pieces in enumerate(row.lines):
            baseline = baseline_in_cell(y + ROW_PAD + n * LEADING, LEADING, IMPRINT_SIZE)
            for piece in pieces:
                doc.ts.draw_line(piece.shaped, piece.line, piece.x, baseline, piece.space, BLACK)
        y += row.height
        if k < len(imprint.rows) - 1:
            _rule(doc, y, THIN_RULE)
    _rule(doc, TEXT_BOTTOM - THICK_RULE / 2, THICK_RULE)
    c.restoreState()
    flow.y = TEXT_BOTTOM


def _rule(doc: NoticeDocument, y: float, width: float) -> None:
    doc.canvas.setLineWidth(width)
    doc.canvas.line(TEXT_LEFT, pdf_y(y), TEXT_RIGHT, pdf_y(y))


def _cc_row(doc: NoticeDocument) -> _Row | None:
    """抄送：A，B，C。 — 回行时与冒号后的首字对齐, a 句号 after the last name."""
    names = [n.strip().rstrip("，,、。") for n in doc.content.cc if n and n.strip()]
    names = [n for n in names if n]
    if not names:
        return None
    common = doc.common
    label = doc.ts.shape(str(common["imprint_cc"]), IMPRINT_SIZE, FontRole.FANGSONG)
    label_width = label.glyph_width(0, len(label.text))
    text = str(common["imprint_cc_separator"]).join(names) + str(common["imprint_cc_end"])
    shaped = doc.ts.shape(text, IMPRINT_SIZE, FontRole.FANGSONG)
    left = TEXT_LEFT + SIDE + label_width
    width = TEXT_WIDTH - 2 * SIDE - label_width
    row = _Row()
    for k, line in enumerate(doc.ts.break_lines(shaped, width)):
        space = justified_space(shaped, line, width, 0.0, True, MAX_STRETCH)
        pieces = [_Piece(shaped, line, left, space)]
        if k == 0:
            pieces.insert(0, _Piece(label, _whole(label), TEXT_LEFT + SIDE))
        row.lines.append(pieces)
    return row


def _printed_row(doc: NoticeDocument) -> _Row:
    """印发机关左空一字, 印发日期（2026年11月27日印发）右空一字, on one line."""
    content = doc.content
    issuer = (content.printed_by or "").strip() or doc.settings.issuer_name
    day = content.printed_on or content.issued_on
    date_text = fill(str(doc.common["imprint_printed_on"]), {"date": format_date(day)})
    dated = doc.ts.shape(date_text, IMPRINT_SIZE, FontRole.FANGSONG)
    date_width = dated.glyph_width(0, len(dated.text))
    name = doc.ts.shape(issuer, IMPRINT_SIZE, FontRole.FANGSONG)
    # A very long 印发机关 wraps in the room the date leaves (at least one character apart).
    room = max(IMPRINT_SIZE, TEXT_WIDTH - 2 * SIDE - date_width - IMPRINT_SIZE)
    row = _Row()
    for k, line in enumerate(doc.ts.break_lines(name, room)):
        pieces = [_Piece(name, line, TEXT_LEFT + SIDE)]
        if k == 0:
            pieces.append(_Piece(dated, _whole(dated), TEXT_RIGHT - SIDE - date_width))
        row.lines.append(pieces)
    return row


def _whole(shaped: Shaped) -> Line:
    return Line(0, len(shaped.text), shaped.text, shaped.glyph_width(0, len(shaped.text)), True)
