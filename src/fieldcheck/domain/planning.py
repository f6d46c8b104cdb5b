"""Plans a team leader or the bureau makes for a team (计划检查): they reach only that team.

A plan is an ordinary visit in status planned, made on this laptop and pushed by sync; the
server places it in the team's scope (and keeps a confidential one from everybody else).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.domain.visits import plan_visit
from fieldcheck.errors import ValidationError
from fieldcheck.i18n import tr
from fieldcheck.models import Inspector, LocalIdentity, Visit

# Who may plan for a team: leaders for their own team, supervisors and admins for any.
PLANNER_ROLES = ("leader", "supervisor", "admin")


@dataclass(frozen=True)
class TeamPlan:
    unit_id: str
    kind: str
    template_version_id: str | None
    planned_for: date | None
    team: str
    confidential: bool
    title: str = ""


def planner_role(session: Session) -> str:
    """The enrolled account's role when it may plan for teams, else ""."""
    ident = session.scalars(select(LocalIdentity)).one()
    return ident.role if ident.server_url and ident.role in PLANNER_ROLES else ""


def known_teams(session: Session) -> list[str]:
    """Teams this laptop knows of (from the bureau's inspector directory and its own account)."""
    ident = session.scalars(select(LocalIdentity)).one()
    teams = set(session.scalars(select(Inspector.team).where(Inspector.deleted.is_(False))))
    if ident.role == "leader":
        return [ident.team] if ident.team else []
    teams.add(ident.team)
    return sorted(t for t in teams if t)


def problems_of(session: Session, plan: TeamPlan) -> list[str]:
    ident = session.scalars(select(LocalIdentity)).one()
    problems = []
    if not planner_role(session):
        problems.append(tr("只有组长和效能室人员可以为检查组安排计划（本机须已登记到服务器）。"))
    if not plan.unit_id:
        problems.append(tr("请选择被检查单位。"))
    if not plan.team.strip():
        problems.append(tr("请选择检查组。"))
    elif ident.role == "leader" and plan.team.strip() != ident.team:
        problems.append(tr("组长只能为本组（{team}）安排检查。", team=ident.team))
    if plan.planned_for is None:
        problems.append(tr("请选择计划日期。"))
    elif plan.planned_for < date.today():
        problems.append(tr("计划日期不能早于今天。"))
    if plan.template_version_id is None:
        problems.append(tr("请选择检查模板。"))
    return problems


def plan_for_team(session: Session, plan: TeamPlan) -> Visit:
    """Plan a visit for a team; it syncs to that team's laptops (only to them if confidential)."""
    problems = problems_of(session, plan)
    if problems:
        raise ValidationError(tr("计划未保存，请先改正以下问题："), problems)
    return plan_visit(
        session, unit_id=plan.unit_id, kind=plan.kind, template_version_id=plan.template_version_id,
        planned_for=plan.planned_for, team=plan.team.strip(), confidential=plan.confidential,
        title=plan.title.strip(), led_by_planner=False,
    )
