"""Facts in, notice document out: the one place that words a 通报 and a 责任追究建议书.

These two documents are drawn up after visits, from what happened since: the 整改通知书 that
were issued, the deadlines that passed, the circulars that named a unit, the people
responsible. The caller gathers the facts in the dataclasses below — the domain from the
records (domain/circulars.py), `fieldcheck notice sample` from samples.json — and calls

    circular_content(facts, settings) -> NoticeContent         # 通报
    accountability_content(facts, settings) -> NoticeContent   # 责任追究建议书

and renders the result with `render_notice(content, settings)`. The builders check that the
facts hold together (a proposal to hold people accountable for findings not rectified by
their deadlines needs every deadline to have passed before the date of issue; a 通报 names a
unit for each finding) and raise NoticeError with a message a person can act on when not.
The wording lives in the "drafting" part of resources/notices/circular.json and
accountability.json; every paragraph is plain text the inspector may edit before issuing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any

from fieldcheck.i18n import tr
from fieldcheck.notices.errors import NoticeError
from fieldcheck.notices.model import FindingEntry, NoticeContent, NoticeSettings, NoticeType
from fieldcheck.notices.texts import fill, raw_texts

ORDINALS = "一二三四五六七八九十"


@cache
def wording(notice_type: NoticeType) -> Mapping[str, Any]:
    """The drafting texts of a 通报 or 责任追究建议书 (resources/notices/<type>.json)."""
    data = raw_texts(notice_type).get("drafting")
    if not isinstance(data, dict):
        raise NoticeError(tr("文书文本文件 {name}.json 缺少 drafting 部分。", name=notice_type.value))
    return data


def ordinal(n: int) -> str:
    """一 … 十, 十一 …: the numbering of headings and of units in a 通报."""
    if n <= 10:
        return ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else ORDINALS[tens - 1]}十{ORDINALS[ones - 1] if ones else ''}"


# --- 通报 -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CircularUnit:
    unit_name: str
    findings: list[FindingEntry]  # category_name and description of each


@dataclass(frozen=True)
class Progress:
    """How the named findings stand on a day: verified, being rectified, overdue."""

    as_of: date
    verified: int
    in_progress: int
    overdue: int


@dataclass
class CircularFacts:
    """What a 通报 states: the period, the units with what was found at each (grouped by
    category in the text), how the checks were made, typical cases and repeat offenders."""

    period: str  # 2026年11月, 2026年第四季度, or from–to
    units: list[CircularUnit]
    issued_on: date
    reply_deadline: date  # the units named report their rectification by then
    visit_kinds: list[tuple[str, int]] = field(default_factory=list)  # (暗访, findings), most first
    progress: Progress | None = None
    cases: list[FindingEntry] = field(default_factory=list)  # typical cases, unit_name set
    repeat_units: list[str] = field(default_factory=list)  # named for the same category twice running
    number: str | None = None
    cc: list[str] = field(default_factory=list)


def circular_content(facts: CircularFacts, settings: NoticeSettings) -> NoticeContent:
    """The 通报 to every unit: an overview, the problems unit by unit and category by
    category, typical cases, requirements, the repeat offenders warned, 特此通报。"""
    units = [u for u in facts.units if u.findings]
    if not units and not facts.progress:
        raise NoticeError(tr("通报须至少列出一个单位的问题。"))
    if any(not u.unit_name.strip() for u in units):
        raise NoticeError(tr("通报中的每个问题都须写明所属单位。"))
    t = wording(NoticeType.CIRCULAR)
    findings = [replace(f, unit_name=u.unit_name) for u in units for f in u.findings]
    ctx = {"issuer_name": settings.issuer_name, "period": facts.period, "unit_count": len(units),
           "finding_count": len(findings), "reply_deadline": facts.reply_deadline}
    headings = iter(range(1, 10))
    paragraphs = [fill(t["opening"], ctx), fill(t["heading_overview"], {"n": ordinal(next(headings))})]
    categories = Counter(f.category_name for f in findings)
    overview = fill(t["overview"], {
        "visit_kinds": "、".join(fill(t["visit_kind"], {"kind": k, "count": n}) for k, n in facts.visit_kinds)
        or t["visit_kind_unknown"],
        "categories": "，".join(f"{k}{n}个" for k, n in categories.most_common()) or "无"})
    if facts.progress is not None:
        overview += fill(t["progress"], vars(facts.progress))
    paragraphs.append(overview)
    paragraphs.append(fill(t["heading_problems"], {"n": ordinal(next(headings))}))
    if not units:
        paragraphs.append(t["no_findings"])
    for k, unit in enumerate(units, start=1):
        paragraphs.append(fill(t["unit_heading"], {"ordinal": ordinal(k), "unit_name": unit.unit_name}))
        by_category: dict[str, list[str]] = {}
        for f in unit.findings:
            by_category.setdefault(f.category_name, []).append(f.description.rstrip("。；;. "))
        for n, (name, texts) in enumerate(by_category.items(), start=1):
            paragraphs.append(fill(t["category_line"], {"n": n, "category_name": name,
                                                        "descriptions": "；".join(texts)}))
    if facts.cases:
        paragraphs.append(fill(t["heading_cases"], {"n": ordinal(next(headings))}))
        for n, case in enumerate(facts.cases, start=1):
            paragraphs.append(fill(t["case"], {
                "n": n, "unit_name": case.unit_name,
                "description": after_subject(case.unit_name, case.description.rstrip("。")),
                "requirement_sentence": t["case_requirement"] if case.requirement else ""}))
    paragraphs.append(fill(t["heading_requirements"], {"n": ordinal(next(headings))}))
    paragraphs += [fill(p, ctx) for p in t["requirements"]]
    if facts.repeat_units:
        paragraphs.append(fill(t["repeat_warning"], {**ctx, "units": "、".join(facts.repeat_units)}))
    paragraphs.append(t["closing"])
    return NoticeContent(
        type=NoticeType.CIRCULAR, number=facts.number, title=fill(t["title"], ctx),
        recipient=t["recipient"], findings=_renumbered(findings), paragraphs=paragraphs,
        issued_on=facts.issued_on, cc=list(facts.cc),
    )


# --- 责任追究建议书 -------------------------------------------------------------------------

@dataclass(frozen=True)
class ResponsiblePerson:
    name: str  # 孙立新 (or the whole of what the record says: 窗口负责人 刘敏)
    post: str = ""  # 中心副主任
    duty: str = ""  # 分管窗口服务工作


@dataclass(frozen=True)
class FollowedFinding:
    """A finding the recommendation rests on: what it was (category_name, description), the
    deadline it was last given (`deadline`), what a 复查 found (`status`), and the 整改通知书
    that set its deadlines, by number."""

    finding: FindingEntry
    notices: tuple[str, ...] = ()
    deadlines: tuple[date, ...] = ()  # every deadline it was given, oldest first


@dataclass
class AccountabilityFacts:
    """What a 责任追究建议书 states, for one of the two grounds of the rule: "overdue" (限期整改
    不到位) or "repeat" (同一类问题被连续两次通报, the circulars cited by number)."""

    unit_name: str  # the unit whose people are concerned
    addressee: str  # 主送: the body that appoints or supervises them; "" writes a line to fill
    reason: str
    findings: list[FollowedFinding]
    responsible: list[ResponsiblePerson]
    reply_deadline: date
    issued_on: date
    circulars: tuple[str, ...] = ()
    recheck_date: date | None = None  # the 复查 that found them not rectified, if one did
    measure: str = ""  # 诫勉谈话, 通报批评 …; "" proposes the usual one
    basis: str = ""  # e.g. 《河北省行政效能监察办法》第二十三条; "" cites the rule itself
    number: str | None = None
    cc: list[str] = field(default_factory=list)
    # A draft to be finished by hand: without people or a measure it says what to fill in,
    # instead of refusing.
    draft: bool = False


REASONS = ("overdue", "repeat")


def accountability_content(facts: AccountabilityFacts, settings: NoticeSettings) -> NoticeContent:
    """The 责任追究建议书, addressed to the body over the unit; NoticeError if the facts do not
    support it (no finding, no responsible person or measure in a finished document, a deadline
    not yet passed for a 限期整改不到位)."""
    if facts.reason not in REASONS:
        raise ValueError(f"unknown ground {facts.reason!r}")
    if not facts.findings:
        raise NoticeError(tr("责任追究建议须列出仍未整改到位的问题。"))
    if not facts.draft and not facts.responsible:
        raise NoticeError(tr("责任追究建议须写明责任人的姓名和职务。"))
    if not facts.draft and (not facts.measure.strip() or not facts.basis.strip()):
        raise NoticeError(tr("责任追究建议须写明建议的处理方式和依据。"))
    if facts.reason == "overdue":
        running = [k for k, f in enumerate(facts.findings, start=1)
                   if f.finding.deadline is None or f.finding.deadline >= facts.issued_on]
        if running:
            raise NoticeError(tr("第{items}项的整改期限尚未届满（或未设期限），不能认定为“逾期未整改”。"
                                 "请删去这些问题或待期限届满后再提出责任追究建议。",
                                 items="、".join(str(k) for k in running)))
    if facts.recheck_date is not None and facts.recheck_date > facts.issued_on:
        raise NoticeError(tr("复查日期不能晚于成文日期。"))
    t = wording(NoticeType.ACCOUNTABILITY)
    ctx = {"issuer_name": settings.issuer_name, "unit_name": facts.unit_name,
           "as_of": facts.recheck_date or facts.issued_on, "recheck_date": facts.recheck_date,
           "reply_deadline": facts.reply_deadline, "count": len(facts.findings)}
    paragraphs = [fill(t[f"opening_{facts.reason}"], ctx), t["heading_facts"]]
    for n, followed in enumerate(facts.findings, start=1):
        f = followed.finding
        line = fill(t["fact"], {"n": n, "category_name": f.category_name,
                                "description": f.description.rstrip("。")})
        deadlines = followed.deadlines or ((f.deadline,) if f.deadline else ())
        if followed.notices:
            line += fill(t["fact_notice"], {**ctx, "deadlines": "、".join(fill("{d}", {"d": d}) for d in deadlines),
                                            "notices": "、".join(fill(t["notice"], {"number": num})
                                                                for num in followed.notices)})
        line += fill(t["fact_status"], {**ctx, "status": f.status.rstrip("。")}) if f.status else \
            fill(t["fact_not_done"], ctx)
        paragraphs.append(line)
    if facts.circulars:
        paragraphs.append(fill(t["fact_circular"], {
            "circulars": "、".join(fill(t["circular"], {"number": num}) for num in facts.circulars)}))
    paragraphs.append(t["heading_people"])
    people = [p.post + p.name + (f"（{p.duty}）" if p.duty else "") for p in facts.responsible]
    paragraphs += people or [t["no_person"]]
    paragraphs.append(t["heading_basis"])
    paragraphs.append(fill(t["basis"], {"basis": facts.basis}) if facts.basis.strip()
                      else t[f"basis_{facts.reason}"])
    paragraphs.append(t["heading_measure"])
    measure = facts.measure.strip() or t["measure_default"]
    paragraphs.append(fill(t["measure"], {**ctx, "measure": measure,
                                          "people": "、".join(people) or t["people_default"]}))
    paragraphs.append(fill(t["reply"], ctx))
    paragraphs.append(t["closing"])
    return NoticeContent(
        type=NoticeType.ACCOUNTABILITY, number=facts.number, unit_name=facts.unit_name,
        title=t["title"], recipient=facts.addressee or fill(t["recipient_default"], ctx),
        findings=_renumbered([f.finding for f in facts.findings]), paragraphs=paragraphs,
        issued_on=facts.issued_on, cc=list(facts.cc),
    )


def _renumbered(findings: list[FindingEntry]) -> list[FindingEntry]:
    return [replace(f, seq=k) for k, f in enumerate(findings, start=1)]


__all__ = [
    "AccountabilityFacts",
    "CircularFacts",
    "CircularUnit",
    "FollowedFinding",
    "Progress",
    "ResponsiblePerson",
    "accountability_content",
    "circular_content",
    "ordinal",
]


def after_subject(subject: str, text: str) -> str:
    """`text` as it reads after `subject` in one sentence: a start that repeats the subject's
    end is said once (…综合窗口 + 窗口工作人员… → …综合窗口工作人员…)."""
    for size in range(min(len(subject), len(text) - 1), 1, -1):
        if subject.endswith(text[:size]):
            return text[size:]
    return text
