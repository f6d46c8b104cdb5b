"""The visit lifecycle: planned → in_progress → completed / cancelled, with reopening recorded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.domain.changes import record_change
from fieldcheck.domain.names import KIND_NAMES as KIND_NAMES  # re-exported
from fieldcheck.domain.names import STATUS_NAMES as STATUS_NAMES
from fieldcheck.domain.people import actor_of
from fieldcheck.errors import ReadOnlyError, ValidationError
from fieldcheck.i18n import tr
from fieldcheck.models import (
    Finding,
    LocalIdentity,
    TemplateVersion,
    Unit,
    Visit,
    VisitKind,
    VisitStatus,
)
from fieldcheck.models.coltypes import utcnow


def get_visit(session: Session, visit_id: str) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None or visit.deleted:
        raise ValidationError(tr("找不到检查记录 {id}。", id=visit_id))
    return visit


def ensure_editable(visit: Visit) -> None:
    """Only a visit in progress takes answers, observations, findings and photos."""
    if visit.status == VisitStatus.COMPLETED:
        raise ReadOnlyError(tr("该检查已结束，内容只读。")).with_gui_advice(
            tr("如需修改，请先“重新打开”检查（将被记录）。"))
    if visit.status == VisitStatus.CANCELLED:
        raise ReadOnlyError(tr("该检查已取消，不能再修改。"))
    if visit.status == VisitStatus.PLANNED:
        raise ReadOnlyError(tr("该检查尚未开始。")).with_gui_advice(tr("请先点击“开始检查”。"))


def search_text_of(session: Session, visit: Visit) -> str:
    """The denormalised search column: unit name, title, place and finding texts.

    A confidential plan's unit is left out until the visit starts, as lists hide its name
    (visit_list.listed): a search must not tell which unit an unannounced visit is for."""
    unit = session.get(Unit, visit.unit_id)
    hidden = visit.confidential and visit.started_at is None
    parts = ["" if hidden or unit is None else unit.name, visit.title, visit.place]
    parts += session.scalars(
        select(Finding.description)
        .where(Finding.visit_id == visit.id, Finding.deleted.is_(False))
        .order_by(Finding.created_at, Finding.id)  # the same text on every replica
    ).all()
    return "\n".join(p for p in parts if p)


def refresh_search_text(session: Session, visit: Visit) -> None:
    """Keep the search column in step with what it is made of (derived: never replicated)."""
    visit.search_text = search_text_of(session, visit)


def plan_visit(
    session: Session,
    *,
    unit_id: str,
    kind: str,
    template_version_id: str | None,
    planned_for: date | None = None,
    team: str = "",
    lead_inspector_id: str | None = None,
    member_ids: list[str] | None = None,
    place: str = "",
    title: str = "",
    confidential: bool | None = None,
    parent_visit_id: str | None = None,
    led_by_planner: bool = True,
) -> Visit:
    if kind not in set(VisitKind):
        raise ValidationError(tr("未知的检查类型：{kind}", kind=kind))
    if session.get(Unit, unit_id) is None:
        raise ValidationError(tr("请选择被检查单位。"))
    if template_version_id is not None and session.get(TemplateVersion, template_version_id) is None:
        raise ValidationError(tr("找不到所选的检查模板版本。"))
    if lead_inspector_id is None and led_by_planner:  # the laptop's user leads it
        lead_inspector_id = session.scalars(select(LocalIdentity.inspector_id)).one()
    visit = Visit(
        kind=kind,
        unit_id=unit_id,
        template_version_id=template_version_id,
        planned_for=planned_for,
        team=team,
        lead_inspector_id=lead_inspector_id,
        member_ids=list(member_ids or []),
        place=place,
        title=title,
        # An unannounced visit is confidential unless said otherwise: its plan must not leak.
        confidential=(kind == VisitKind.UNANNOUNCED) if confidential is None else confidential,
        parent_visit_id=parent_visit_id,
        status=VisitStatus.PLANNED,
    )
    session.add(visit)
    session.flush()
    refresh_search_text(session, visit)
    record_change(session, actor_of(session), "visit.plan", visit)
    return visit


def start_visit(session: Session, visit_id: str, at: datetime | None = None) -> Visit:
    visit = get_visit(session, visit_id)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(tr("只有计划中的检查可以开始。"))
    if visit.template_version_id is None:
        raise ValidationError(tr("请先为检查选择检查模板。"))
    visit.status = VisitStatus.IN_PROGRESS
    visit.started_at = at or utcnow()
    refresh_search_text(session, visit)  # the unit of a confidential plan becomes searchable
    record_change(session, actor_of(session), "visit.start", visit)
    return visit


def start_new_visit(session: Session, **plan: object) -> Visit:
    """An ad-hoc visit: planned and started in one step."""
    visit = plan_visit(session, **plan)  # type: ignore[arg-type]
    return start_visit(session, visit.id)


def update_visit_details(
    session: Session, visit_id: str, *, place: str | None = None, team: str | None = None,
    member_ids: list[str] | None = None, title: str | None = None,
) -> Visit:
    visit = get_visit(session, visit_id)
    if visit.status in (VisitStatus.COMPLETED, VisitStatus.CANCELLED):
        ensure_editable(visit)
    if place is not None:
        visit.place = place
    if team is not None:
        visit.team = team
    if member_ids is not None:
        visit.member_ids = list(member_ids)
    if title is not None:
        visit.title = title
    refresh_search_text(session, visit)
    record_change(session, actor_of(session), "visit.edit", visit)
    return visit


def finish_visit(
    session: Session, visit_id: str, at: datetime | None = None,
    acknowledged_failures: Sequence[str] | None = None,
) -> Visit:
    """Complete the visit, or raise ValidationError listing exactly what is missing.

    `acknowledged_failures` are the keys of 不合格 items without a finding that the inspector
    confirmed finishing with; given, it must cover every such item, and the audit event of
    the finish names them.
    """
    from fieldcheck.domain.checklist import finish_problems, unrecorded_failures

    visit = get_visit(session, visit_id)
    ensure_editable(visit)
    problems = finish_problems(session, visit)
    if problems:
        raise ValidationError(tr("检查还不能结束，请补全或改正以下内容："), problems)
    unrecorded = unrecorded_failures(session, visit)
    detail = None
    if acknowledged_failures is not None:
        unconfirmed = [i for i in unrecorded if i.key not in set(acknowledged_failures)]
        if unconfirmed:
            raise ValidationError(tr("以下不合格条目还没有记录问题，也未确认不记录："),
                                  [i.label for i in unconfirmed])
        if unrecorded:
            detail = {"unrecorded_failures": [{"item": i.key, "label": i.label} for i in unrecorded]}
    visit.status = VisitStatus.COMPLETED
    visit.ended_at = at or utcnow()
    record_change(session, actor_of(session), "visit.finish", visit, detail)
    return visit


def reopen_visit(session: Session, visit_id: str, reason: str) -> Visit:
    visit = get_visit(session, visit_id)
    if visit.status != VisitStatus.COMPLETED:
        raise ValidationError(tr("只有已完成的检查可以重新打开。"))
    if not reason.strip():
        raise ValidationError(tr("请填写重新打开的理由（将被记录）。"))
    visit.status = VisitStatus.IN_PROGRESS
    visit.reopen_reason = reason.strip()
    record_change(session, actor_of(session), "visit.reopen", visit, {"reason": reason.strip()})
    return visit


def reschedule_visit(session: Session, visit_id: str, day: date, reason: str,
                     today: date | None = None) -> Visit:
    """A plan moved to another day (the unit asked for it, the team was needed elsewhere):
    only a visit not yet started, to today or later, with a reason; the audit event keeps the
    day it had, the new one and why. The list files it under the new day."""
    visit = get_visit(session, visit_id)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(tr("只有尚未开始的计划检查可以改期。"))
    if not reason.strip():
        raise ValidationError(tr("请填写改期的理由（将被记录）。"))
    today = today or date.today()
    if day < today:
        raise ValidationError(tr("新的计划日期不能早于今天（{today}）。", today=today.isoformat()))
    if day == visit.planned_for:
        raise ValidationError(tr("新的计划日期与原来的相同。"))
    before = visit.planned_for
    visit.planned_for = day
    record_change(session, actor_of(session), "visit.reschedule", visit,
                  {"from": before.isoformat() if before else None, "to": day.isoformat(),
                   "reason": reason.strip()})
    return visit


def cancel_visit(session: Session, visit_id: str, reason: str) -> Visit:
    visit = get_visit(session, visit_id)
    if visit.status in (VisitStatus.COMPLETED, VisitStatus.CANCELLED):
        raise ValidationError(tr("已完成或已取消的检查不能取消。"))
    if not reason.strip():
        raise ValidationError(tr("请填写取消的理由（将被记录）。"))
    visit.status = VisitStatus.CANCELLED
    visit.cancel_reason = reason.strip()
    record_change(session, actor_of(session), "visit.cancel", visit, {"reason": reason.strip()})
    return visit
