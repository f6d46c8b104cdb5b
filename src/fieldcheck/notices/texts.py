"""Notice wording from resources/notices/*.json: titles, fixed paragraphs, labels, columns.

Paragraph templates use `{name}` placeholders filled from a context mapping; dates are written
as 2026年11月27日. A placeholder the context lacks prints as ×× so the inspector sees it.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from fieldcheck.i18n import tr
from fieldcheck.notices.errors import NoticeError
from fieldcheck.notices.model import NoticeType, format_date
from fieldcheck.paths import resources_dir

UNKNOWN = "××"


@dataclass(frozen=True)
class Column:
    key: str  # a FindingEntry attribute
    label: str
    width_mm: float
    align: str = "left"


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    min_lines: int = 1


@dataclass(frozen=True)
class NoticeTexts:
    type: NoticeType
    name: str  # 整改通知书
    title: str  # 效能监察整改通知书
    layout: str  # "official" (红头公文) or "form" (表格式记录)
    recipient: str
    paragraphs: tuple[str, ...]  # for a service window (the default)
    paragraphs_by_unit_kind: Mapping[str, tuple[str, ...]]  # department, enterprise, project
    fields: tuple[FormField, ...]
    order: tuple[str, ...]  # form sections: fields, body, signatures
    body_style: str  # "body" (三号 on the grid) or "note" (small print, e.g. 送达回证 说明)
    signatures: tuple[tuple[str, str], ...]  # (role, label)
    columns: tuple[Column, ...]
    common: Mapping[str, Any]
    compact: bool = False  # a one-page form in 小四 (送达回证)
    page_footer: bool = False  # forms signed page by page (笔录): signature line, 第X页 共Y页
    closing: Mapping[str, str] = field(default_factory=dict)  # 记录结论 by what happened
    heading: str = ""  # a form's issuing body line above the title (送达回证)
    seal: Mapping[str, str] = field(default_factory=dict)  # the issuing body's seal space


def notices_dir() -> Path:
    return resources_dir() / "notices"


def _read(name: str) -> dict[str, Any]:
    path = notices_dir() / f"{name}.json"
    try:
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, json.JSONDecodeError) as exc:
        raise NoticeError(tr("文书文本文件 {path} 无法读取：{reason}", path=path, reason=exc)) from exc
    if not isinstance(data, dict):
        raise NoticeError(tr("文书文本文件 {path} 的内容应为 JSON 对象。", path=path))
    return data


@cache
def common_texts() -> Mapping[str, Any]:
    return _read("common")


@cache
def raw_texts(notice_type: NoticeType) -> Mapping[str, Any]:
    """A type's text file as it stands (the drafting wording of 通报 and 责任追究建议书)."""
    return _read(notice_type.value)


@cache
def load_texts(notice_type: NoticeType) -> NoticeTexts:
    data, common = _read(notice_type.value), common_texts()
    try:
        columns = data.get("findings_columns", common["findings_columns"])
        return NoticeTexts(
            type=notice_type,
            name=str(data["name"]),
            title=str(data["title"]),
            layout=str(data.get("layout", "official")),
            recipient=str(data.get("recipient", "{unit_name}：")),
            paragraphs=tuple(str(p) for p in data.get("paragraphs", [])),
            paragraphs_by_unit_kind={str(kind): tuple(str(p) for p in paras) for kind, paras
                                     in data.get("paragraphs_by_unit_kind", {}).items()},
            fields=tuple(FormField(**f) for f in data.get("fields", [])),
            order=tuple(data.get("order", ["fields", "body", "signatures"])),
            body_style=str(data.get("body_style", "body")),
            signatures=tuple((str(s["role"]), str(s["label"])) for s in data.get("signatures", [])),
            columns=tuple(Column(**c) for c in columns),
            common=common,
            compact=bool(data.get("compact", False)),
            page_footer=bool(data.get("page_footer", False)),
            closing={str(k): str(v) for k, v in data.get("closing", {}).items()},
            heading=str(data.get("heading", "")),
            seal={str(k): str(v) for k, v in data.get("seal", {}).items()},
        )
    except (KeyError, TypeError) as exc:
        path = notices_dir() / f"{notice_type.value}.json"
        raise NoticeError(tr("文书文本文件 {path} 缺少或写错了字段：{field}", path=path, field=exc)) from exc


class _Context(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return UNKNOWN


def _as_text(value: object) -> str:
    if isinstance(value, datetime):
        return format_date(value.date())
    if isinstance(value, date):
        return format_date(value)
    return "" if value is None else str(value)


def fill(template: str, context: Mapping[str, object]) -> str:
    """Fill `{name}` placeholders; unknown ones print as ×× rather than failing."""
    values = _Context({key: _as_text(value) for key, value in context.items()})
    try:
        return string.Formatter().vformat(template, (), values)
    except (ValueError, IndexError) as exc:
        raise NoticeError(tr("文书文本“{template}”中的占位符有误：{reason}",
                             template=template, reason=exc)) from exc


def default_paragraphs(notice_type: NoticeType, context: Mapping[str, object],
                       unit_kind: str = "") -> list[str]:
    """The type's fixed paragraphs with the visit's facts filled in, ready to be edited; the
    wording written for the inspected unit's kind when the texts have one.

    Context keys used by the shipped texts: unit_name, issuer_name, inspection_date, place,
    reply_deadline, rectify_days, document_name, document_number, period.
    """
    texts = load_texts(NoticeType(notice_type))
    paragraphs = texts.paragraphs_by_unit_kind.get(unit_kind, texts.paragraphs)
    return [fill(p, context) for p in paragraphs]


def default_title(notice_type: NoticeType) -> str:
    return load_texts(NoticeType(notice_type)).title
