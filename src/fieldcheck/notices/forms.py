"""表格式文书 (现场检查记录, 送达回证): a title, a table of fields, the findings, signatures.

No red header: these are records signed on site, not documents issued under a 文号 header.
A signature role without a captured signature prints an empty row to sign by hand, and
every inspector gets a row of their own. A 笔录 is signed page by page: each page of the
record carries a signature footer (each inspector, the unit's person) and 第X页 共Y页. Its
closing sentence says what happened: confirmed, read aloud, refused (with the reason and
the witness), or disputed items. The 送达回证 is headed by the issuing body and ends with
its seal space.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from reportlab.lib.units import mm

from fieldcheck.notices.document import (
    BODY,
    FLUSH,
    NOTE,
    NoticeDocument,
    TextStyle,
    form_style,
    lines_needed,
)
from fieldcheck.notices.fontfiles import FontRole
from fieldcheck.notices.geometry import (
    BLACK,
    LINE_PITCH,
    SIZE_ERHAO,
    SIZE_SANHAO,
    TEXT_BOTTOM,
    TEXT_LEFT,
    TEXT_RIGHT,
    TEXT_WIDTH,
    pdf_y,
)
from fieldcheck.notices.images import read_png
from fieldcheck.notices.linebreak import Line
from fieldcheck.notices.model import SignatureEntry, format_date, format_period
from fieldcheck.notices.tables import Cell, Row, Table, TableStyle, TableWriter
from fieldcheck.notices.texts import fill

LABEL_WIDTH = 44 * mm  # 8 四号 characters: 统一社会信用代码 on one line
CLOSING_PLACEHOLDER = "〖记录结论〗"
FOOTER_LINES = 2  # grid lines a 笔录 keeps at each page foot for the signatures
FOOTER_SIZE = 12.0
SEAL_ROW = 34 * mm
SIGNATURE_BOX = (55 * mm, 14 * mm)
SIGNATURE_ROW = 18 * mm
MAX_KEEP_LINES = 18

TITLE = TextStyle(size=SIZE_ERHAO, role=FontRole.TITLE, align="center", justify=False,
                  indent_cells=0, balanced=True)


def write_form(doc: NoticeDocument) -> None:
    if doc.texts.page_footer:
        doc.flow.bottom = TEXT_BOTTOM - FOOTER_LINES * LINE_PITCH
    if doc.texts.heading:
        heading = fill(doc.texts.heading, {"issuer_name": doc.settings.issuer_name})
        doc.write(heading, replace(TITLE, size=SIZE_SANHAO * 1.25))
    doc.write_title(doc.content.title or doc.texts.title, TITLE)
    if doc.content.number and not doc.content.is_draft:
        label = fill(str(doc.common["number_label"]), {"number": doc.content.number})
        doc.write(label, replace(FLUSH, align="right", justify=False))
    else:
        doc.flow.skip_lines(1)
    order = list(doc.texts.order)
    tables = {"fields", "signatures", "remarks", "seal"}
    for k, section in enumerate(order):
        joined_above = k > 0 and order[k - 1] in tables
        joined_below = k + 1 < len(order) and order[k + 1] in tables
        if section == "fields":
            doc.write_table(field_table(doc), not joined_above, not joined_below)
        elif section == "signatures":
            doc.write_table(signature_table(doc), not joined_above, not joined_below)
        elif section == "body":
            _write_form_body(doc, signs_next=order[k + 1:k + 2] == ["signatures"])
        elif section == "remarks":
            doc.write_table(remarks_table(doc), not joined_above, False)
        elif section == "seal":
            doc.write_table(seal_table(doc), False, False)
            doc.flow.skip(2 * mm)


def _write_form_body(doc: NoticeDocument, signs_next: bool) -> None:
    """The record's text; its last lines stay on the page of the signatures, never apart."""
    # The closing sentence stays on the page of the whole signature table.
    keep = min(MAX_KEEP_LINES, lines_needed(TableWriter(doc.ts, doc.flow,
                                                        signature_table(doc)).height()))
    style = NOTE if doc.texts.body_style == "note" else BODY
    paragraphs = [closing_sentence(doc) if p.strip() == CLOSING_PLACEHOLDER else p
                  for p in doc.content.paragraphs]
    doc.write_body(paragraphs, keep_last_with=keep if signs_next else 0, style=style)


def closing_sentence(doc: NoticeDocument) -> str:
    """记录结论 from what happened on site, never a template alternative printed as it is."""
    closing, content = doc.texts.closing, doc.content
    if not closing:
        return ""
    recipient = next((s for s in content.signatures if s.role == "recipient"), None)
    name = recipient.name if recipient is not None else ""
    disputes = disputes_text(content.fields, closing)
    if recipient is not None and recipient.refused:
        witness = (fill(closing["refused_witness"], {"witness": recipient.witness_name})
                   if recipient.witness_name else "")
        reason = (recipient.refusal_reason or "未说明").rstrip("。")
        return fill(closing["refused"], {"name": name, "reason": reason, "witness": witness})
    if recipient is None or (recipient.png is None and recipient.signed_at is None):
        return closing["pending"]
    if disputes:
        return fill(closing["disputed"], {"name": name, "disputes": disputes})
    key = "read_aloud" if content.fields.get("read_aloud", "").strip() in ("1", "是", "yes") \
        else "confirmed"
    return fill(closing[key], {"name": name})


def disputed_numbers(text: str) -> list[int]:
    """问题清单 numbers as typed: "2、3", "2,3", "第2项 第5项" … in order, each once."""
    numbers: list[int] = []
    for digits in re.findall(r"\d+", text):
        if int(digits) not in numbers:
            numbers.append(int(digits))
    return numbers


def disputes_text(fields: dict[str, str], closing: Mapping[str, str]) -> str:
    """What the unit disputes: the typed `disputes`, else the disputed findings and the reason."""
    explicit = fields.get("disputes", "").strip().rstrip("。")
    if explicit:
        return explicit
    numbers = disputed_numbers(fields.get("disputed_items", ""))
    reason = fields.get("dispute_reason", "").strip().rstrip("。")
    if not numbers and not reason:
        return ""
    items = (fill(closing.get("disputed_items", "第{items}项"), {"items": "、".join(map(str, numbers))}) if numbers
             else closing.get("disputed_unspecified", "部分记录内容"))
    return fill(closing.get("disputed_reason", "{items}（理由：{reason}）"), {"items": items, "reason": reason}) if reason else items


def field_value(doc: NoticeDocument, key: str) -> str:
    """A form field: an explicit NoticeContent.fields entry, else the notice's own facts."""
    content = doc.content
    if content.fields.get(key):
        return content.fields[key]
    builtin = {
        "document": document_text(content.fields),
        "unit_name": content.unit_name,
        "place": content.place,
        "period": format_period(content.started_at, content.ended_at),
        "served_at": format_date(content.issued_on),
        "inspectors": inspectors_text(doc),
        "number": content.number or "",
        "issued_on": format_date(content.issued_on),
    }
    return builtin.get(key, "")


def document_text(fields: dict[str, str]) -> str:
    """送达文书及文号: 效能监察整改通知书（衡监整改〔2026〕7号）."""
    name, number = fields.get("document_name", ""), fields.get("document_number", "")
    return f"{name}（{number}）" if name and number else name or number


def inspectors_text(doc: NoticeDocument) -> str:
    item = str(doc.common["inspector_item"])
    items = [fill(item, {"name": name, "credential": cred}) if cred else name
             for name, cred in doc.content.inspectors]
    return str(doc.common["inspector_separator"]).join(items)


def _style(doc: NoticeDocument) -> TableStyle:
    return form_style(compact=doc.texts.compact)


def _signature_row(doc: NoticeDocument) -> float:
    return float(SIGNATURE_ROW * (0.65 if doc.texts.compact else 1.0))


def field_table(doc: NoticeDocument) -> Table:
    style = _style(doc)
    rows = []
    for spec in doc.texts.fields:
        label = Cell(spec.label, FontRole.HEITI, "center")
        value = Cell(field_value(doc, spec.key))
        rows.append(Row([label, value], min_height=max(1, spec.min_lines) * style.min_row_height))
    return Table([LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH], rows, None, style)


def signature_table(doc: NoticeDocument) -> Table:
    rows = []
    for role, label in signature_roles(doc):
        if role == "proxy":  # 代收人: a name and relation written in, or by hand on paper
            text = doc.content.fields.get("proxy", "")
            rows.append(Row([Cell(label, FontRole.HEITI, "center"), Cell(text)],
                            min_height=_signature_row(doc)))
            continue
        if role == "recorder" and not doc.content.fields.get("recorder"):
            continue
        entries: list[SignatureEntry | None] = [
            s for s in doc.content.signatures if s.role == role]
        if role == "inspector":  # one row for each inspector, signed or to sign by hand
            signed = {s.name for s in entries if s is not None}
            entries += [None for name, _cred in doc.content.inspectors if name not in signed]
        for entry in entries or [None]:
            rows.append(Row([Cell(label, FontRole.HEITI, "center"), signature_cell(doc, entry)],
                            min_height=_signature_row(doc)))
    return Table([LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH], rows, None, _style(doc))


def remarks_table(doc: NoticeDocument) -> Table:
    style = _style(doc)
    row = Row([Cell("备注", FontRole.HEITI, "center"), Cell(doc.content.fields.get("remarks", ""))],
              min_height=(1.2 if doc.texts.compact else 1.5) * style.min_row_height)
    return Table([LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH], [row], None, style)


def seal_table(doc: NoticeDocument) -> Table:
    """The issuing body's seal space: its name and a date to fill, room for the stamp."""
    seal = doc.texts.seal
    text = fill(seal.get("text", ""), {"issuer_name": doc.settings.issuer_name})
    row = Row([Cell(seal.get("label", ""), FontRole.HEITI, "center"), Cell(text, align="right")],
              min_height=SEAL_ROW * (0.65 if doc.texts.compact else 1.0))
    return Table([LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH], [row], None, _style(doc))


def draw_page_footer(doc: NoticeDocument, page: int, total: int | None) -> None:
    """Each page of a 笔录: a line for each inspector and the unit's person to sign, and
    第X页 共Y页, in the grid lines kept free at the page foot."""
    common = doc.common
    top = TEXT_BOTTOM - FOOTER_LINES * LINE_PITCH + 4 * mm
    names = [name for name, _cred in doc.content.inspectors] or [""]
    first = str(common["footer_inspectors"])
    second = str(common["footer_unit"])
    rule = 30 * mm
    y = top + FOOTER_SIZE
    x = _footer_text(doc, first, TEXT_LEFT, y)
    for _name in names:
        _footer_rule(doc, x + 2 * mm, x + 2 * mm + rule, y)
        x += rule + 5 * mm
    y += LINE_PITCH * 0.8
    x = _footer_text(doc, second, TEXT_LEFT, y)
    _footer_rule(doc, x + 2 * mm, x + 2 * mm + rule, y)
    pages = fill(str(common["footer_pages"]), {"page": page, "total": total or "　"})
    shaped = doc.ts.shape(pages, FOOTER_SIZE)
    width = shaped.glyph_width(0, len(shaped.text))
    _footer_text(doc, pages, TEXT_RIGHT - width, y)


def _footer_text(doc: NoticeDocument, text: str, x: float, baseline: float) -> float:
    shaped = doc.ts.shape(text, FOOTER_SIZE)
    line = Line(0, len(shaped.text), shaped.text, 0.0, True)
    doc.ts.draw_line(shaped, line, x, baseline, 0.0, BLACK)
    return x + shaped.glyph_width(0, len(shaped.text))


def _footer_rule(doc: NoticeDocument, x0: float, x1: float, baseline: float) -> None:
    c = doc.canvas
    c.saveState()
    c.setLineWidth(0.5)
    c.line(x0, pdf_y(baseline + 2), x1, pdf_y(baseline + 2))
    c.restoreState()


def signature_roles(doc: NoticeDocument) -> list[tuple[str, str]]:
    roles = list(doc.texts.signatures)
    known = {role for role, _ in roles}
    fallback = {"inspector": "检查人员\n（签名）", "recipient": "签收人\n（签名）",
                "witness": "见证人\n（签名）"}
    for entry in doc.content.signatures:
        if entry.role not in known:
            roles.append((entry.role, fallback.get(entry.role, entry.role)))
            known.add(entry.role)
    return roles


def signature_cell(doc: NoticeDocument, entry: SignatureEntry | None) -> Cell:
    """The captured signature and date, a recorded refusal, or room to sign by hand."""
    common = doc.common
    if entry is None:
        return Cell(str(common["signature_blank_date"]), align="right")
    when = format_date(entry.signed_at.date()) if entry.signed_at else ""
    if entry.refused:
        key = "refusal" if entry.witness_name else "refusal_no_witness"
        text = fill(str(common[key]), {"reason": entry.refusal_reason or "××",
                                        "witness": entry.witness_name})
        return Cell("　".join(t for t in (entry.name, text, when) if t))
    if entry.png is None:
        return Cell("　".join(t for t in (entry.name, when) if t)
                    or str(common["signature_blank_date"]), align="right")
    image = read_png(entry.png, f"{entry.name}的签名图片")
    text = "　".join(t for t in (entry.name, when) if t)
    box = (SIGNATURE_BOX[0], SIGNATURE_BOX[1] * (0.65 if doc.texts.compact else 1.0))
    return Cell(text, image=image.reader, image_size=image.fit(*box))
