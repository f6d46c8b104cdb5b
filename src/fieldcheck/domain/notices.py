"""Official notices (文书) of a visit: drafts, signatures, issuing with a number, voiding.

Issuing is three steps so a number is never printed twice: (1) reserve the number and
commit; (2) render and durably write the PDF; (3) freeze the notice with the PDF's SHA-256.
A crash after (1) burns the number (numbering.recover_interrupted, run at start-up); the
next issue takes a fresh one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck import templates as tpl
from fieldcheck.domain import numbering
from fieldcheck.domain.changes import record_change
from fieldcheck.domain.checklist import answers_of, template_of
from fieldcheck.domain.findings import SEVERITY_NAMES, category_name, findings_of
from fieldcheck.domain.followup import notify_by_notice
from fieldcheck.domain.notice_settings import BureauSettings
from fieldcheck.domain.people import actor_of
from fieldcheck.domain.visits import KIND_NAMES, get_visit
from fieldcheck.errors import ReadOnlyError, ValidationError, os_error_text
from fieldcheck.i18n import tr
from fieldcheck.models import (
    Inspector,
    LocalIdentity,
    Notice,
    Rejection,
    Signature,
    Unit,
    Visit,
    VisitKind,
)
from fieldcheck.models.coltypes import utcnow
from fieldcheck.notices import (
    FindingEntry,
    NoticeContent,
    NoticeType,
    SignatureEntry,
    build_notice,
    default_paragraphs,
    default_title,
    format_date,
    format_number,
    render_checked,
    verification_payload,
)
from fieldcheck.notices.model import format_time
from fieldcheck.photos.durable import write_durably
from fieldcheck.store.database import Store
from fieldcheck.sync.entities import NUMBER_CLASH

TYPE_NAMES = {
    NoticeType.RECORD: "现场检查记录",
    NoticeType.RECTIFICATION: "整改通知书",
    NoticeType.RECOMMENDATION: "效能监察建议书",
    NoticeType.SERVICE: "送达回证",
    NoticeType.CIRCULAR: "通报",
    NoticeType.ACCOUNTABILITY: "责任追究建议",
}
ROLES = ("inspector", "recipient", "witness")


# --- content snapshot <-> plain JSON -------------------------------------------------------

def content_to_json(content: NoticeContent) -> dict[str, Any]:
    data = asdict(content)
    data["type"] = str(content.type)
    data["issued_on"] = content.issued_on.isoformat()
    data["printed_on"] = content.printed_on.isoformat() if content.printed_on else None
    for key in ("started_at", "ended_at"):
        value = getattr(content, key)
        data[key] = value.isoformat() if value else None
    data["findings"] = [
        {**asdict(f), "deadline": f.deadline.isoformat() if f.deadline else None} for f in content.findings
    ]
    data["signatures"] = []  # signatures live in their own rows; merged in at render time
    return data


def content_from_json(data: dict[str, Any]) -> NoticeContent:
    d = dict(data)
    d.pop("pages", None)  # the issued notice's page count, kept beside its content
    d["type"] = NoticeType(d["type"])
    d["issued_on"] = date.fromisoformat(d["issued_on"])
    d["printed_on"] = date.fromisoformat(d["printed_on"]) if d.get("printed_on") else None
    for key in ("started_at", "ended_at"):
        d[key] = datetime.fromisoformat(d[key]) if d.get(key) else None
    d["inspectors"] = [tuple(p) for p in d.get("inspectors", [])]
    d["findings"] = [
        FindingEntry(**{**f, "deadline": date.fromisoformat(f["deadline"]) if f.get("deadline") else None})
        for f in d.get("findings", [])
    ]
    d["signatures"] = []
    return NoticeContent(**d)


# --- drafts ---------------------------------------------------------------------------------

def finding_entries(session: Session, visit_id: str) -> list[FindingEntry]:
    return [
        FindingEntry(
            seq=n, category_name=category_name(f.category), description=f.description,
            legal_basis=f.legal_basis, requirement=f.requirement, deadline=f.deadline,
            responsible=f.responsible, severity=SEVERITY_NAMES.get(f.severity, f.severity),
        )
        for n, f in enumerate(findings_of(session, visit_id), start=1)
    ]


def prefill_content(session: Session, visit_id: str, notice_type: NoticeType, settings: BureauSettings,
                    today: date | None = None) -> NoticeContent:
    """The notice as the visit's record says it: unit, place, time, inspectors, findings.
    `today`: the day it is drafted for, from which the reply deadline counts (default: today)."""
    visit = get_visit(session, visit_id)
    unit = session.get(Unit, visit.unit_id)
    assert unit is not None
    member_ids = [visit.lead_inspector_id, *visit.member_ids] if visit.lead_inspector_id else visit.member_ids
    if not member_ids:  # an ad-hoc visit with no team recorded: the laptop's user did it
        user = session.scalars(select(LocalIdentity.inspector_id)).one()
        member_ids = [user] if user else []
    inspectors: list[tuple[str, str]] = []
    for iid in dict.fromkeys(i for i in member_ids if i):
        person = session.get(Inspector, iid)
        if person is not None:
            inspectors.append((person.name, person.credential_no))
    findings = finding_entries(session, visit_id)
    started = visit.started_at.astimezone() if visit.started_at else None
    ended = visit.ended_at.astimezone() if visit.ended_at else None
    today = today or date.today()
    context = {
        "unit_name": unit.name,
        "issuer_name": settings.notice.issuer_name,
        "inspection_date": format_date(started.date()) if started else "",
        "place": visit.place or unit.name,
        "reply_deadline": format_date(today + timedelta(days=settings.reply_days)),
        "rectify_days": settings.reply_days,
        "period": format_date(started.date()) if started else "",  # 通报 of one visit: its day
    }
    fields: dict[str, str] = {}
    if notice_type == NoticeType.SERVICE:
        fields = _service_fields(session, visit_id)
        place = visit.place or ""
        fields["service_address"] = unit.address + place if place not in unit.address else \
            unit.address or place
    elif notice_type == NoticeType.RECORD:
        fields = record_facts(session, visit, unit)
    return NoticeContent(
        type=notice_type, unit_name=unit.name, place=visit.place or unit.address, fields=fields,
        started_at=started.replace(tzinfo=None) if started else None,
        ended_at=ended.replace(tzinfo=None) if ended else None,
        inspectors=inspectors, findings=findings,
        paragraphs=default_paragraphs(notice_type, context, unit.kind), issued_on=today,
    )


def _answer_text(item: tpl.Item, value: Any) -> str:
    if item.type == "single":
        option = item.option(str(value))
        return option.label if option else str(value)
    if item.type == "multi":
        return "、".join(o.label for o in item.options if o.key in (value or []))
    return str(value).strip()


def record_facts(session: Session, visit: Visit, unit: Unit) -> dict[str, str]:
    """检查方式 and 被检查单位负责人 of the 现场检查记录, from the checklist answers the template
    marks with `prefill` (a 暗访 visit's kind, and the unit's contact, when none says)."""
    facts = {"check_kind": KIND_NAMES.get(VisitKind(visit.kind), "") if visit.kind in set(VisitKind) else "",
             "unit_contact": unit.contact, "unit_code": unit.code, "unit_address": unit.address,
             "unit_phone": unit.phone}
    if visit.template_version_id is None:
        return facts
    template = template_of(session, visit)
    answers = answers_of(session, visit.id)
    for item in tpl.visible_items(template, answers):
        value = answers.get(item.key)
        if item.prefill and value not in (None, "", []):
            facts[item.prefill] = _answer_text(item, value)
    return facts


def _service_fields(session: Session, visit_id: str) -> dict[str, str]:
    """送达回证 serves the visit's latest issued notice (整改通知书 or 建议书 by preference)."""
    served = [n for n in notices_of(session, visit_id) if n.status == "issued" and n.type != NoticeType.SERVICE]
    served.sort(key=lambda n: n.issued_at or utcnow(), reverse=True)  # newest first
    served.sort(key=lambda n: n.type not in (NoticeType.RECTIFICATION, NoticeType.RECOMMENDATION))
    # Printed on the Chinese document whatever the UI language: record text, not UI text.
    now = datetime.now()
    fields = {"method": "直接送达", "served_at": f"{format_date(now.date())}{format_time(now)}",
              "remarks": "", "copies": "一式一份，共　页", "proxy": ""}
    if served:
        fields["document_name"] = default_title(NoticeType(served[0].type))
        fields["document_number"] = served[0].number or ""
        pages = (served[0].content or {}).get("pages")
        if isinstance(pages, int) and pages > 0:
            fields["copies"] = f"一式一份，共{pages}页"
    return fields


def create_draft(session: Session, visit_id: str, notice_type: str, settings: BureauSettings,
                 supersedes_id: str | None = None, today: date | None = None) -> Notice:
    kind = NoticeType(notice_type)
    visit = get_visit(session, visit_id)
    content = prefill_content(session, visit_id, kind, settings, today)
    notice = Notice(type=kind, visit_id=visit.id, unit_id=visit.unit_id, status="draft",
                    supersedes_id=supersedes_id)
    session.add(notice)
    session.flush()
    content.notice_id = notice.id
    notice.content = content_to_json(content)
    record_change(session, actor_of(session), "notice.draft", notice, {"type": kind.value})
    return notice


def _draft(session: Session, notice_id: str) -> Notice:
    notice = get_notice(session, notice_id)
    if notice.status != "draft":
        raise ReadOnlyError(tr("已签发的文书不能修改；如有错误，请签发一份新的文书替代并作废原文书。"))
    return notice


def get_notice(session: Session, notice_id: str) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None or notice.deleted:
        raise ValidationError(tr("找不到该文书。"))
    return notice


def update_draft(session: Session, notice_id: str, **changes: Any) -> Notice:
    """Edit the wording before issuing: title, recipient, paragraphs, fields, issued_on …"""
    notice = _draft(session, notice_id)
    allowed = {"title", "recipient", "paragraphs", "fields", "place", "unit_name", "cc", "printed_by"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(tr("不能修改这些文书字段：{fields}", fields=", ".join(sorted(unknown))))
    content = dict(notice.content)
    content.update(changes)
    notice.content = content
    record_change(session, actor_of(session), "notice.edit", notice, {"fields": sorted(changes)})
    return notice


def sign(session: Session, notice_id: str, role: str, name: str,
         strokes: list[list[tuple[float, float]]], png: bytes | None = None) -> Signature:
    """A signature is its strokes: they replicate, and every other laptop draws the printed
    image from them (sync.apply). `png` is the signing pad's own drawing of the same strokes,
    printed on this laptop; without it the image is drawn from the strokes here too."""
    _draft(session, notice_id)
    if role not in ROLES:
        raise ValidationError(tr("未知的签字角色：{role}", role=role))
    if not name.strip():
        raise ValidationError(tr("请填写签字人姓名。"))
    if not any(strokes):
        raise ValidationError(tr("签名为空，请在签名框内签字。"))
    if not png:
        from fieldcheck.notices.strokes import strokes_png

        png = strokes_png(strokes)
    sig = Signature(notice_id=notice_id, role=role, name=name.strip(), png=png, strokes=strokes,
                    signed_at=utcnow())
    session.add(sig)
    record_change(session, actor_of(session), "signature.sign", sig, {"role": role})
    return sig


def record_refusal(session: Session, notice_id: str, name: str, reason: str, witness_name: str) -> Signature:
    """The unit's representative refuses to sign: recorded with reason and witness, printed as such."""
    _draft(session, notice_id)
    if not witness_name.strip():
        raise ValidationError(tr("拒绝签字须有见证人，请填写见证人姓名。"))
    sig = Signature(notice_id=notice_id, role="recipient", name=name.strip(), refused=True,
                    refusal_reason=reason.strip(), witness_name=witness_name.strip(), signed_at=utcnow())
    session.add(sig)
    record_change(session, actor_of(session), "signature.refuse", sig, {"reason": reason.strip()})
    return sig


def signatures_of(session: Session, notice_id: str) -> list[Signature]:
    query = select(Signature).where(Signature.notice_id == notice_id, Signature.deleted.is_(False))
    return list(session.scalars(query.order_by(Signature.created_at)))


def remove_signature(session: Session, signature_id: str) -> None:
    sig = session.get(Signature, signature_id)
    if sig is None:
        return
    _draft(session, sig.notice_id)
    sig.deleted = True
    record_change(session, actor_of(session), "signature.remove", sig)


def content_for_render(session: Session, notice: Notice) -> NoticeContent:
    """The content to print; a draft always carries the visit's findings as they are now,
    and issuing freezes them."""
    content = content_from_json(notice.content)
    if notice.status == "draft" and notice.visit_id is not None:  # a 通报 keeps what it drew
        content.findings = finding_entries(session, notice.visit_id)
    content.signatures = [
        SignatureEntry(role=s.role, name=s.name, png=s.png,
                       signed_at=s.signed_at.astimezone().replace(tzinfo=None) if s.signed_at else None,
                       refused=s.refused, refusal_reason=s.refusal_reason, witness_name=s.witness_name)
        for s in signatures_of(session, notice.id)
    ]
    return content


# --- issuing --------------------------------------------------------------------------------

SIGNED_TYPES = (NoticeType.RECORD, NoticeType.SERVICE)  # issued only once signed or refused


def issue_problems(session: Session, notice_id: str, settings: BureauSettings) -> list[str]:
    """Why this draft cannot be issued yet (empty when it can)."""
    notice = _draft(session, notice_id)
    kind = NoticeType(notice.type)
    problems = []
    if kind in SIGNED_TYPES and not signatures_of(session, notice_id):
        problems.append(tr("现场检查记录和送达回证须有签字（或拒绝签字的记录）后才能签发。"))
    if not settings.notice.prefixes.get(kind, "").strip():
        problems.append(tr("未配置“{name}”的机关代字，请在文书设置中填写。", name=TYPE_NAMES.get(kind, kind)))
    problems += settings.unconfigured(kind)
    return problems


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def qr_payload(settings: BureauSettings, notice_id: str, digest: str) -> str:
    return verification_payload(notice_id, digest, settings.notice.verify_url_base)


def pdf_path(store: Store, notice_id: str) -> Path:
    return store.data_dir / "notices" / f"{notice_id}.pdf"


def render_draft(store: Store, notice_id: str, settings: BureauSettings) -> bytes:
    """A draft prints with the diagonal 草稿 watermark and no number."""
    with store.read() as s:
        notice = get_notice(s, notice_id)
        if notice.status != "draft":
            return issued_pdf(store, notice_id)
        content = content_for_render(s, notice)
    content.number, content.draft, content.qr_payload = None, True, None
    # A draft shows a missing character as a framed code point (issuing refuses it).
    return build_notice(content, settings.notice).pdf


def issued_pdf(store: Store, notice_id: str) -> bytes:
    """The frozen PDF of an issued (or voided) notice, checked against its recorded hash."""
    with store.read() as s:
        notice = get_notice(s, notice_id)
        expected, label = notice.pdf_sha256, notice.number or notice.id
    path = pdf_path(store, notice_id)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(tr("文书 {label} 签发时保存的 PDF（{path}）无法读取：{reason}。"
                                 "签发的文书不能重新生成；请从备份或已打印的原件找回，并运行 fieldcheck verify 检查其他文件。",
                                 label=label, path=path, reason=os_error_text(exc))) from exc
    if hashlib.sha256(data).hexdigest() != expected:
        raise ValidationError(tr("文书 {label} 的 PDF（{path}）与签发时记录的哈希不一致，文件可能已被改动。",
                                 label=label, path=path))
    return data


def issue_notice(store: Store, notice_id: str, settings: BureauSettings,
                 authority: numbering.NumberAuthority | None = None, *,
                 issued_at: datetime | None = None) -> Notice:
    """Number, render, freeze. Raises NoNumberLeftError when the device has no number left
    (print a draft instead); the device makes its own blocks while it has no server.
    `issued_at` records a notice issued earlier on paper (the demo's quarter); default now."""
    # Pre-flight: whatever would make issuing fail is refused before a number is spent.
    with store.read() as s:
        problems = issue_problems(s, notice_id, settings)
        if problems:
            raise ValidationError(tr("文书还不能签发："), problems)
        preflight = content_for_render(s, _draft(s, notice_id))
    preflight.number, preflight.draft = None, True
    render_checked(preflight, settings.notice)  # MissingGlyphError names unprintable characters
    with store.write() as s:
        notice = _draft(s, notice_id)
        kind, year = NoticeType(notice.type), (issued_at or utcnow()).astimezone().year
        # A retry after a failed issue: the number that attempt reserved is burnt, not reused.
        numbering.burn_reservations_of(s, notice_id)
        if numbering.remaining(s, kind, year) == 0 and authority is not None:
            numbering.add_block(s, kind, year, authority)
        seq = numbering.reserve_number(s, kind, year, notice_id)
    # The reservation is committed: from here on this number is spent, whatever happens.
    number = format_number(settings.notice.prefixes.get(kind, ""), year, seq)
    with store.read() as s:
        content = content_for_render(s, get_notice(s, notice_id))
        server = s.scalar(select(LocalIdentity.server_url))
    content.number, content.draft, content.notice_id = number, False, notice_id
    if issued_at is not None:
        content.issued_on = issued_at.astimezone().date()
    snapshot = content_to_json(content)
    # An enrolled laptop's QR code points at its server's verification page unless the
    # bureau configured another address.
    base = settings.notice.verify_url_base or (f"{server}/verify" if server else None)
    content.qr_payload = verification_payload(notice_id, content_hash(snapshot), base)
    snapshot["qr_payload"] = content.qr_payload
    rendered = render_checked(content, settings.notice)
    pdf = rendered.pdf
    # Not part of the hashed wording: how many pages it printed on (a 送达回证 says so).
    snapshot["pages"] = rendered.pages
    target = pdf_path(store, notice_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_durably(target, pdf)
    with store.write() as s:
        notice = _draft(s, notice_id)
        notice.status, notice.number = "issued", number
        notice.number_year, notice.number_seq = year, seq
        notice.content = snapshot
        notice.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        notice.issued_at, notice.issued_by = issued_at or utcnow(), actor_of(s).name
        numbering.mark_used(s, kind, year, seq)
        record_change(s, actor_of(s), "notice.issue", notice, {"number": number, "sha256": notice.pdf_sha256})
        if kind == NoticeType.RECTIFICATION:
            notify_by_notice(s, notice, settings.reply_days)
        if notice.supersedes_id:
            _void(s, notice.supersedes_id, f"被 {number} 替代", by=notice.id)  # record text
    return notice


def _void(session: Session, notice_id: str, reason: str, by: str | None = None) -> Notice:
    notice = get_notice(session, notice_id)
    if notice.status != "issued":
        raise ValidationError(tr("只有已签发的文书可以作废。"))
    notice.status, notice.void_reason, notice.voided_at = "voided", reason, utcnow()
    record_change(session, actor_of(session), "notice.void", notice, {"reason": reason, "by": by})
    return notice


def start_correction(session: Session, notice_id: str, reason: str, settings: BureauSettings) -> Notice:
    """A correction: a new draft that, once issued, supersedes and voids the old notice.

    The wording is copied; signatures are not, since the corrected paper must be signed anew.
    """
    old = get_notice(session, notice_id)
    if old.status != "issued":
        raise ValidationError(tr("只有已签发的文书可以更正。"))
    if not reason.strip():
        raise ValidationError(tr("请填写更正理由。"))
    if old.visit_id is None:  # a 通报 covers a period: it is drawn again from the records
        raise ValidationError(tr("通报不在这里更正：请在“跟踪问效”中重新起草该期间的通报。"))
    new = create_draft(session, old.visit_id, old.type, settings, supersedes_id=old.id)
    content = dict(old.content)
    content.pop("pages", None)  # counted again when the correction is issued
    content.update(number=None, notice_id=new.id, qr_payload=None, draft=False,
                   issued_on=date.today().isoformat())
    new.content = content
    new.correction_reason = reason.strip()
    record_change(session, actor_of(session), "notice.correct", new, {"supersedes": old.id, "reason": reason.strip()})
    return new


def void_notice(session: Session, notice_id: str, reason: str) -> Notice:
    if not reason.strip():
        raise ValidationError(tr("请填写作废理由。"))
    return _void(session, notice_id, reason.strip())


def clashing_numbers(session: Session, notice_ids: list[str]) -> set[str]:
    """Those of `notice_ids` still standing issued under a 文号 the bureau found taken."""
    if not notice_ids:
        return set()
    return set(session.scalars(
        select(Notice.id).join(Rejection, Rejection.entity_id == Notice.id).where(
            Rejection.entity == "notice", Rejection.code == NUMBER_CLASH,
            Rejection.deleted.is_(False), Notice.status == "issued", Notice.id.in_(notice_ids))))


def notices_of(session: Session, visit_id: str) -> list[Notice]:
    query = select(Notice).where(Notice.visit_id == visit_id, Notice.deleted.is_(False))
    return list(session.scalars(query.order_by(Notice.created_at)))
