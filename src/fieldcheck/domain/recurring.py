"""Recurring inspections (the half-yearly penalty case-file check, monthly window checks): a
recurring plan creates the planned visits of its period, one per unit and occurrence.

A plan's visits are ordinary planned visits (they sync like any plan); the plan itself is
their shared title and schedule, so running it again creates only what is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.domain.visits import plan_visit
from fieldcheck.errors import ValidationError
from fieldcheck.i18n import tr
from fieldcheck.models import Unit, Visit


@dataclass(frozen=True)
class RecurringPlan:
    title: str  # e.g. 涉企行政处罚案卷半年检查
    kind: str  # visit kind
    template_version_id: str | None
    unit_ids: tuple[str, ...]
    every_months: int  # 1: monthly, 6: half-yearly
    day_of_month: int  # the day each occurrence is planned for (capped to the month's length)
    first: date  # the first occurrence's month
    until: date  # last day an occurrence may fall on
    team: str = ""


def occurrences(plan: RecurringPlan) -> list[date]:
    """The planned days: every `every_months` months from `first`, not past `until`."""
    if plan.every_months < 1:
        raise ValidationError(tr("周期须至少为一个月。"))
    days: list[date] = []
    year, month = plan.first.year, plan.first.month
    while True:
        last_day = _month_length(year, month)
        day = date(year, month, min(plan.day_of_month, last_day))
        if day > plan.until:
            return days
        if day >= plan.first:
            days.append(day)
        month += plan.every_months
        while month > 12:
            year, month = year + 1, month - 12


def _month_length(year: int, month: int) -> int:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - date(year, month, 1)).days


def schedule(session: Session, plan: RecurringPlan) -> list[Visit]:
    """Create the planned visits the plan still lacks; returns the ones created."""
    if not plan.title.strip():
        raise ValidationError(tr("请填写周期计划的名称。"))
    if not plan.unit_ids:
        raise ValidationError(tr("请选择被检查单位。"))
    for uid in plan.unit_ids:
        if session.get(Unit, uid) is None:
            raise ValidationError(tr("请选择被检查单位。"))
    existing = {(u, d) for u, d in session.execute(select(Visit.unit_id, Visit.planned_for).where(
        Visit.title == plan.title.strip(), Visit.deleted.is_(False)))}
    made = []
    for day in occurrences(plan):
        for uid in plan.unit_ids:
            if (uid, day) in existing:
                continue
            made.append(plan_visit(session, unit_id=uid, kind=plan.kind,
                                   template_version_id=plan.template_version_id, planned_for=day,
                                   team=plan.team, title=plan.title.strip(), confidential=False))
    return made


def units_of_kind(session: Session, kinds: Sequence[str]) -> list[Unit]:
    return list(session.scalars(select(Unit).where(Unit.kind.in_(kinds), Unit.deleted.is_(False))
                                .order_by(Unit.name)))
