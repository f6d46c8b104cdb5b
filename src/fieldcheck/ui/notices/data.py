"""What the notices dialog reads and writes, as worker functions over one Session each.

Qt-free: these run on a worker thread, take ids and plain values, and return plain
dataclasses (never ORM objects), so nothing bound to a Session crosses threads.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from fieldcheck.domain import notices, numbering
from fieldcheck.domain.notice_settings import BureauSettings, load_settings
from fieldcheck.domain.visits import get_visit
from fieldcheck.i18n import tr
from fieldcheck.models import Unit
from fieldcheck.notices import (
    FINDINGS_PLACEHOLDER,
    NoticeType,
    default_title,
    format_date,
    format_number,
    format_period,
)
from fieldcheck.notices.fonts import font_book
from fieldcheck.notices.fontstyle import stand_in_warnings
from fieldcheck.notices.forms import CLOSING_PLACEHOLDER, document_text
from fieldcheck.notices.texts import load_texts

if TYPE_CHECKING:
    from fieldcheck.store import Store

# The notices issued from a visit, in the order offered (the same six as the command line's
# `notice sample --type` and the README).
VISIT_TYPES = (NoticeType.RECORD, NoticeType.RECTIFICATION, NoticeType.RECOMMENDATION,
               NoticeType.SERVICE, NoticeType.CIRCULAR, NoticeType.ACCOUNTABILITY)
STATUS_NAMES = {"draft": "草稿", "issued": "已签发", "voided": "已作废"}
ROLE_NAMES = {"inspector": "检查人员", "recipient": "被检查单位负责人", "witness": "见证人"}
# Form fields the renderer fills from the notice itself when left empty.
AUTOMATIC_FIELDS = {"unit_name", "place", "period", "served_at", "inspectors", "number", "issued_on",
                    "document"}


def type_name(notice_type: str) -> str:
    return tr(notices.TYPE_NAMES.get(NoticeType(notice_type), notice_type))


@dataclass(frozen=True)
class NoticeRow:
    id: str
    type: str
    status: str
    number: str | None
    created_at: datetime | None
    supersedes_id: str | None
    void_reason: str
    number_clash: bool = False  # the bureau found its 文号 taken: to be issued again (更正)

    @property
    def type_name(self) -> str:
        return type_name(self.type)

    @property
    def status_name(self) -> str:
        return tr(STATUS_NAMES.get(self.status, self.status))

    @property
    def number_text(self) -> str:
        return self.number or tr("草稿（未编号）")

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


@dataclass(frozen=True)
class VisitNotices:
    visit_id: str
    unit_name: str
    place: str
    rows: tuple[NoticeRow, ...]
    settings: BureauSettings
    user_name: str  # who works on this laptop: offered as the signing inspector


@dataclass(frozen=True)
class SignatureRow:
    id: str
    role: str
    name: str
    refused: bool
    refusal_reason: str
    witness_name: str
    signed_at: datetime | None

    @property
    def role_name(self) -> str:
        return tr(ROLE_NAMES.get(self.role, self.role))


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    value: str  # what the inspector wrote; empty means the automatic value
    automatic: str  # what prints when value is empty ("" for a field the inspector must fill)


@dataclass(frozen=True)
class ClosingFacts:
    """What happened when the record was shown to the unit (the 记录结论 is chosen from it)."""

    read_aloud: bool
    disputed_items: str  # 问题清单 numbers the unit disputes, as typed
    dispute_reason: str


@dataclass(frozen=True)
class NoticeDetail:
    row: NoticeRow
    layout: str  # "official" (红头公文) or "form" (表格式记录)
    title: str
    recipient: str
    cc: tuple[str, ...]  # 抄送 of the 版记 (official layout only)
    paragraphs: tuple[str, ...]
    form_fields: tuple[FormField, ...]
    findings_count: int
    inspectors: tuple[str, ...]
    signatures: tuple[SignatureRow, ...]
    superseded_number: str | None  # the notice this one corrects, if any
    closing: ClosingFacts | None = None  # for a notice that ends with a 记录结论

    @property
    def editable(self) -> bool:
        return self.row.is_draft


@dataclass(frozen=True)
class IssuePlan:
    """What issuing will do, for the confirmation: the number it will take, if known."""

    number: str | None
    remaining: int  # numbers left in this device's blocks for the type and year
    authority: str  # "local" (makes its own blocks), "remote" (leases them), "none"
    problem: str = ""  # why it cannot be issued (e.g. no 机关代字 configured)

    @property
    def running_low(self) -> bool:
        """A device that cannot make its own blocks should sync before it runs out."""
        return self.authority != "local" and self.remaining <= numbering.LOW_WATER


@dataclass(frozen=True)
class IssueOutcome:
    notice_id: str
    number: str
    remaining: int
    running_low: bool


def _row(notice: Any, clashes: Collection[str] = ()) -> NoticeRow:
    return NoticeRow(notice.id, notice.type, notice.status, notice.number, notice.created_at,
                     notice.supersedes_id, notice.void_reason or "", notice.id in clashes)


def load(store: Store, visit_id: str) -> VisitNotices:
    settings = load_settings(store.data_dir)
    user_name = store.identity().user_name
    with store.read() as s:
        visit = get_visit(s, visit_id)
        unit = s.get(Unit, visit.unit_id)
        listed = notices.notices_of(s, visit_id)
        clashes = notices.clashing_numbers(s, [n.id for n in listed])
        rows = tuple(_row(n, clashes) for n in listed)
        return VisitNotices(visit_id, unit.name if unit else "", visit.place or "", rows, settings,
                            user_name)


def load_settings_of(store: Store) -> BureauSettings:
    return load_settings(store.data_dir)


def _automatic_values(content: Any) -> dict[str, str]:
    names = "、".join(name for name, _cred in content.inspectors)
    return {
        "unit_name": content.unit_name,
        "place": content.place,
        "period": format_period(content.started_at, content.ended_at),
        "served_at": format_date(content.issued_on),
        "issued_on": format_date(content.issued_on),
        "inspectors": names,
        "number": content.number or tr("签发时自动编号"),
        "document": document_text(content.fields),
    }


def load_detail(store: Store, notice_id: str) -> NoticeDetail:
    with store.read() as s:
        notice = notices.get_notice(s, notice_id)
        content = notices.content_from_json(notice.content)
        texts = load_texts(NoticeType(notice.type))
        automatic = _automatic_values(content)
        form_fields = tuple(
            FormField(f.key, f.label, content.fields.get(f.key, ""),
                      automatic.get(f.key, "") if f.key in AUTOMATIC_FIELDS else "")
            for f in texts.fields
        )
        signatures = tuple(
            SignatureRow(g.id, g.role, g.name, g.refused, g.refusal_reason, g.witness_name,
                         g.signed_at)
            for g in notices.signatures_of(s, notice_id)
        )
        superseded = None
        if notice.supersedes_id:
            superseded = notices.get_notice(s, notice.supersedes_id).number
        return NoticeDetail(
            row=_row(notice, notices.clashing_numbers(s, [notice.id])), layout=texts.layout,
            title=content.title or default_title(NoticeType(notice.type)),
            recipient=content.recipient or f"{content.unit_name}：",
            cc=tuple(content.cc),
            paragraphs=tuple(content.paragraphs), form_fields=form_fields,
            findings_count=len(content.findings),
            inspectors=tuple(name for name, _cred in content.inspectors),
            signatures=signatures, superseded_number=superseded,
            closing=ClosingFacts(
                read_aloud=content.fields.get("read_aloud", "").strip() in ("1", "是", "yes"),
                disputed_items=content.fields.get("disputed_items", ""),
                dispute_reason=content.fields.get("dispute_reason", ""),
            ) if texts.closing else None,
        )


def create(store: Store, visit_id: str, notice_type: str, settings: BureauSettings) -> str:
    with store.write() as s:
        return notices.create_draft(s, visit_id, notice_type, settings).id


def save_wording(store: Store, notice_id: str, changes: dict[str, Any]) -> str:
    with store.write() as s:
        notices.update_draft(s, notice_id, **changes)
    return notice_id


def sign(store: Store, notice_id: str, role: str, name: str, png: bytes,
         strokes: list[list[tuple[float, float]]]) -> str:
    with store.write() as s:
        return notices.sign(s, notice_id, role, name, strokes, png).id


def refuse(store: Store, notice_id: str, name: str, reason: str, witness_name: str) -> str:
    with store.write() as s:
        return notices.record_refusal(s, notice_id, name, reason, witness_name).id


def remove_signature(store: Store, signature_id: str) -> str:
    with store.write() as s:
        notices.remove_signature(s, signature_id)
    return signature_id


def render(store: Store, notice_id: str, settings: BureauSettings) -> bytes:
    """The PDF as it prints now: the frozen PDF once issued, else the watermarked draft."""
    return notices.render_draft(store, notice_id, settings)


def font_warnings(settings: BureauSettings) -> list[str]:
    """Plain warnings for roles printed in a face of another style (e.g. a 宋体 for 仿宋)."""
    book = font_book(settings.notice.font_paths, settings.notice.font_dirs)
    return stand_in_warnings(book)


def authority_kind(authority: numbering.NumberAuthority | None) -> str:
    if authority is None:
        return "none"
    return "local" if isinstance(authority, numbering.LocalAuthority) else "remote"


def plan_issue(store: Store, notice_id: str, settings: BureauSettings,
               authority: numbering.NumberAuthority | None) -> IssuePlan:
    """The number the notice will most likely take (another device or a retry may move it);
    None when it is not known here (no number left, or a block still to be leased)."""
    year = date.today().year
    kind_name = authority_kind(authority)
    with store.read() as s:
        if kind_name == "local" and numbering.is_enrolled(s):
            kind_name = "remote"  # an enrolled laptop's numbers come only from server leases
        kind = NoticeType(notices.get_notice(s, notice_id).type)
        left = numbering.remaining(s, kind, year)
        problems = notices.issue_problems(s, notice_id, settings)
        seq = numbering.peek_next(s, kind, year, authority)
    if problems:  # issue_notice refuses these; say so before asking
        return IssuePlan(None, left, kind_name, problem="\n".join(problems))
    if seq is None:
        return IssuePlan(None, left, kind_name)
    number = format_number(settings.notice.prefixes.get(kind, ""), year, seq)
    return IssuePlan(number, left, kind_name)


def issue(store: Store, notice_id: str, settings: BureauSettings,
          authority: numbering.NumberAuthority | None) -> IssueOutcome:
    notice = notices.issue_notice(store, notice_id, settings, authority)
    number = notice.number or ""
    with store.read() as s:
        left = numbering.remaining(s, notice.type, notice.number_year or date.today().year)
        low = numbering.is_running_low(s, notice.type, notice.number_year or date.today().year,
                                       authority)
    return IssueOutcome(notice_id, number, left, low)


def correct(store: Store, notice_id: str, reason: str, settings: BureauSettings) -> str:
    with store.write() as s:
        return notices.start_correction(s, notice_id, reason, settings).id


def void(store: Store, notice_id: str, reason: str) -> str:
    with store.write() as s:
        notices.void_notice(s, notice_id, reason)
    return notice_id


def marker_of(paragraph: str) -> str:
    """The fixed block a body paragraph stands for: 〖问题清单〗 or 〖记录结论〗, else ""."""
    text = paragraph.strip()
    return text if text in (FINDINGS_PLACEHOLDER, CLOSING_PLACEHOLDER) else ""
