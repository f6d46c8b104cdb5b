"""通报 and 责任追究建议 drawn from the records, issued through the notices engine.

The wording lives in resources/followup/texts.json; this module only decides the facts: which
units and findings a period's circular names (grouped by unit and category, typical cases, the
repeat offenders), and what an accountability recommendation cites (the flag's findings, the
整改通知书 and 通报 by number, the deadlines, the responsible people). Drafts are ordinary
notices, edited before issuing; issuing numbers and freezes them like any notice, then records
the follow-up (circulated, escalated) on the findings.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import cache
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
from fieldcheck.notices import NoticeContent, NoticeType, format_date
from fieldcheck.paths import resources_dir
from fieldcheck.store.database import Store

ORDINALS = "一二三四五六七八九十"
MAX_CASES = 3
SEVERITY_RANK = {"serious": 0, "major": 1, "minor": 2}


@cache
def texts() -> Mapping[str, Any]:
    with (resources_dir() / "followup" / "texts.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def _ordinal(n: int) -> str:
    if n <= 10:
        return ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else ORDINALS[tens - 1]}十{ORDINALS[ones - 1] if ones else ''}"


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
    t = texts()["circular"]
    flt = BoardFilter(date_from=day_from, date_to=day_to)
    # A finding is circulated once: a later 通报 over the same days names only what is new.
    named = {fid for c in records.circulars for fid in c.finding_ids}
    chosen = sorted((f for f in records.findings.values() if flt.admits(f, tz) and f.id not in named),
                    key=lambda f: (_unit_name(records, f.unit_id), f.category, f.found_at or now, f.id))
    issuer = settings.notice.issuer_name
    period = period_text(day_from, day_to)
    ctx: dict[str, Any] = {"issuer_name": issuer, "period": period,
                           "reply_deadline": format_date(now.astimezone(tz).date()
                                                         + timedelta(days=settings.reply_days))}
    units = list(dict.fromkeys(f.unit_id for f in chosen))
    paragraphs = [t["opening"].format(**ctx, unit_count=len(units), finding_count=len(chosen)),
                  t["heading_overview"]]
    late = {f.id for f in rules.overdue_findings(chosen, now, tz)}
    kinds = Counter(KIND_NAMES.get(VisitKind(f.visit_kind), f.visit_kind) if f.visit_kind in set(VisitKind)
                    else f.visit_kind for f in chosen)
    cats = Counter(category_name(f.category) for f in chosen)
    paragraphs.append(t["overview"].format(
        visit_kinds="、".join(f"{k}发现问题{n}个" for k, n in kinds.most_common()) or "检查",
        categories="，".join(f"{k}{n}个" for k, n in cats.most_common()) or "无",
        as_of=format_date(now.astimezone(tz).date()),
        verified=sum(f.status == rules.VERIFIED for f in chosen),
        in_progress=sum(f.status != rules.VERIFIED and f.id not in late for f in chosen),
        overdue=len(late)))
    paragraphs.append(t["heading_problems"])
    if not chosen:
        paragraphs.append(t["no_findings"])
    for k, unit_id in enumerate(units, start=1):
        paragraphs.append(t["unit_heading"].format(ordinal=_ordinal(k), unit_name=_unit_name(records, unit_id)))
        by_cat: dict[str, list[str]] = {}
        for f in chosen:
            if f.unit_id == unit_id:
                by_cat.setdefault(f.category, []).append(f.description.rstrip("。；;. "))
        for n, (cat, descriptions) in enumerate(by_cat.items(), start=1):
            paragraphs.append(t["category_line"].format(n=n, category_name=category_name(cat),
                                                        descriptions="；".join(descriptions)))
    severities = severities or {}
    cases = sorted(chosen, key=lambda f: (SEVERITY_RANK.get(severities.get(f.id, "minor"), 3),
                                          f.id not in late, f.found_at or now, f.id))[:MAX_CASES]
    if cases:
        paragraphs.append(t["heading_cases"])
        for n, f in enumerate(cases, start=1):
            paragraphs.append(t["case"].format(
                n=n, unit_name=_unit_name(records, f.unit_id), description=f.description.rstrip("。"),
                requirement_sentence=t["case_requirement"] if f.notice_numbers else ""))
    paragraphs.append(t["heading_requirements"])
    paragraphs += [p.format(**ctx) for p in t["requirements"]]
    flags = [fl for fl in current_flags(records, now, tz) if fl.reason == "repeat"
             and fl.unit_id in units]
    repeat_units = tuple(dict.fromkeys(fl.unit_id for fl in flags))
    if repeat_units:
        paragraphs.append(t["repeat_warning"].format(
            units="、".join(_unit_name(records, u) for u in repeat_units), **ctx))
    paragraphs.append(t["closing"])
    content = NoticeContent(
        type=NoticeType.CIRCULAR, title=t["title"].format(period=period), paragraphs=paragraphs,
        issued_on=now.astimezone(tz).date(),
        fields={"period_from": day_from.isoformat(), "period_to": day_to.isoformat(),
                "finding_ids": ",".join(f.id for f in chosen)},
    )
    return CircularDraft(content, tuple(f.id for f in chosen), repeat_units)


def _unit_name(records: Records, unit_id: str) -> str:
    unit = records.units.get(unit_id)
    return unit.name if unit else ""


def create_circular_draft(session: Session, draft: CircularDraft) -> Notice:
    """A draft 通报 of no one visit: edited like any notice, then issued."""
    notice = Notice(type=NoticeType.CIRCULAR, visit_id=None, unit_id=None, status="draft")
    session.add(notice)
    session.flush()
    draft.content.notice_id = notice.id
    notice.content = notices.content_to_json(draft.content)
    record_change(session, actor_of(session), "notice.draft", notice,
                  {"type": "circular", "findings": len(draft.finding_ids)})
    return notice


def issue_circular(store: Store, notice_id: str, settings: BureauSettings,
                   authority: numbering.NumberAuthority | None = None,
                   issued_at: datetime | None = None) -> Notice:
    """Issue (number, freeze) a 通报 and record each finding it names as circulated."""
    notice = notices.issue_notice(store, notice_id, settings, authority, issued_at=issued_at)
    with store.write() as s:
        issued = notices.get_notice(s, notice_id)
        ids = [i for i in (issued.content.get("fields") or {}).get("finding_ids", "").split(",") if i]
        followup.mark_circulated(s, issued, ids)
    return notice


# --- the accountability recommendation ------------------------------------------------------

def accountability_content(records: Records, flag: rules.Flag, now: datetime, tz: tzinfo,
                           settings: BureauSettings, recipient: str = "") -> NoticeContent:
    """责任追究建议 drafted from a flag: facts with the earlier notices cited by number, the
    responsible people, the basis and a proposed measure, to the appointing body."""
    t = texts()["accountability"]
    unit_name = _unit_name(records, flag.unit_id)
    issuer = settings.notice.issuer_name
    today = now.astimezone(tz).date()
    ctx = {"issuer_name": issuer, "unit_name": unit_name, "as_of": format_date(today),
           "reply_deadline": format_date(today + timedelta(days=settings.reply_days))}
    found = [records.findings[i] for i in flag.evidence.findings if i in records.findings]
    paragraphs = [t["opening"].format(**ctx), t["heading_facts"]]
    for n, f in enumerate(found, start=1):
        line = t["fact"].format(n=n, category_name=category_name(f.category),
                                description=f.description.rstrip("。"))
        if f.notice_numbers:
            line += t["fact_notice"].format(
                **ctx, notices="、".join(f"《整改通知书》（{num}）" for num in f.notice_numbers),
                deadlines="、".join(format_date(d) for d in (f.deadlines or ((f.deadline,) if f.deadline else ()))))
        paragraphs.append(line)
    if flag.evidence.circulars:
        paragraphs.append(t["fact_circular"].format(
            circulars="、".join(f"《通报》（{num}）" for num in flag.evidence.circulars)))
    paragraphs.append(t["heading_people"])
    people = list(dict.fromkeys(f.responsible.strip() for f in found if f.responsible.strip()))
    paragraphs += [t["person"].format(responsible=p) for p in people] or [t["no_person"]]
    paragraphs.append(t["heading_basis"])
    paragraphs.append(t["basis_repeat"] if flag.reason == "repeat" else t["basis_overdue"])
    paragraphs.append(t["heading_measure"])
    paragraphs.append(t["measure"].format(**ctx))
    return NoticeContent(
        type=NoticeType.ACCOUNTABILITY, unit_name=unit_name, title=t["title"],
        recipient=recipient or t["recipient_default"].format(**ctx), paragraphs=paragraphs,
        issued_on=today,
        fields={"flag_reason": flag.reason, "category": flag.category,
                "finding_ids": ",".join(f.id for f in found)},
    )


def appointing_body(session: Session, unit_id: str) -> str:
    """主送: the unit's parent in the directory (its supervising body) when known."""
    unit = session.get(Unit, unit_id)
    parent = session.get(Unit, unit.parent_id) if unit is not None and unit.parent_id else None
    return f"{parent.name}：" if parent is not None else ""


def create_accountability_draft(session: Session, content: NoticeContent, unit_id: str) -> Notice:
    if not content.fields.get("finding_ids"):
        raise ValidationError(tr("该提示没有可追究的问题记录。"))
    notice = Notice(type=NoticeType.ACCOUNTABILITY, visit_id=None, unit_id=unit_id, status="draft")
    session.add(notice)
    session.flush()
    content.notice_id = notice.id
    notice.content = notices.content_to_json(content)
    record_change(session, actor_of(session), "notice.draft", notice, {"type": "accountability"})
    return notice


def issue_accountability(store: Store, notice_id: str, settings: BureauSettings,
                         authority: numbering.NumberAuthority | None = None,
                   issued_at: datetime | None = None) -> Notice:
    """Issue the recommendation; its findings are escalated (提请追责), citing it."""
    notice = notices.issue_notice(store, notice_id, settings, authority, issued_at=issued_at)
    with store.write() as s:
        issued = notices.get_notice(s, notice_id)
        ids = [i for i in (issued.content.get("fields") or {}).get("finding_ids", "").split(",") if i]
        followup.escalate(s, ids, f"责任追究建议 {issued.number}", issued.id)
    return notice

