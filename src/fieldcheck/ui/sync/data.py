"""What the sync screens read and run on worker threads (Qt-free; plain data back)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from fieldcheck.domain import checklist, people
from fieldcheck.domain.conflicts import open_conflicts, resolve_conflict
from fieldcheck.domain.notices import TYPE_NAMES
from fieldcheck.domain.planning import TeamPlan, known_teams, plan_for_team, planner_role
from fieldcheck.errors import FieldCheckError
from fieldcheck.i18n import tr
from fieldcheck.models import NumberBlock, Rejection, Unit, Visit
from fieldcheck.notices.model import NoticeType
from fieldcheck.sync import status as sync_status
from fieldcheck.sync.entities import NUMBER_CLASH

if TYPE_CHECKING:
    from fieldcheck.store import Store
    from fieldcheck.sync.engine import SyncReport

ROLE_NAMES = {"inspector": "检查员", "leader": "组长", "supervisor": "效能室", "admin": "管理员"}
ENTITY_NAMES = {
    "visit": "检查", "answer": "检查表答案", "observation": "观察记录", "finding": "问题",
    "photo": "照片", "notice": "文书", "signature": "签名", "unit": "被检查单位",
}
# Why the bureau refused a change, in this laptop's language, by the server's code; a code not
# listed here (or one whose message names the problem, such as invalid_field) shows the
# server's own message. The change itself (the 文号, the field) is shown beside it.
REJECTION_REASONS = {
    "server_owned": "该类记录由服务器统一管理，不能在本机修改。",
    "unknown_parent": "所属的检查或文书不在服务器上，无法接收。",
    "forbidden": "当前账号无权修改该记录。",
    "notice_issued": "文书已印发，内容不能再修改，只能作废后重新制发。",
    "number_taken": "该文号已被另一份文书使用。",
    "number_not_leased": "该文号属于另一台设备领取的号段，本机不能使用。",
    NUMBER_CLASH: "该文号已被另一份文书使用，或属于另一台设备领取的号段。这份文书已照印发时的样子"
                    "记入服务器，文号仍归原来的文书；请对它“更正”，以新文号重新出具并送达被检查单位。",
}
# Codes of changes the server recorded all the same, saying what is to be put right.
KEPT_CODES = frozenset({NUMBER_CLASH})
FIELD_NAMES = {
    "value": "答案", "note": "备注", "description": "问题描述", "requirement": "整改要求",
    "deadline": "整改期限", "place": "地点", "title": "标题", "team": "检查组", "text": "内容",
    "status": "状态", "planned_for": "计划日期", "category": "问题类别", "basis": "依据",
    "member_ids": "检查组成员", "severity": "严重程度", "caption": "照片说明", "number": "文号",
}


def role_name(role: str) -> str:
    return tr(ROLE_NAMES[role]) if role in ROLE_NAMES else role


# --- enrolment and sync -----------------------------------------------------------------


@dataclass(frozen=True)
class Enrolled:
    name: str
    username: str
    role: str
    team: str
    server_url: str


def enroll_laptop(store: Store, url: str, username: str, password: str, insecure: bool) -> Enrolled:
    """Network first, then the store; the password is used once and never kept."""
    from fieldcheck.sync.commands import enroll  # the HTTP client and the protocol: when used

    user = enroll(store, url.strip(), username.strip(), password, insecure=insecure)
    sync_status.clear_revoked(store)
    with store.read() as s:
        status = sync_status.read_status(s)
    return Enrolled(user.name, user.username, user.role, user.team, status.server_url)


@dataclass(frozen=True)
class SyncOutcome:
    report: SyncReport | None
    error: str = ""  # a message a person can act on
    code: str = ""  # SyncError.code ("" on success)

    @property
    def ok(self) -> bool:
        return not self.code

    @property
    def offline(self) -> bool:
        return self.code in sync_status.OFFLINE_CODES


# progress(SERVER_BUSY, 0): the server asked this laptop to wait its turn; the sync goes on.
SERVER_BUSY = -1


class SyncStopped(FieldCheckError):
    """The app is closing: the sync stopped between two committed steps."""

    code = "stopped"


def run_sync(store: Store, stop: threading.Event | None = None,
             progress: Callable[[int, int], None] | None = None) -> SyncOutcome:
    """One whole sync. A failure half-way leaves every committed step in place; the next run
    resumes there. Only photo uploads report progress (the rest is quick), and a server that
    asks the laptop to wait its turn (progress(SERVER_BUSY, 0)). With `stop` set,
    the sync ends at the engine's next step (each step's changes are already committed)."""

    def stopping(wait: float = 0.0) -> None:
        """Raise SyncStopped once the app is closing; `wait` seconds (the server asked this
        laptop to come back later) end early when it does."""
        if stop is None:
            time.sleep(wait)
        elif stop.wait(wait):
            raise SyncStopped(tr("应用正在关闭，同步已暂停，下次启动后继续。"))

    def engine_progress(stage: str, done: int, total: int) -> None:
        stopping()
        if progress is not None and stage == "photos_up":
            progress(done, total)

    def pause(seconds: float) -> None:  # the server said "busy"
        if progress is not None:
            progress(SERVER_BUSY, 0)
        stopping(seconds)

    # The HTTP client, the protocol's models and the engine (~20 MB) load on the first sync,
    # not with the sync bar of a laptop that may never sync.
    from fieldcheck.sync.commands import sync_now
    from fieldcheck.sync.transport import SyncError

    try:
        report = sync_now(store, progress=engine_progress, pause=pause)
    except SyncError as exc:
        if exc.code == "device_revoked":
            sync_status.record_revoked(store)
        return SyncOutcome(None, str(exc), exc.code)
    sync_status.record_success(store)
    return SyncOutcome(report)


def read_status(store: Store) -> sync_status.SyncStatus:
    with store.read() as s:
        return sync_status.read_status(s)


# --- conflicts and rejections --------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    id: str
    visit_id: str | None
    where: str  # the visit's unit, or the record
    what: str  # the record kind and the field, in words
    kept_value: Any
    kept_by: str
    kept_at: str
    other_value: Any
    other_by: str
    other_at: str


@dataclass(frozen=True)
class RejectionRow:
    id: str
    visit_id: str | None
    where: str
    what: str
    reason: str
    change: str
    made_by: str
    made_at: str
    kept: bool = False  # the server recorded the change and says what to put right


def show_value(value: Any) -> str:
    if value is None or value == "":
        return tr("（空）")
    if isinstance(value, bool):
        return tr("是") if value else tr("否")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def show_time(stamp: str) -> str:
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _where(session: Any, visit_id: str | None, entity: str) -> str:
    visit = session.get(Visit, visit_id) if visit_id else None
    if visit is None:
        return tr(ENTITY_NAMES.get(entity, entity))
    unit = session.get(Unit, visit.unit_id)
    day = (visit.planned_for or (visit.started_at.date() if visit.started_at else None))
    name = unit.name if unit else ""
    return f"{name}　{day.isoformat()}" if day else name


def _what(entity: str, field: str) -> str:
    return tr("{entity}的“{field}”", entity=tr(ENTITY_NAMES.get(entity, entity)),
              field=tr(FIELD_NAMES[field]) if field in FIELD_NAMES else field)


def conflicts(store: Store, visit_id: str | None = None) -> list[ConflictRow]:
    with store.read() as s:
        return [ConflictRow(c.id, c.visit_id, _where(s, c.visit_id, c.entity), _what(c.entity, c.field),
                            c.kept_value, c.kept_by, show_time(c.kept_at), c.other_value, c.other_by,
                            show_time(c.other_at))
                for c in open_conflicts(s, visit_id)]


def rejection_reason(code: str, message: str) -> str:
    return tr(REJECTION_REASONS[code]) if code in REJECTION_REASONS else message or code


def rejections(store: Store, visit_id: str | None = None) -> list[RejectionRow]:
    with store.read() as s:
        query = select(Rejection).where(Rejection.deleted.is_(False))
        if visit_id is not None:
            query = query.where(Rejection.visit_id == visit_id)
        rows = s.scalars(query.order_by(Rejection.created_at.desc(), Rejection.id)).all()
        return [RejectionRow(r.id, r.visit_id, _where(s, r.visit_id, r.entity),
                             tr(ENTITY_NAMES.get(r.entity, r.entity)), rejection_reason(r.code, r.message),
                             "；".join(f"{tr(FIELD_NAMES[k]) if k in FIELD_NAMES else k}＝{show_value(v)}"
                                      for k, v in sorted((r.changed or {}).items())),
                             r.made_by, show_time(r.made_at), r.code in KEPT_CODES)
                for r in rows]


def editable_value(value: Any) -> str:
    """A value as the merged-value editor starts from (parsed back by merged_value)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def merged_value(row: ConflictRow, text: str) -> Any:
    """A merged value typed by the person, in the type of the values it settles."""
    sample = row.kept_value if row.kept_value is not None else row.other_value
    if isinstance(sample, str) or sample is None:
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def resolve(store: Store, conflict_id: str, value: Any) -> str:
    with store.write() as s:
        return resolve_conflict(s, conflict_id, value).id


# --- team plans ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanChoices:
    role: str
    own_team: str
    teams: list[str]
    units: list[tuple[str, str]]
    templates: list[tuple[str, str]]


def plan_choices(store: Store) -> PlanChoices:
    with store.read() as s:
        status = sync_status.read_status(s)
        return PlanChoices(
            planner_role(s), status.team, known_teams(s),
            [(u.id, u.name) for u in people.find_units(s, "", limit=5000)],
            [(v.id, tr("{title}（第 {v} 版）", title=v.title, v=v.version))
             for v in checklist.latest_template_versions(s)],
        )


def plan(store: Store, team_plan: TeamPlan) -> str:
    with store.write() as s:
        return plan_for_team(s, team_plan).id


# --- document numbers ----------------------------------------------------------------------


@dataclass(frozen=True)
class BlockRow:
    type_name: str
    year: int
    first: int
    last: int
    left: int
    source: str  # "server" or "local"
    leased_at: datetime | None
    expires_at: datetime | None


@dataclass(frozen=True)
class NumbersView:
    enrolled: bool
    blocks: list[BlockRow]
    low: list[str]  # "整改通知书 2026: 3" for types running low this year


def numbers(store: Store, year: int | None = None) -> NumbersView:
    from fieldcheck.domain.numbering import LOW_WATER, is_enrolled, left_in, remaining

    year = year or date.today().year
    with store.read() as s:
        enrolled = is_enrolled(s)
        blocks = s.scalars(select(NumberBlock).order_by(
            NumberBlock.notice_type, NumberBlock.year.desc(), NumberBlock.first_seq)).all()
        rows = [BlockRow(tr(TYPE_NAMES[NoticeType(b.notice_type)]) if b.notice_type in set(NoticeType)
                         else b.notice_type, b.year, b.first_seq, b.last_seq, left_in(b, enrolled),
                         b.source, b.leased_at, b.expires_at)
                for b in blocks]
        low = []
        if enrolled:
            for kind in NoticeType:
                left = remaining(s, kind.value, year)
                if left <= LOW_WATER:
                    low.append(tr("{type} {year} 年：剩 {n} 个", type=tr(TYPE_NAMES[kind]), year=year, n=left))
    return NumbersView(enrolled, rows, low)
