"""Plain data a notice is rendered from, and the number and date formats of GB/T 9704."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from fieldcheck.i18n import tr
from fieldcheck.notices.errors import NoticeError


class NoticeType(StrEnum):
    RECORD = "record"  # 现场检查记录
    RECTIFICATION = "rectification"  # 整改通知书
    RECOMMENDATION = "recommendation"  # 效能监察建议书
    SERVICE = "service"  # 送达回证
    CIRCULAR = "circular"  # 通报
    ACCOUNTABILITY = "accountability"  # 责任追究建议


# A paragraph equal to this marker is replaced by the findings table (问题清单).
FINDINGS_PLACEHOLDER = "〖问题清单〗"


@dataclass
class NoticeSettings:
    """What the bureau configures once: issuer, 机关代字 per type, seal, fonts."""

    issuer_name: str
    issuer_mark: str = ""  # 发文机关标志 (红头); empty means the issuer name
    prefixes: dict[NoticeType, str] = field(default_factory=dict)  # 机关代字, e.g. 衡监整改
    seal_png: Path | None = None
    contact_line: str | None = None  # 附注, e.g. 联系人：王建国，电话：0318-2123456
    font_paths: dict[str, Path] = field(default_factory=dict)  # role (仿宋/黑体/楷体/小标宋/宋体) → file
    verify_url_base: str | None = None
    font_dirs: list[Path] | None = None  # restrict font discovery to these folders

    @property
    def mark(self) -> str:
        return self.issuer_mark or self.issuer_name


@dataclass
class FindingEntry:
    seq: int
    category_name: str
    description: str
    legal_basis: str = ""
    requirement: str = ""
    deadline: date | None = None
    responsible: str = ""
    severity: str = ""
    unit_name: str = ""  # the unit it was found at (a 通报 lists several units)
    status: str = ""  # what a 复查 found (责任追究建议: still not rectified …)


@dataclass
class SignatureEntry:
    role: str  # "inspector", "recipient" or "witness"
    name: str = ""
    png: bytes | None = None
    signed_at: datetime | None = None
    refused: bool = False
    refusal_reason: str = ""
    witness_name: str = ""


@dataclass
class NoticeContent:
    """Everything printed on one notice, already decided; rendering adds no facts."""

    type: NoticeType
    number: str | None = None  # the full 文号; None prints a draft
    unit_name: str = ""
    recipient: str = ""  # 主送; empty means "<unit_name>："
    title: str = ""  # empty means the type's default title
    place: str = ""
    started_at: datetime | None = None
    ended_at: datetime | None = None
    inspectors: list[tuple[str, str]] = field(default_factory=list)  # (name, credential no.)
    findings: list[FindingEntry] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    signatures: list[SignatureEntry] = field(default_factory=list)
    issued_on: date = field(default_factory=date.today)
    notice_id: str = ""
    qr_payload: str | None = None
    draft: bool = False
    # 版记 of the red-header types: 抄送机关, 印发机关 (empty: the issuer), 印发日期 (None: issued_on).
    cc: list[str] = field(default_factory=list)
    printed_by: str = ""
    printed_on: date | None = None

    @property
    def is_draft(self) -> bool:
        return self.draft or not self.number


def format_number(prefix: str, year: int, n: int) -> str:
    """文号 `机关代字〔YYYY〕N号`: 六角括号 U+3014/3015, the year in full, no leading zeros."""
    if not prefix.strip():
        raise NoticeError(tr("机关代字不能为空，请在设置中为该文书类型配置机关代字。"))
    if not 1000 <= year <= 9999:
        raise NoticeError(tr("年份 {year} 无效，文号中的年份应为四位数字。", year=year))
    if n < 1:
        raise NoticeError(tr("文号序号必须是正整数，而不是 {n}。", n=n))
    return f"{prefix.strip()}〔{year}〕{n}号"


def format_date(day: date) -> str:
    """成文日期 in Arabic numerals, month and day without 虚位: 2026年1月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


def format_time(moment: datetime) -> str:
    return f"{moment.hour}时{moment.minute:02d}分"


def format_period(start: datetime | None, end: datetime | None) -> str:
    """检查时间 from–to: 2026年11月27日9时30分至11时45分 (the date once if the same day)."""
    if start is None:
        return ""
    text = f"{format_date(start.date())}{format_time(start)}"
    if end is None:
        return text
    if end.date() == start.date():
        return f"{text}至{format_time(end)}"
    return f"{text}至{format_date(end.date())}{format_time(end)}"


def verification_payload(notice_id: str, content_hash: str, verify_url_base: str | None = None,
                         prefix_length: int = 12) -> str:
    """What the QR code encodes: a verification URL when a server is configured, else
    `FC1:<notice id>:<hash prefix>` that the bureau's server or app can look up offline."""
    digest = content_hash[:prefix_length]
    if verify_url_base:
        return f"{verify_url_base.rstrip('/')}/{notice_id}?h={digest}"
    return f"FC1:{notice_id}:{digest}"
