"""GET /verify/{notice_id}: anyone holding a notice checks it is genuine (its QR code)."""

from __future__ import annotations

import json
import re
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import select

from fieldcheck.i18n import language, tr
from fieldcheck.server.clashes import has_number_clash
from fieldcheck.server.deps import DatabaseDep
from fieldcheck.server.feed import get_record, record_data
from fieldcheck.server.numbers import bureau_day
from fieldcheck.server.tables import Record
from fieldcheck.sync.protocol import ID_PATTERN, VerifyResponse

router = APIRouter()
_ID = re.compile(ID_PATTERN)
TYPE_NAMES = {
    "record": "现场检查记录", "rectification": "整改通知书", "recommendation": "效能监察建议书",
    "service": "送达回证", "circular": "通报", "accountability": "责任追究建议",
}
GENUINE = frozenset({"issued", "voided"})


def verify_notice(database: DatabaseDep, notice_id: str) -> tuple[VerifyResponse, str]:
    """The check, and the number of the notice that superseded it ("" when none)."""
    if not _ID.match(notice_id):
        return VerifyResponse(notice_id=notice_id[:36], genuine=False), ""
    with database.read() as session:
        record = get_record(session, "notice", notice_id)
        data = record_data(record) if record is not None else {}
        if record is None or data.get("deleted") or data.get("status") not in GENUINE:
            return VerifyResponse(notice_id=notice_id, genuine=False), ""
        unit = get_record(session, "unit", str(data.get("unit_id")))
        successor = session.scalars(
            select(Record.id).where(
                Record.entity == "notice",
                Record.data.contains(json.dumps({"supersedes_id": notice_id})[1:-1], autoescape=True),
            )
        ).first()
        newer = get_record(session, "notice", successor) if successor else None
        newer_number = str(record_data(newer).get("number") or "") if newer is not None else ""
        clash = data.get("status") == "issued" and has_number_clash(session, notice_id)
    return VerifyResponse(
        notice_id=notice_id, genuine=True, number=data.get("number"),
        type=tr(TYPE_NAMES[kind]) if (kind := str(data.get("type"))) in TYPE_NAMES else kind,
        unit=str(record_data(unit).get("name", "")) if unit is not None else "",
        issued_at=data.get("issued_at"), status=str(data["status"]),
        voided_by=successor, void_reason=str(data.get("void_reason") or ""),
        pdf_sha256=str(data.get("pdf_sha256") or ""), number_clash=clash,
    ), newer_number


@router.get(
    "/verify/{notice_id}",
    response_model=VerifyResponse,
    responses={200: {"content": {"text/html": {}}}, 404: {"content": {"text/html": {}}}},
)
def verify(notice_id: str, request: Request, database: DatabaseDep) -> Response:
    """Whether a notice is genuine: HTML for a phone, JSON when asked for application/json."""
    result, newer_number = verify_notice(database, notice_id)
    status = 200 if result.genuine else 404
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(result.model_dump(), status_code=status)
    return HTMLResponse(render_page(result, newer_number), status_code=status)


def _date(wire: str | None) -> str:
    if not wire:
        return "—"
    day = bureau_day(wire)
    return tr("{year}年{month}月{day}日", year=day.year, month=day.month, day=day.day)


_STYLE = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;
padding:16px;background:#f6f6f6;color:#222;line-height:1.6}
main{max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:20px}
h1{font-size:1.35em;margin:0 0 12px}
.ok{color:#17602b}.void{color:#a15c00}.bad{color:#b00020}
dl{margin:0}dt{color:#666;font-size:.9em;margin-top:10px}dd{margin:0;font-size:1.1em;
word-break:break-all}
.hash{font-family:monospace;font-size:.85em}
footer{margin-top:18px;color:#888;font-size:.85em}
"""


def render_page(result: VerifyResponse, newer_number: str = "") -> str:
    if not result.genuine:
        heading = f'<h1 class="bad">{tr("未查到该文书：不是本机关印发的有效文书")}</h1>'
        body = "<p>" + tr("服务器上没有编号为<br>{id}<br>的已印发文书。请勿相信此文书，并向印发机关核实。",
                          id=f'<span class="hash">{escape(result.notice_id)}</span>') + "</p>"
        return _page(heading + body)
    if result.status == "voided":
        heading = f'<h1 class="void">{tr("文书真实，但已作废")}</h1>'
        state = tr("已作废")
        if result.voided_by:
            newer = escape(newer_number) or f'<span class="hash">{escape(result.voided_by)}</span>'
            state += tr("（已由 {newer} 取代）",
                        newer=f'<a href="/verify/{escape(result.voided_by)}">{newer}</a>')
    elif result.number_clash:
        heading = f'<h1 class="void">{tr("文书真实，但文号与另一份文书重复")}</h1>'
        state = tr("有效；印发机关将以新文号更正，届时本页显示新文书")
    else:
        heading = f'<h1 class="ok">{tr("文书真实有效")}</h1>'
        state = tr("有效")
    rows = [
        (tr("文号"), escape(result.number or "—")),
        (tr("文书类型"), escape(result.type)),
        (tr("被检查单位"), escape(result.unit or "—")),
        (tr("印发日期"), _date(result.issued_at)),
        (tr("状态"), state),
    ]
    if result.status == "voided" and result.void_reason:
        rows.append((tr("作废原因"), escape(result.void_reason)))
    rows.append((tr("PDF 文件 SHA-256"), f'<span class="hash">{escape(result.pdf_sha256)}</span>'))
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return _page(f"{heading}<dl>{items}</dl>")


def _page(content: str) -> str:
    lang = "zh-CN" if language() == "zh" else language()
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{tr('文书核验')}</title><style>{_STYLE}</style></head><body><main>{content}"
        f"<footer>{tr('效能监察文书核验 · 以印发机关服务器记录为准')}</footer></main></body></html>"
    )
