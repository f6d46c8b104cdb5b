"""The demo's last quarter, told through the same follow-up rules a real bureau runs.

The visits are fictional history (bulk rows, like the rest of the demo); everything after
them happens through the domain: 整改通知书 issued (notified, with their deadlines), some
units' 整改报告 attached (rectified), re-inspections done (verified or partly), a 通报 for
each of the quarter's first two months. The records make the rest true by themselves: one
window is circulated twice for 工作纪律作风 (a repeat offender) and one department lets its
deadline pass (overdue). The month just ended is left for the user to circulate.

Demo data never reaches a server: the outbox rows these writes make are dropped at the end.
"""

from __future__ import annotations

import io
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import delete, func, insert, select

from fieldcheck.domain import circulars, followup, notices, numbering
from fieldcheck.domain.changes import untracked
from fieldcheck.domain.followup_board import load_records, local_zone
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.domain.visits import start_visit
from fieldcheck.models import Finding, FollowupEvent, OutboxOp, Unit, Visit, VisitKind
from fieldcheck.store.database import Store

STORY_NAMESPACE = uuid.UUID("5d0c8a0e-7f44-4a57-8f7e-0a1b2c3d4e5f")


@dataclass(frozen=True)
class _Story:
    unit: str  # a unit name of the demo city
    kind: str
    months_back: int  # 3: the month three months before this one
    day: int  # of that month
    findings: tuple[tuple[str, str, str, str], ...]  # (category, text, responsible, severity)
    # What the unit does after the notice: "report" then verified, "partly", or nothing.
    reply: str


WINDOW = "清河市政务服务中心不动产登记综合窗口"
STORIES = (
    _Story(WINDOW, VisitKind.UNANNOUNCED, 3, 13, (
        ("discipline", "工作时间2号窗口无人值守达25分钟，群众排队等候", "窗口负责人 刘敏", "major"),
        ("service_rules", "未执行一次性告知制度，申请人三次补交材料", "窗口工作人员 陈晓", "minor"),
    ), "partly"),
    _Story("清河市自然资源和规划局", VisitKind.OPEN, 3, 19, (
        ("overtime", "建设用地规划许可办件超承诺时限7个工作日", "审批科科长 王强", "serious"),
    ), ""),
    _Story("清河市市场监督管理局", VisitKind.OPEN, 3, 23, (
        ("extra_steps", "企业变更登记要求另行提交无依据的情况说明", "登记注册科 赵磊", "minor"),
    ), "report"),
    _Story(WINDOW, VisitKind.UNANNOUNCED, 2, 15, (
        ("discipline", "窗口工作人员上班时间玩手机，对咨询群众不予理睬", "窗口负责人 刘敏", "major"),
    ), ""),
    _Story("清河市住房和城乡建设局", VisitKind.OPEN, 2, 19, (
        ("slow", "施工许可审批材料齐全后滞留科室12天未流转", "建管科 孙涛", "major"),
    ), "report"),
    _Story("清河市行政审批局", VisitKind.PROJECT, 2, 23, (
        ("enforcement", "涉企行政处罚案卷缺少集体讨论记录，裁量理由未说明", "法规科 周静", "minor"),
    ), "report"),
    _Story("清河市市场监督管理局", VisitKind.UNANNOUNCED, 1, 12, (
        ("service_rules", "窗口未公示办事指南和承诺时限", "登记注册科 赵磊", "minor"),
    ), ""),
)


def _id(*parts: object) -> str:
    return str(uuid.uuid5(STORY_NAMESPACE, ":".join(str(p) for p in parts)))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute)).astimezone().astimezone(UTC)


def _report_photo(text_seed: int) -> bytes:
    img = Image.new("RGB", (640, 480), (236, 240, 244))
    draw = ImageDraw.Draw(img)
    rng = random.Random(text_seed)
    for k in range(6):
        y = 60 + k * 60
        draw.rectangle((60, y, 60 + rng.randint(200, 520), y + 30), fill=(90, 120, 160))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def already_told(store: Store) -> bool:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(FollowupEvent)) != 0


def tell_quarter(store: Store, today: date | None = None) -> bool:
    """Add the quarter's visits and follow them up; False when the store already has a story."""
    if already_told(store):
        return False
    today = today or date.today()
    now = datetime.now(UTC)
    settings = load_settings(store.data_dir)
    with store.read() as s:
        first_op = s.scalar(select(func.max(OutboxOp.seq))) or 0
    visits = _insert_visits(store, today)
    if not visits:
        return False
    authority = numbering.LocalAuthority()
    # 整改通知书 the afternoon after each visit: findings notified with their deadlines.
    for visit_id, day, _story in visits:
        with store.write() as s:
            # Drafted for the day it is issued, so its reply deadline counts from that day.
            draft = notices.create_draft(s, visit_id, "rectification", settings,
                                         today=day + timedelta(days=1)).id
        notices.issue_notice(store, draft, settings, authority, issued_at=_at(day + timedelta(days=1), 15))
    # The units answer: a 整改报告 ten days later, then a 复查 three days after it.
    for n, (visit_id, day, story) in enumerate(visits):
        if not story.reply:
            continue
        received = day + timedelta(days=10)
        if _at(received, 10) > now:
            continue
        files = [followup.store_report_bytes(store, f"整改报告（照片{n + 1}）.jpg", _report_photo(n))]
        with store.write() as s:
            found = [f.id for f in s.scalars(select(Finding).where(Finding.visit_id == visit_id))]
            followup.attach_report(s, found, files, received_on=_at(received, 10), note="单位书面报送整改情况")
            planned = received + timedelta(days=3)
            re = followup.plan_reinspection(s, found, planned, at=_at(received, 16))
            start_visit(s, re.id, at=_at(planned, 9, 30))
            outcome = "partly" if story.reply == "partly" else "rectified"
            for fid in found:
                followup.record_reinspection(s, re.id, fid, outcome if fid == found[0] else "rectified",
                                             "现场复查，已整改" if outcome == "rectified" else "仍有脱岗现象",
                                             at=_at(planned, 10))
            followup.finish_reinspection(s, re.id, at=_at(planned, 11))
    # 通报 of the quarter's first two months, each issued on the first day of the next month.
    tz = local_zone()
    for months_back in (3, 2):
        first = _month_start(today, months_back)
        last = _month_start(today, months_back - 1) - timedelta(days=1)
        issued = _at(last + timedelta(days=1), 9)
        with store.write() as s:
            content = circulars.circular_content(load_records(s), first, last, issued, tz, settings)
            if not content.finding_ids:
                continue
            cid = circulars.create_circular_draft(s, content).id
        circulars.issue_circular(store, cid, settings, authority, issued_at=issued)
    with store.write() as s:
        s.execute(delete(OutboxOp).where(OutboxOp.seq > first_op))  # fictional: never synced
    return True


def _month_start(today: date, months_back: int) -> date:
    year, month = today.year, today.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def _insert_visits(store: Store, today: date) -> list[tuple[str, date, _Story]]:
    made: list[tuple[str, date, _Story]] = []
    with store.write() as s, untracked(s):
        units = {u.name: u for u in s.scalars(select(Unit))}
        template = s.scalar(select(Visit.template_version_id).where(
            Visit.template_version_id.is_not(None)).limit(1))
        rows: dict[str, list[dict[str, Any]]] = {"visit": [], "finding": []}
        for n, story in enumerate(STORIES):
            unit = units.get(story.unit)
            if unit is None:
                continue
            day = _month_start(today, story.months_back) + timedelta(days=story.day - 1)
            start = _at(day, 9, 40)
            vid = _id("visit", n)
            rows["visit"].append(_row(
                vid, start, kind=story.kind, unit_id=unit.id, template_version_id=template,
                team="明查暗访组" if story.kind == VisitKind.UNANNOUNCED else "效能监察一组",
                lead_inspector_id=None, member_ids=[], planned_for=day, started_at=start,
                ended_at=start + timedelta(minutes=75), place=unit.address, status="completed",
                confidential=story.kind == VisitKind.UNANNOUNCED, parent_visit_id=None, title="",
                search_text="\n".join([unit.name, *(f[1] for f in story.findings)]),
                cancel_reason="", reopen_reason=""))
            for k, (category, text, responsible, severity) in enumerate(story.findings):
                rows["finding"].append(_row(
                    _id("finding", n, k), start + timedelta(minutes=10 + k), visit_id=vid,
                    unit_id=unit.id, category=category, description=text, legal_basis="",
                    severity=severity, responsible=responsible, item_key="",
                    requirement="立即整改，并将整改情况书面报送效能监察室。",
                    deadline=day + timedelta(days=15), status="open", revision=1))
            made.append((vid, day, story))
        if rows["visit"]:
            s.execute(insert(Visit), rows["visit"])
            s.execute(insert(Finding), rows["finding"])
    return made


def _row(rid: str, stamp: datetime, **fields: Any) -> dict[str, Any]:
    return {"id": rid, "created_at": stamp, "updated_at": stamp, "deleted": False, **fields}
