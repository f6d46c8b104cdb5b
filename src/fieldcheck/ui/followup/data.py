"""Follow-up for the worker thread: one transaction through the domain each, plain data out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from fieldcheck.domain import circulars, followup, followup_sql, notices, numbering, recurring
from fieldcheck.domain import followup_rules as rules
from fieldcheck.domain.findings import categories, category_name
from fieldcheck.domain.followup_board import (
    BoardFilter,
    BoardRow,
    Statistics,
    flag_json,
    load_records,
    local_zone,
)
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.domain.visits import start_visit
from fieldcheck.i18n import tr
from fieldcheck.models import (
    Finding,
    FollowupEvent,
    Photo,
    TemplateVersion,
    Unit,
    Visit,
    VisitStatus,
)
from fieldcheck.models.coltypes import utcnow

if TYPE_CHECKING:
    from fieldcheck.store import Store


@dataclass(frozen=True)
class FlagView:
    unit_id: str
    reason: str
    category: str
    summary: str  # one line: unit, reason, category
    evidence: str  # several lines: circulars, notices, deadlines, findings
    finding_ids: tuple[str, ...]


@dataclass(frozen=True)
class PlannedReinspection:
    visit_id: str
    unit_name: str
    planned_for: date | None
    status: str
    finding_count: int


@dataclass(frozen=True)
class BoardData:
    rows: list[BoardRow]
    stats: Statistics
    flags: list[FlagView]
    units: list[tuple[str, str]]  # (id, name) of units with findings
    teams: list[str]
    categories: list[tuple[str, str]]
    reinspections: list[PlannedReinspection]
    total: int  # findings the filter admits (the board shows the first BOARD_PAGE)
    filter: BoardFilter  # what was asked


BOARD_PAGE = 1000  # rows shown; the count, the statistics and the XLSX cover them all


def load_board(store: Store, flt: BoardFilter) -> BoardData:
    """Statistics, the board's first page and the flags as counted by followup_sql: a store
    of 100 000 findings is not read whole; a flag's evidence is read when it is chosen."""
    tz, now = local_zone(), utcnow()
    with store.read() as s:
        seen = followup_sql.refresh(s, flt, now, tz, BOARD_PAGE)
        planned = _reinspections(s)
    flags = [_flag_summary_view(f) for f in seen.flags]
    return BoardData(seen.rows, seen.stats, flags, seen.units, seen.teams,
                     [(c.key, c.name) for c in categories()], planned, seen.total, flt)


def _flag_summary_view(flag: followup_sql.FlagSummary) -> FlagView:
    reason = tr("同一类问题被连续两次通报") if flag.reason == "repeat" else tr("逾期未整改到位")
    head = f"{flag.unit_name}　{reason}"
    if flag.category:
        head += f"（{tr(category_name(flag.category))}）"
    if flag.reason == "overdue":
        head += tr("，{n} 个问题", n=flag.findings)
    return FlagView(flag.unit_id, flag.reason, flag.category, head, "", ())


def flag_evidence(store: Store, unit_id: str, reason: str, category: str,
                  flt: BoardFilter | None = None) -> FlagView | None:
    """The whole evidence chain of one flag (circulars, notices, deadlines, findings)."""
    with store.read() as s:
        found = followup_sql.flag_evidence(s, (unit_id, reason, category), utcnow(), local_zone(), flt)
    return None if found is None else _flag_view(*found)


def _flag_view(flag: rules.Flag, records: Any) -> FlagView:
    data = flag_json(flag, records)
    reason = tr("同一类问题被连续两次通报") if flag.reason == "repeat" else tr("逾期未整改到位")
    head = f"{data['unit']}　{reason}" + (f"（{tr(data['category_name'])}）" if flag.category else "")
    lines = []
    if data["circulars"]:
        lines.append(tr("通报：{numbers}", numbers="、".join(data["circulars"])))
    if data["notices"]:
        lines.append(tr("整改通知书：{numbers}", numbers="、".join(data["notices"])))
    if data["deadlines"]:
        lines.append(tr("整改期限：{days}", days="、".join(data["deadlines"])))
    for f in data["findings"]:
        lines.append(tr("· {text}（{unit}，期限 {day}）", text=f["description"], unit=f["unit"],
                        day=f["deadline"] or "—"))
    return FlagView(flag.unit_id, flag.reason, flag.category, head, "\n".join(lines),
                    tuple(flag.evidence.findings))


def _reinspections(s: Any) -> list[PlannedReinspection]:
    counts: dict[str, int] = {}
    for vid in s.scalars(select(FollowupEvent.reinspection_visit_id).where(
            FollowupEvent.reinspection_visit_id > "",  # a range: along its index, not every event
            FollowupEvent.kind == "reinspection_planned",
            FollowupEvent.deleted.is_(False))):
        counts[vid] = counts.get(vid, 0) + 1
    out = []
    for visit in s.scalars(select(Visit).where(Visit.id.in_(counts), Visit.deleted.is_(False))
                           .order_by(Visit.planned_for)):
        unit = s.get(Unit, visit.unit_id)
        out.append(PlannedReinspection(visit.id, unit.name if unit else "", visit.planned_for,
                                       visit.status, counts[visit.id]))
    return out


# --- writes ---------------------------------------------------------------------------------

def plan_reinspection(store: Store, finding_ids: list[str], planned_for: date) -> str:
    with store.write() as s:
        return followup.plan_reinspection(s, finding_ids, planned_for).id


def attach_report(store: Store, finding_ids: list[str], paths: list[Path]) -> int:
    files = followup.store_report_files(store, paths)
    with store.write() as s:
        return len(followup.attach_report(s, finding_ids, files))


def extend_deadline(store: Store, finding_id: str, day: date, reason: str) -> None:
    with store.write() as s:
        followup.extend_deadline(s, finding_id, day, reason)


def reopen(store: Store, finding_id: str, reason: str, day: date | None) -> None:
    with store.write() as s:
        followup.reopen_finding(s, finding_id, reason, day)


# --- a re-inspection ------------------------------------------------------------------------

@dataclass(frozen=True)
class ReinspectionItem:
    finding_id: str
    category_name: str
    description: str
    requirement: str
    deadline: date | None
    status: str
    before: tuple[Path, ...]  # thumbnails of the evidence photos
    after: tuple[Path, ...]  # thumbnails of the photos recorded with the result
    outcome: str  # "" until recorded
    note: str


@dataclass(frozen=True)
class Reinspection:
    visit_id: str
    unit_name: str
    status: str
    items: list[ReinspectionItem]


def start_reinspection(store: Store, visit_id: str) -> Reinspection:
    with store.write() as s:
        visit = s.get(Visit, visit_id)
        if visit is not None and visit.status == VisitStatus.PLANNED:
            start_visit(s, visit_id)
    return load_reinspection(store, visit_id)


def load_reinspection(store: Store, visit_id: str) -> Reinspection:
    from fieldcheck.domain.findings import category_name

    with store.read() as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None
        unit = s.get(Unit, visit.unit_id)
        results = followup.reinspection_results(s, visit_id)
        items = []
        for f in followup.findings_to_reinspect(s, visit_id):
            ev = results.get(f.id)
            after_ids = list(ev.photo_ids or []) if ev else []
            after = [p for p in (s.get(Photo, i) for i in after_ids) if p is not None]
            items.append(ReinspectionItem(
                f.id, category_name(f.category), f.description, f.requirement, f.deadline, f.status,
                tuple(store.blobs.thumbnail_path(p.sha256) for p in followup.before_photos(s, f.id)),
                tuple(store.blobs.thumbnail_path(p.sha256) for p in after),
                ev.outcome if ev else "", ev.reason if ev else ""))
        return Reinspection(visit_id, unit.name if unit else "", visit.status, items)


def record_result(store: Store, visit_id: str, finding_id: str, outcome: str, note: str,
                  photos: list[Path]) -> Reinspection:
    """Import the after-photos into the 复查 visit, then record the finding's result."""
    from fieldcheck.domain.evidence import import_photos
    from fieldcheck.errors import ValidationError

    added: list[str] = []
    if photos:
        report = import_photos(store, visit_id, photos)
        if report.rejected:
            raise ValidationError(report.summary(), [f"{n}：{m}" for n, m in report.rejected])
        added = report.added
        with store.read() as s:  # a photo already in the visit counts too
            names = {p.name for p in photos}
            added += [p.id for p in s.scalars(select(Photo).where(
                Photo.visit_id == visit_id, Photo.original_name.in_(names))) if p.id not in added]
    with store.write() as s:
        followup.record_reinspection(s, visit_id, finding_id, outcome, note, added)
    return load_reinspection(store, visit_id)


def finish_reinspection(store: Store, visit_id: str) -> None:
    with store.write() as s:
        followup.finish_reinspection(s, visit_id)


# --- circular and accountability ------------------------------------------------------------

@dataclass(frozen=True)
class DraftDocument:
    notice_id: str
    title: str
    recipient: str
    paragraphs: list[str]
    count: int  # findings it names


def draft_circular(store: Store, day_from: date, day_to: date) -> DraftDocument:
    settings = load_settings(store.data_dir)
    with store.write() as s:
        draft = circulars.circular_content(load_records(s), day_from, day_to, utcnow(), local_zone(), settings)
        notice = circulars.create_circular_draft(s, draft)
        return DraftDocument(notice.id, draft.content.title, draft.content.recipient,
                             list(draft.content.paragraphs), len(draft.finding_ids))


def draft_accountability(store: Store, unit_id: str, reason: str, category: str) -> DraftDocument:
    settings = load_settings(store.data_dir)
    tz, now = local_zone(), utcnow()
    with store.write() as s:
        found = followup_sql.flag_evidence(s, (unit_id, reason, category), now, tz)
        if found is None:
            from fieldcheck.errors import ValidationError

            raise ValidationError(tr("该追责提示已不存在（记录已变化），请刷新。"))
        flag, records = found
        content = circulars.accountability_content(records, flag, now, tz, settings,
                                                   circulars.appointing_body(s, unit_id))
        notice = circulars.create_accountability_draft(s, content, unit_id)
        return DraftDocument(notice.id, content.title, content.recipient, list(content.paragraphs),
                             len(flag.evidence.findings))


def save_and_issue(store: Store, notice_id: str, kind: str, recipient: str, paragraphs: list[str]) -> str:
    """Keep the edited wording, then issue (number, freeze); returns the 文号."""
    settings = load_settings(store.data_dir)
    with store.write() as s:
        notices.update_draft(s, notice_id, recipient=recipient, paragraphs=paragraphs)
    issue = circulars.issue_circular if kind == "circular" else circulars.issue_accountability
    return issue(store, notice_id, settings, numbering.LocalAuthority()).number or ""


def discard_draft(store: Store, notice_id: str) -> None:
    from fieldcheck.domain.changes import record_change
    from fieldcheck.domain.people import actor_of

    with store.write() as s:
        notice = notices.get_notice(s, notice_id)
        if notice.status == "draft":
            notice.deleted = True
            record_change(s, actor_of(s), "notice.discard", notice)


def pdf_of(store: Store, notice_id: str) -> bytes:
    return notices.issued_pdf(store, notice_id)


# --- recurring plans ------------------------------------------------------------------------

PRESETS = {
    # key: (title, template key, unit kinds, visit kind, every months)
    "penalty": ("涉企行政处罚案卷半年检查", "penalty_cases", ("department",), "project", 6),
    "windows": ("服务窗口月度检查", "window_unannounced", ("service_window",), "open", 1),
}


def schedule_preset(store: Store, preset: str, first: date, until: date, team: str) -> int:
    title, template_key, unit_kinds, kind, months = PRESETS[preset]
    with store.write() as s:
        version = s.scalars(select(TemplateVersion).where(TemplateVersion.key == template_key)
                            .order_by(TemplateVersion.version.desc())).first()
        units = tuple(u.id for u in recurring.units_of_kind(s, unit_kinds))
        plan = recurring.RecurringPlan(title, kind, version.id if version else None, units, months,
                                       first.day, first, until, team)
        return len(recurring.schedule(s, plan))


def finding_status(store: Store, finding_id: str) -> str:
    with store.read() as s:
        f = s.get(Finding, finding_id)
        return f.status if f else ""


def today() -> date:
    return datetime.now().date()
