"""Follow-up writes (跟踪问效): every status move is a follow-up event plus the finding's update,
each recorded with its audit event and outbox row, in the caller's transaction.

What moves a finding (followup_rules.TRANSITIONS): an issued 整改通知书 (notified, with the
notice's deadline), the unit's 整改报告 attached (rectified), a re-inspection's result
(verified, or back to rectifying), an extension with its reason, escalation, reopening.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.domain import followup_rules as rules
from fieldcheck.domain.changes import record_change
from fieldcheck.domain.people import actor_of
from fieldcheck.domain.visits import get_visit, plan_visit
from fieldcheck.errors import ValidationError
from fieldcheck.i18n import tr
from fieldcheck.models import (
    Finding,
    FollowupEvent,
    Notice,
    Photo,
    Unit,
    Visit,
    VisitKind,
    VisitStatus,
)
from fieldcheck.models.coltypes import utcnow
from fieldcheck.photos.durable import write_durably
from fieldcheck.store.database import Store

STATUS_NAMES: dict[str, str] = {
    rules.OPEN: "待通知", rules.NOTIFIED: "已通知", rules.RECTIFYING: "整改中",
    rules.RECTIFIED: "已整改待复查", rules.VERIFIED: "已复查销号", rules.ESCALATED: "已提请追责",
}
OUTCOME_NAMES = {"rectified": "已整改", "partly": "部分整改", "not": "未整改"}
REPORT_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".heic", ".tif", ".tiff"}
MAX_REPORT_BYTES = 50 * 1024 * 1024


def get_finding(session: Session, finding_id: str) -> Finding:
    finding = session.get(Finding, finding_id)
    if finding is None or finding.deleted:
        raise ValidationError(tr("找不到该问题记录。"))
    return finding


def _step(session: Session, finding: Finding, step: str, *, at: datetime | None = None,
          outcome: str = "", **event: Any) -> FollowupEvent:
    """Move `finding` by `step` (or refuse, naming its status) and record the event."""
    try:
        target = rules.next_status(finding.status, step, outcome)
    except ValueError:
        raise ValidationError(tr("问题当前状态为“{status}”，不能进行此操作。",
                                 status=tr(STATUS_NAMES.get(finding.status, finding.status)))) from None
    when = at or utcnow()
    actor = actor_of(session)
    ev = FollowupEvent(finding_id=finding.id, visit_id=finding.visit_id, kind=step, at=when,
                       status_from=finding.status, status_to=target, outcome=outcome,
                       recorded_by=actor.name, **event)
    session.add(ev)
    record_change(session, actor, f"followup.{step}", ev, {"finding": finding.id})
    changed = finding.status != target
    if changed:
        finding.status = target
    if target == rules.NOTIFIED and finding.notified_at is None:
        finding.notified_at = when
    if target == rules.RECTIFIED or (step == "reinspected" and target == rules.VERIFIED
                                     and finding.rectified_at is None):
        finding.rectified_at = when
    if target == rules.VERIFIED:
        finding.verified_at = when
    if step == "reopened":
        finding.verified_at = None
    if "deadline" in event and event["deadline"] is not None and step in ("notified", "extended", "reopened"):
        finding.deadline = event["deadline"]
    record_change(session, actor, f"finding.{step}", finding,
                  {"status": [ev.status_from, target], "event": ev.id})
    return ev


# --- notices --------------------------------------------------------------------------------

def notice_deadline(finding: Finding, issued_on: date, reply_days: int) -> date:
    """A finding keeps the deadline it was given; otherwise the notice's reply period."""
    return finding.deadline or issued_on + timedelta(days=reply_days)


def notify_by_notice(session: Session, notice: Notice, reply_days: int) -> list[FollowupEvent]:
    """An issued 整改通知书 marks its visit's findings notified with the notice's deadline."""
    if notice.visit_id is None:
        return []
    issued_on = (notice.issued_at or utcnow()).astimezone().date()
    found = session.scalars(select(Finding).where(
        Finding.visit_id == notice.visit_id, Finding.deleted.is_(False),
        Finding.status.in_((rules.OPEN, rules.NOTIFIED))).order_by(Finding.created_at)).all()
    return [
        _step(session, f, "notified", at=notice.issued_at, notice_id=notice.id,
              deadline=notice_deadline(f, issued_on, reply_days), previous_deadline=f.deadline)
        for f in found
    ]


def mark_circulated(session: Session, circular: Notice, finding_ids: Sequence[str]) -> None:
    """Each finding a 通报 names, as evidence for the repeat-offence rule."""
    for fid in finding_ids:
        _step(session, get_finding(session, fid), "circulated", at=circular.issued_at,
              notice_id=circular.id)


def escalate(session: Session, finding_ids: Sequence[str], reason: str, notice_id: str | None = None) -> None:
    """提请责任追究: the findings of an accountability recommendation."""
    for fid in finding_ids:
        finding = get_finding(session, fid)
        if finding.status in rules.TRANSITIONS["escalated"][0]:
            _step(session, finding, "escalated", reason=reason, notice_id=notice_id)


# --- the unit's answer ----------------------------------------------------------------------

def mark_rectifying(session: Session, finding_id: str, note: str = "") -> FollowupEvent:
    return _step(session, get_finding(session, finding_id), "rectifying", reason=note.strip())


def extend_deadline(session: Session, finding_id: str, new_deadline: date, reason: str) -> FollowupEvent:
    """A deadline moves only later and only with a reason on the record."""
    finding = get_finding(session, finding_id)
    if not reason.strip():
        raise ValidationError(tr("延期须填写理由。"))
    if finding.deadline is not None and new_deadline <= finding.deadline:
        raise ValidationError(tr("新的整改期限须晚于原期限（{day}）。", day=finding.deadline.isoformat()))
    return _step(session, finding, "extended", deadline=new_deadline,
                 previous_deadline=finding.deadline, reason=reason.strip())


def store_report_files(store: Store, paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Copy a 整改报告's files (PDF or photos) into the data folder under their SHA-256."""
    files = []
    for path in paths:
        path = Path(path)
        if path.suffix.lower() not in REPORT_SUFFIXES:
            raise ValidationError(tr("整改报告须为 PDF 或照片：{name}", name=path.name))
        try:
            if path.stat().st_size > MAX_REPORT_BYTES:
                raise ValidationError(tr("文件过大（超过 50 MB）：{name}", name=path.name))
            data = path.read_bytes()
        except OSError as exc:
            raise ValidationError(tr("无法读取文件 {name}：{reason}", name=path.name, reason=exc)) from exc
        if path.suffix.lower() == ".pdf" and not data.startswith(b"%PDF"):
            raise ValidationError(tr("{name} 不是有效的 PDF 文件。", name=path.name))
        files.append(store_report_bytes(store, path.name, data))
    if not files:
        raise ValidationError(tr("请选择整改报告文件（PDF 或照片）。"))
    return files


def store_report_bytes(store: Store, name: str, data: bytes) -> dict[str, Any]:
    """One report file kept under its SHA-256 (written durably, once)."""
    sha = hashlib.sha256(data).hexdigest()
    suffix = Path(name).suffix.lower()
    target = report_path(store, sha, suffix)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_durably(target, data)
    return {"sha256": sha, "name": name, "size": len(data),
            "mime": mimetypes.guess_type(name)[0] or "application/octet-stream"}


def report_file(store: Store, entry: dict[str, Any]) -> Path:
    return report_path(store, str(entry["sha256"]), Path(str(entry["name"])).suffix.lower())


def report_path(store: Store, sha256: str, suffix: str) -> Path:
    return store.data_dir / "reports" / sha256[:2] / f"{sha256}{suffix}"


def attach_report(session: Session, finding_ids: Sequence[str], files: list[dict[str, Any]],
                  received_on: datetime | None = None, note: str = "") -> list[FollowupEvent]:
    """The unit's written 整改报告 attached to its findings: they are rectified (to be verified)."""
    if not finding_ids:
        raise ValidationError(tr("请选择整改报告对应的问题。"))
    return [_step(session, get_finding(session, fid), "report", at=received_on, files=files,
                  reason=note.strip()) for fid in finding_ids]


# --- re-inspection (复查) -------------------------------------------------------------------

def plan_reinspection(session: Session, finding_ids: Sequence[str], planned_for: date | None,
                      template_version_id: str | None = None, team: str = "",
                      at: datetime | None = None) -> Visit:
    """A 复查 visit of one unit carrying the findings it is to check."""
    found = [get_finding(session, fid) for fid in finding_ids]
    if not found:
        raise ValidationError(tr("请选择要复查的问题。"))
    units = {f.unit_id for f in found}
    if len(units) != 1:
        raise ValidationError(tr("一次复查只检查一个单位的问题。"))
    for f in found:
        if f.status not in rules.TRANSITIONS["reinspection_planned"][0]:
            raise ValidationError(tr("问题“{text}”尚未通知整改或已销号，不需复查。", text=f.description[:20]))
    first = get_visit(session, found[0].visit_id)
    visit = plan_visit(session, unit_id=first.unit_id, kind=VisitKind.REINSPECTION,
                       template_version_id=template_version_id or first.template_version_id,
                       planned_for=planned_for,
                       team=team or first.team, title="复查", parent_visit_id=first.id,
                       confidential=False)
    for f in found:
        _step(session, f, "reinspection_planned", at=at, reinspection_visit_id=visit.id)
    return visit


def findings_to_reinspect(session: Session, visit_id: str) -> list[Finding]:
    """The findings a 复查 visit carries (planned with it), in the order they were found."""
    ids = session.scalars(select(FollowupEvent.finding_id).where(
        FollowupEvent.reinspection_visit_id == visit_id, FollowupEvent.kind == "reinspection_planned",
        FollowupEvent.deleted.is_(False))).all()
    found = session.scalars(select(Finding).where(Finding.id.in_(set(ids)), Finding.deleted.is_(False))
                            .order_by(Finding.created_at, Finding.id)).all()
    return list(found)


def record_reinspection(session: Session, visit_id: str, finding_id: str, outcome: str,
                        note: str = "", photo_ids: Sequence[str] = (),
                        at: datetime | None = None) -> FollowupEvent:
    """Per finding on a 复查 visit in progress: rectified / partly / not, with after-photos."""
    visit = get_visit(session, visit_id)
    if visit.kind != VisitKind.REINSPECTION or visit.status != VisitStatus.IN_PROGRESS:
        raise ValidationError(tr("只能在进行中的复查中记录整改结果。"))
    if outcome not in rules.OUTCOMES:
        raise ValidationError(tr("未知的复查结论：{value}", value=outcome))
    finding = get_finding(session, finding_id)
    if finding.unit_id != visit.unit_id:
        raise ValidationError(tr("该问题不属于本次复查的单位。"))
    for pid in photo_ids:
        photo = session.get(Photo, pid)
        if photo is None or photo.visit_id != visit_id or photo.deleted:
            raise ValidationError(tr("照片不属于本次复查，不能作为整改后照片。"))
    return _step(session, finding, "reinspected", at=at, outcome=outcome, reason=note.strip(),
                 photo_ids=list(photo_ids), reinspection_visit_id=visit_id)


def reinspection_results(session: Session, visit_id: str) -> dict[str, FollowupEvent]:
    """The result recorded on this 复查 for each finding it carries (the latest one)."""
    events = session.scalars(select(FollowupEvent).where(
        FollowupEvent.reinspection_visit_id == visit_id, FollowupEvent.kind == "reinspected",
        FollowupEvent.deleted.is_(False)).order_by(FollowupEvent.at, FollowupEvent.created_at))
    return {ev.finding_id: ev for ev in events}


def finish_reinspection(session: Session, visit_id: str, at: datetime | None = None) -> Visit:
    """A 复查 is finished when every finding it carries has its result: that is its checklist."""
    visit = get_visit(session, visit_id)
    if visit.kind != VisitKind.REINSPECTION or visit.status != VisitStatus.IN_PROGRESS:
        raise ValidationError(tr("只能结束进行中的复查。"))
    results = reinspection_results(session, visit_id)
    missing = [f.description[:30] for f in findings_to_reinspect(session, visit_id) if f.id not in results]
    if missing:
        raise ValidationError(tr("以下问题还没有记录复查结论："), missing)
    visit.status = VisitStatus.COMPLETED
    visit.ended_at = at or utcnow()
    record_change(session, actor_of(session), "visit.finish", visit, {"reinspection": len(results)})
    return visit


def reopen_finding(session: Session, finding_id: str, reason: str,
                   new_deadline: date | None = None) -> FollowupEvent:
    """A verified finding found again (or verified by mistake): back to rectifying, on record."""
    if not reason.strip():
        raise ValidationError(tr("重新打开须填写理由。"))
    finding = get_finding(session, finding_id)
    return _step(session, finding, "reopened", reason=reason.strip(), deadline=new_deadline,
                 previous_deadline=finding.deadline if new_deadline else None)


def set_predecessors(session: Session, unit_id: str, predecessor_ids: Sequence[str]) -> Unit:
    """A merger or a split: the units whose duties this one took over (their follow-up
    history, circulars included, then counts as its own)."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise ValidationError(tr("请选择被检查单位。"))
    ids = list(dict.fromkeys(predecessor_ids))
    if unit_id in ids:
        raise ValidationError(tr("单位不能以自身为前身单位。"))
    for pid in ids:
        if session.get(Unit, pid) is None:
            raise ValidationError(tr("找不到前身单位 {id}。", id=pid))
    unit.predecessor_ids = ids
    record_change(session, actor_of(session), "unit.predecessors", unit, {"predecessors": ids})
    return unit


def events_of(session: Session, finding_id: str) -> list[FollowupEvent]:
    return list(session.scalars(select(FollowupEvent).where(
        FollowupEvent.finding_id == finding_id, FollowupEvent.deleted.is_(False))
        .order_by(FollowupEvent.at, FollowupEvent.created_at)))


def before_photos(session: Session, finding_id: str) -> list[Photo]:
    return list(session.scalars(select(Photo).where(
        Photo.finding_id == finding_id, Photo.deleted.is_(False)).order_by(Photo.created_at)))


def after_photos(session: Session, finding_id: str) -> list[Photo]:
    """Photos of the latest re-inspection result of the finding."""
    for ev in reversed(events_of(session, finding_id)):
        if ev.kind == "reinspected":
            ids = list(ev.photo_ids or [])
            return [p for p in (session.get(Photo, i) for i in ids) if p is not None]
    return []
