"""通报 and 责任追究建议 drawn from the records, issued through the notices engine.

This module only decides the facts: which units and findings a period's circular names (by
unit and category, typical cases, the repeat offenders, how they stand), and what an
accountability recommendation cites (the flag's findings, the 整改通知书 and 通报 by number,
the deadlines, the responsible people). notices.drafting words both, as it words the samples.
Drafts are ordinary notices, edited before issuing; issuing numbers and freezes them like any
notice, then records the follow-up (circulated, escalated) on the findings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy.orm import Session

from fieldcheck.domain import followup, notices, numbering
from fieldcheck.domain import followup_rules as rules
from fieldcheck.domain.changes import record_change
from fieldcheck.domain.findings import category_name
from fieldcheck.domain.followup_board import BoardFilter, Records, current_flags
from fieldcheck.domain.notice_settings import BureauSettings
from fieldcheck.domain.people import actor_of
from fieldcheck.domain.visits import KIND_NAMES
from fieldcheck.errors import ValidationError
from fieldcheck.i18n import tr
from fieldcheck.models import Notice, Unit, VisitKind
from fieldcheck.notices import NoticeContent, drafting, format_date
from fieldcheck.notices.model import FindingEntry
from fieldcheck.store.database import Store

MAX_CASES = 3
SEVERITY_RANK = {"serious": 0, "major": 1, "minor": 2}


def period_text(day_from: date, day_to: date) -> str:
    """2026年11月 for a whole month, 2026年第四季度 for a whole quarter, else from–to."""
    month_end = (day_to + timedelta(days=1)).day == 1
    if day_from.day == 1 and month_end and day_from.year == day_to.year:
        if day_from.month == day_to.month:
            return f"{day_from.year}年{day_from.month}月"
        if day_from.month % 3 == 1 and day_to.month == day_from.month + 2:
            return f"{day_from.year}年第{'一二三四'[day_from.month // 3]}季度"
    return f"{format_date(day_from)}至{format_date(day_to)}"


# --- the circular ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CircularDraft:
    content: NoticeContent
    finding_ids: tuple[str, ...]
    repeat_units: tuple[str, ...]


def circular_content(records: Records, day_from: date, day_to: date, now: datetime, tz: tzinfo,
                     settings: BureauSettings, severities: Mapping[str, str] | None = None) -> CircularDraft:
    """The 通报 of a period from the records: what was found, by unit and category."""
    flt = BoardFilter(date_from=day_from, date_to=day_to)
    # A finding is circulated once: a later 通报 over the same days names only what is new.
    named = {fid for c in records.circulars for fid in c.finding_ids}
    chosen = sorted((f for f in records.findings.values() if flt.admits(f, tz) and f.id not in named),
                    key=lambda f: (_unit_name(records, f.unit_id), f.category, f.found_at or now, f.id))
    today = now.astimezone(tz).date()
    late = {f.id for f in rules.overdue_findings(chosen, now, tz)}
    units = list(dict.fromkeys(f.unit_id for f in chosen))
    severities = severities or {}
    cases = sorted(chosen, key=lambda f: (SEVERITY_RANK.get(severities.get(f.id, "minor"), 3),
                                          f.id not in late, f.found_at or now, f.id))[:MAX_CASES]
    flags = [fl for fl in current_flags(records, now, tz) if fl.reason == "repeat" and fl.unit_id in units]
    repeat_units = tuple(dict.fromkeys(fl.unit_id for fl in flags))
    kinds = Counter(_kind_name(f.visit_kind) for f in chosen)
    facts = drafting.CircularFacts(
        period=period_text(day_from, day_to),
        units=[drafting.CircularUnit(_unit_name(records, u), [_entry(f) for f in chosen if f.unit_id == u])
               for u in units],
        issued_on=today, reply_deadline=today + timedelta(days=settings.reply_days),
        visit_kinds=kinds.most_common(),
        progress=drafting.Progress(
            today, sum(f.status == rules.VERIFIED for f in chosen),
            sum(f.status != rules.VERIFIED and f.id not in late for f in chosen), len(late)),
        # A case cites the requirement only when a 整改通知书 set one.
        cases=[replace(_entry(f), unit_name=_unit_name(records, f.unit_id),
                       requirement=f.requirement if f.notice_numbers else "") for f in cases],
        repeat_units=[_unit_name(records, u) for u in repeat_units],
    )
    content = drafting.circular_content(facts, settings.notice)
    content.fields = {"period_from": day_from.isoformat(), "period_to": day_to.isoformat(),
                      "finding_ids": ",".join(f.id for f in chosen)}
    return CircularDraft(content, tuple(f.id for f in chosen), repeat_units)


def _entry(f: rules.FindingFacts) -> FindingEntry:
    return FindingEntry(0, category_name(f.category), f.description, requirement=f.requirement,
                        deadline=f.deadline, responsible=f.responsible)


def _kind_name(kind: str) -> str:
    return KIND_NAMES.get(VisitKind(kind), kind) if kind in set(VisitKind) else kind


def _unit_name(records: Records, unit_id: str) -> str:
    unit = records.units.get(unit_id)
    return unit.name if unit else ""


def _period_draft(session: Session, content: NoticeContent, unit_id: str | None,
                  detail: dict[str, Any]) -> Notice:
    """A draft of no one visit (a 通报, a 责任追究建议): edited like any notice, then issued."""
    notice = Notice(type=content.type, visit_id=None, unit_id=unit_id, status="draft")
    session.add(notice)
    session.flush()
    content.notice_id = notice.id
    notice.content = notices.content_to_json(content)
    record_change(session, actor_of(session), "notice.draft", notice, {"type": str(content.type), **detail})
    return notice


def _issue_then(store: Store, notice_id: str, settings: BureauSettings,
                authority: numbering.NumberAuthority | None, issued_at: datetime | None,
                follow: Callable[[Session, Notice, list[str]], object]) -> Notice:
    """Issue (number, freeze) the notice, then record on the findings it names what follows."""
    notice = notices.issue_notice(store, notice_id, settings, authority, issued_at=issued_at)
    with store.write() as s:
        issued = notices.get_notice(s, notice_id)
        ids = [i for i in (issued.content.get("fields") or {}).get("finding_ids", "").split(",") if i]
        follow(s, issued, ids)
    return notice


def create_circular_draft(session: Session, draft: CircularDraft) -> Notice:
    return _period_draft(session, draft.content, None, {"findings": len(draft.finding_ids)})


def issue_circular(store: Store, notice_id: str, settings: BureauSettings,
                   authority: numbering.NumberAuthority | None = None,
                   issued_at: datetime | None = None) -> Notice:
    """Issue a 通报 and record each finding it names as circulated."""
    return _issue_then(store, notice_id, settings, authority, issued_at, followup.mark_circulated)


# --- the accountability recommendation ------------------------------------------------------

def accountability_content(records: Records, flag: rules.Flag, now: datetime, tz: tzinfo,
                           settings: BureauSettings, recipient: str = "") -> NoticeContent:
    """责任追究建议 drafted from a flag: facts with the earlier notices cited by number, the
    responsible people, the basis and a proposed measure, to the appointing body. A draft:
    what the records do not say (the people's posts, another measure) is filled in by hand."""
    today = now.astimezone(tz).date()
    found = [records.findings[i] for i in flag.evidence.findings if i in records.findings]
    people = list(dict.fromkeys(f.responsible.strip() for f in found if f.responsible.strip()))
    facts = drafting.AccountabilityFacts(
        unit_name=_unit_name(records, flag.unit_id), addressee=recipient, reason=flag.reason,
        findings=[drafting.FollowedFinding(_entry(f), f.notice_numbers, f.deadlines) for f in found],
        responsible=[drafting.ResponsiblePerson(p) for p in people],
        reply_deadline=today + timedelta(days=settings.reply_days), issued_on=today,
        circulars=flag.evidence.circulars, draft=True,
    )
    content = drafting.accountability_content(facts, settings.notice)
    content.fields = {"flag_reason": flag.reason, "category": flag.category,
                      "finding_ids": ",".join(f.id for f in found)}
    return content


def appointing_body(session: Session, unit_id: str) -> str:
    """主送: the unit's parent in the directory (its supervising body) when known."""
    unit = session.get(Unit, unit_id)
    parent = session.get(Unit, unit.parent_id) if unit is not None and unit.parent_id else None
    return f"{parent.name}：" if parent is not None else ""


def create_accountability_draft(session: Session, content: NoticeContent, unit_id: str) -> Notice:
    if not content.fields.get("finding_ids"):
        raise ValidationError(tr("该提示没有可追究的问题记录。"))
    return _period_draft(session, content, unit_id, {})


def issue_accountability(store: Store, notice_id: str, settings: BureauSettings,
                         authority: numbering.NumberAuthority | None = None,
                         issued_at: datetime | None = None) -> Notice:
    """Issue the recommendation; its findings are escalated (提请追责), citing it."""
    return _issue_then(store, notice_id, settings, authority, issued_at,
                       lambda s, issued, ids: followup.escalate(s, ids, f"责任追究建议 {issued.number}", issued.id))
