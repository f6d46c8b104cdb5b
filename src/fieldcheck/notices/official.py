"""红头公文 (整改通知书, 效能监察建议书, 通报): GB/T 9704-2012 版头, 主体 and 署名.

版头: the red issuer mark 35 mm below the 版心 top, the 文号 two lines under it, a red rule
4 mm under the 文号. 主体: the 二号 title two lines under the rule, the 主送 line, the body.
署名: with a seal the date is 右空四字 and the issuer name centred above it, the seal pressing
on both; without a seal the name is 右空二字 and the date starts two characters further right.
"""

from __future__ import annotations

from dataclasses import replace

from reportlab.lib.units import mm

from fieldcheck.notices.document import BODY, FLUSH, NoticeDocument, TextStyle
from fieldcheck.notices.fontfiles import FontRole
from fieldcheck.notices.geometry import (
    BODY_SIZE,
    CHAR_PITCH,
    ISSUER_MARK_GAP,
    LINE_PITCH,
    RED,
    RULE_GAP,
    SIZE_ERHAO,
    TEXT_LEFT,
    TEXT_RIGHT,
    TEXT_TOP,
    TEXT_WIDTH,
    pdf_y,
)
from fieldcheck.notices.images import PngImage, load_seal
from fieldcheck.notices.imprint import imprint_lines
from fieldcheck.notices.linebreak import Line
from fieldcheck.notices.model import format_date
from fieldcheck.notices.texts import fill

MARK_MAX_SIZE = 42.0  # points; long issuer names shrink to the text width
RULE_WIDTH = 1.5
SEAL_DIAMETER = 40 * mm

TITLE = TextStyle(size=SIZE_ERHAO, role=FontRole.TITLE, align="center", justify=False,
                  indent_cells=0, balanced=True)


def write_official(doc: NoticeDocument) -> None:
    seal = load_seal(doc.settings.seal_png) if doc.settings.seal_png else None  # fail early
    write_header(doc)
    write_title(doc)
    doc.write(recipient_line(doc), FLUSH)
    note = _note_text(doc.settings.contact_line)
    # Blank line, 署名, 日期, the 附注 and the 版记 stay on the page of the body's last lines
    # (a signature table comes between them and the 版记 when there is one).
    keep = 3 + doc.count_lines(note, BODY)
    if not doc.content.signatures:
        keep += imprint_lines(doc)
    doc.write_body(doc.content.paragraphs, keep_last_with=keep)
    write_signoff(doc, seal)
    if note:
        doc.write(note, BODY)


def write_header(doc: NoticeDocument) -> None:
    """Red issuer mark, 文号 (blank on a draft), red separator rule."""
    mark = doc.settings.mark
    shaped = doc.ts.shape(mark, MARK_MAX_SIZE, FontRole.TITLE)
    natural = sum(shaped.advances) or 1.0
    size = min(MARK_MAX_SIZE, MARK_MAX_SIZE * TEXT_WIDTH / natural)
    if size != MARK_MAX_SIZE:
        shaped = doc.ts.shape(mark, size, FontRole.TITLE)
    top = TEXT_TOP + ISSUER_MARK_GAP
    width = sum(shaped.advances)
    line = Line(0, len(shaped.text), shaped.text, width, True)
    font = doc.ts.book.font(FontRole.TITLE)
    baseline = top + size * (1 + font.descent)  # the em box's top edge on the 35 mm line
    doc.ts.draw_line(shaped, line, TEXT_LEFT + (TEXT_WIDTH - width) / 2, baseline, 0.0, RED)
    # 文号 编排在发文机关标志下空二行位置.
    doc.flow.y = top + size + 2 * LINE_PITCH
    number_top = doc.flow.y
    if not doc.content.is_draft and doc.content.number:
        doc.write(doc.content.number, replace(FLUSH, align="center", justify=False))
    rule_y = number_top + LINE_PITCH / 2 + BODY_SIZE / 2 + RULE_GAP
    c = doc.canvas
    c.saveState()
    c.setStrokeColor(RED)
    c.setLineWidth(RULE_WIDTH)
    c.line(TEXT_LEFT, pdf_y(rule_y), TEXT_RIGHT, pdf_y(rule_y))
    c.restoreState()
    # 标题 编排于红色分隔线下空二行位置.
    doc.flow.y = rule_y
    doc.flow.snap_to_grid()
    doc.flow.y += LINE_PITCH


def write_title(doc: NoticeDocument) -> None:
    doc.write_title(doc.content.title or doc.texts.title, TITLE)
    doc.flow.skip_lines(1)


def recipient_line(doc: NoticeDocument) -> str:
    """主送: 标题下空一行, 居左顶格, ending in a full-width colon."""
    text = doc.content.recipient or fill(doc.texts.recipient, {"unit_name": doc.content.unit_name})
    return text if text.endswith(("：", ":")) else text + "："


def write_signoff(doc: NoticeDocument, seal: PngImage | None) -> None:
    issuer, day = doc.settings.issuer_name, format_date(doc.content.issued_on)
    doc.flow.skip_lines(1)
    name_cells, date_cells = _cells(doc, issuer), _cells(doc, day)
    if seal is None:
        # 署名右空二字; 日期首字比署名首字右移二字, or 右空二字 when the date is longer.
        name_right = 2.0
        date_right = name_right + name_cells - 2 - date_cells
        if date_right < 2:
            date_right = 2.0
            name_right = date_right + date_cells + 2 - name_cells
    else:
        # 日期右空四字; 署名以日期为准居中.
        date_right = 4.0
        name_right = date_right + (date_cells - name_cells) / 2
    style = TextStyle(indent_cells=0, align="right", justify=False)
    doc.write(issuer, replace(style, right_cells=max(0.0, name_right)))
    name_top = doc.flow.y - LINE_PITCH
    doc.write(day, replace(style, right_cells=date_right))
    if seal is not None:
        centre = TEXT_RIGHT - (date_right + date_cells / 2) * CHAR_PITCH
        _draw_seal(doc, seal, centre, name_top + 0.4 * LINE_PITCH)


def _cells(doc: NoticeDocument, text: str) -> float:
    """Width of a 三号 line in grid cells."""
    shaped = doc.ts.shape(text, BODY_SIZE)
    return (sum(shaped.advances) + (len(text) - 1) * (CHAR_PITCH - BODY_SIZE)) / CHAR_PITCH


def _draw_seal(doc: NoticeDocument, seal: PngImage, centre_x: float, centre_y: float) -> None:
    """The seal pressing on name and date (which sit below its centre), multiplied like ink."""
    width, height = seal.fit(SEAL_DIAMETER, SEAL_DIAMETER)
    c = doc.canvas
    c.saveState()
    c.setBlendMode("Multiply")
    c.drawImage(seal.reader, centre_x - width / 2, pdf_y(centre_y + height / 2), width, height,
                mask="auto")
    c.restoreState()


def _note_text(note: str | None) -> str:
    """附注: 居左空二字加圆括号, the line under the date."""
    if not note or not note.strip():
        return ""
    note = note.strip()
    return note if note.startswith("（") else f"（{note}）"
