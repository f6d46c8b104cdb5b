"""表格式文书 (现场检查记录, 送达回证): a title, a table of fields, the findings, signatures.

No red header: these are records signed on site, not documents issued under a 文号 header.
A signature role without a captured signature prints an empty row to sign by hand.
"""

from __future__ import annotations

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
from fieldcheck.notices.geometry import SIZE_ERHAO, TEXT_WIDTH
from fieldcheck.notices.images import read_png
from fieldcheck.notices.model import SignatureEntry, format_date, format_period
from fieldcheck.notices.tables import Cell, Row, Table
from fieldcheck.notices.texts import fill

LABEL_WIDTH = 40 * mm
SIGNATURE_BOX = (55 * mm, 14 * mm)
SIGNATURE_ROW = 18 * mm
MAX_KEEP_LINES = 12

TITLE = TextStyle(size=SIZE_ERHAO, role=FontRole.TITLE, align="center", justify=False,
                  indent_cells=0, balanced=True)


def write_form(doc: NoticeDocument) -> None:
    doc.write_title(doc.content.title or doc.texts.title, TITLE)
    if doc.content.number and not doc.content.is_draft:
        label = fill(str(doc.common["number_label"]), {"number": doc.content.number})
        doc.write(label, replace(FLUSH, align="right", justify=False))
    else:
        doc.flow.skip_lines(1)
    order = list(doc.texts.order)
    tables = {"fields", "signatures"}
    for k, section in enumerate(order):
        joined_above = k > 0 and order[k - 1] in tables
        joined_below = k + 1 < len(order) and order[k + 1] in tables
        if section == "fields":
            doc.write_table(field_table(doc), not joined_above, not joined_below)
        elif section == "signatures":
            doc.write_table(signature_table(doc), not joined_above, not joined_below)
        elif section == "body":
            _write_form_body(doc, signs_next=order[k + 1:k + 2] == ["signatures"])


def _write_form_body(doc: NoticeDocument, signs_next: bool) -> None:
    """The record's text; its last lines stay on the page of the signatures, never apart."""
    rows = sum(max(1, sum(s.role == role for s in doc.content.signatures))
               for role, _label in signature_roles(doc))
    keep = min(MAX_KEEP_LINES, lines_needed(rows * SIGNATURE_ROW))
    style = NOTE if doc.texts.body_style == "note" else BODY
    doc.write_body(doc.content.paragraphs, keep_last_with=keep if signs_next else 0, style=style)


def field_value(doc: NoticeDocument, key: str) -> str:
    """A form field: an explicit NoticeContent.fields entry, else the notice's own facts."""
    content = doc.content
    if content.fields.get(key):
        return content.fields[key]
    builtin = {
        "unit_name": content.unit_name,
        "place": content.place,
        "period": format_period(content.started_at, content.ended_at),
        "served_at": format_date(content.issued_on),
        "inspectors": inspectors_text(doc),
        "number": content.number or "",
        "issued_on": format_date(content.issued_on),
    }
    return builtin.get(key, "")


def inspectors_text(doc: NoticeDocument) -> str:
    item = str(doc.common["inspector_item"])
    items = [fill(item, {"name": name, "credential": cred}) if cred else name
             for name, cred in doc.content.inspectors]
    return str(doc.common["inspector_separator"]).join(items)


def field_table(doc: NoticeDocument) -> Table:
    style = form_style()
    rows = []
    for spec in doc.texts.fields:
        label = Cell(spec.label, FontRole.HEITI, "center")
        value = Cell(field_value(doc, spec.key))
        rows.append(Row([label, value], min_height=max(1, spec.min_lines) * style.min_row_height))
    return Table([LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH], rows, None, style)


def signature_table(doc: NoticeDocument) -> Table:
    rows = []
    for role, label in signature_roles(doc):
        entries: list[SignatureEntry | None] = [s for s in doc.content.signatures if s.role == role] or [None]
        for entry in entries:
            rows.append(Row([Cell(label, FontRole.HEITI, "center"), signature_cell(doc, entry)],
                            min_height=SIGNATURE_ROW))
    return Table([LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH], rows, None, form_style())


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
    return Cell(text, image=image.reader, image_size=image.fit(*SIGNATURE_BOX))
