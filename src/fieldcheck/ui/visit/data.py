"""What the visit workspace reads and writes, as worker functions over one Session each.

Qt-free: these run on a worker thread and return plain dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from fieldcheck.domain import visits
from fieldcheck.models import Inspector, VisitStatus
from fieldcheck.ui.common.labels import kind_name, status_name

if TYPE_CHECKING:
    from fieldcheck.store import Store


@dataclass(frozen=True)
class VisitInfo:
    id: str
    unit_id: str
    unit_name: str
    unit_kind: str
    kind: str
    status: str
    template_title: str
    planned_for: date | None
    started_at: datetime | None
    ended_at: datetime | None
    place: str
    team: str
    members: tuple[str, ...]
    confidential: bool

    @property
    def editable(self) -> bool:
        return self.status == VisitStatus.IN_PROGRESS

    @property
    def kind_name(self) -> str:
        return kind_name(self.kind)

    @property
    def status_name(self) -> str:
        return status_name(self.status)


def load_visit(store: Store, visit_id: str) -> VisitInfo:
    with store.read() as s:
        visit = visits.get_visit(s, visit_id)
        names = []
        for inspector_id in visit.member_ids or []:
            person = s.get(Inspector, inspector_id)
            if person is not None:
                names.append(person.name)
        version = visit.template_version
        return VisitInfo(
            id=visit.id,
            unit_id=visit.unit_id,
            unit_name=visit.unit.name,
            unit_kind=visit.unit.kind,
            kind=visit.kind,
            status=visit.status,
            template_title=version.title if version else "",
            planned_for=visit.planned_for,
            started_at=visit.started_at,
            ended_at=visit.ended_at,
            place=visit.place,
            team=visit.team,
            members=tuple(names),
            confidential=visit.confidential,
        )


def start(store: Store, visit_id: str) -> str:
    with store.write() as s:
        visits.start_visit(s, visit_id)
    return visit_id


@dataclass(frozen=True)
class UnrecordedFailure:
    key: str
    label: str


def unrecorded_failures(store: Store, visit_id: str) -> list[UnrecordedFailure] | None:
    """不合格 items with no finding, to be confirmed before finishing; None when the visit
    cannot finish anyway (finishing then says what is missing)."""
    from fieldcheck.domain.checklist import finish_problems
    from fieldcheck.domain.checklist import unrecorded_failures as unrecorded

    with store.read() as s:
        visit = visits.get_visit(s, visit_id)
        if visit.status != VisitStatus.IN_PROGRESS or finish_problems(s, visit):
            return None
        return [UnrecordedFailure(i.key, i.label) for i in unrecorded(s, visit)]


def finish(store: Store, visit_id: str, acknowledged: list[str] | None = None) -> str:
    with store.write() as s:
        visits.finish_visit(s, visit_id, acknowledged_failures=acknowledged)
    return visit_id


def cancel(store: Store, visit_id: str, reason: str) -> str:
    with store.write() as s:
        visits.cancel_visit(s, visit_id, reason)
    return visit_id


def reschedule(store: Store, visit_id: str, day: date, reason: str) -> str:
    with store.write() as s:
        visits.reschedule_visit(s, visit_id, day, reason)
    return visit_id


def reopen(store: Store, visit_id: str, reason: str) -> str:
    with store.write() as s:
        visits.reopen_visit(s, visit_id, reason)
    return visit_id
