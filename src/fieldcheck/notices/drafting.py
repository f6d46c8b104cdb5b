"""Facts in, notice document out: 责任追究建议书 and 通报 whose wording follows their facts.

These two documents are drawn up after a visit, from what happened since: the 整改通知书 that
was issued, the deadlines that passed, the people responsible, the units a 通报 names. The
caller (the domain, from real records; the samples, from samples.json) gathers the facts in
the dataclasses below and calls

    accountability_content(facts, settings) -> NoticeContent   # 责任追究建议书
    circular_content(facts, settings) -> NoticeContent         # 通报

and renders the result with `render_notice(content, settings)`. The builders check that the
facts hold together (a proposal to hold people accountable for findings not rectified "after
the deadline" needs every deadline to have passed before the date of issue; a 通报 names a
unit for each finding) and raise NoticeError with a message a person can act on when not.
The wording lives in resources/notices/accountability.json and circular.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from fieldcheck.i18n import tr
from fieldcheck.notices.errors import NoticeError
from fieldcheck.notices.model import (
    FindingEntry,
    NoticeContent,
    NoticeSettings,
    NoticeType,
)
from fieldcheck.notices.texts import fill, load_texts


@dataclass(frozen=True)
class ResponsiblePerson:
    name: str  # 孙立新
    post: str  # 中心副主任
    duty: str = ""  # 分管窗口服务工作


@dataclass
class AccountabilityFacts:
    """What a 责任追究建议书 states. `findings` are the items still not rectified, each with
    the deadline it was given (`deadline`) and what the 复查 found (`status`)."""

    unit_name: str  # the unit whose people are concerned
    addressee: str  # 主送: the body that appoints or supervises them (e.g. 示例区人民政府)
    inspection_date: date
    earlier_number: str  # the 整改通知书 that set the deadlines, e.g. 衡监整改〔2026〕7号
    earlier_issued_on: date
    recheck_date: date  # 复查 that found the items not rectified
    findings: list[FindingEntry]
    responsible: list[ResponsiblePerson]
    measure: str  # the proposed measure: 诫勉谈话, 通报批评, 调离工作岗位 …
    basis: str  # e.g. 《河北省行政效能监察办法》第二十三条
    reply_deadline: date
    issued_on: date
    number: str | None = None
    cc: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CircularUnit:
    unit_name: str
    findings: list[FindingEntry]


@dataclass
class CircularFacts:
    """What a 通报 states: the period and way of the checks, and the units with findings."""

    period: str  # 2026年11月
    units: list[CircularUnit]
    issued_on: date
    number: str | None = None
    cc: list[str] = field(default_factory=list)


def accountability_content(facts: AccountabilityFacts, settings: NoticeSettings) -> NoticeContent:
    """The 责任追究建议书, addressed to the body over the unit; NoticeError if the facts do not
    support it (no finding, no responsible person or measure, a deadline not yet passed)."""
    if not facts.findings:
        raise NoticeError(tr("责任追究建议须列出仍未整改到位的问题。"))
    if not facts.responsible:
        raise NoticeError(tr("责任追究建议须写明责任人的姓名和职务。"))
    if not facts.measure.strip() or not facts.basis.strip():
        raise NoticeError(tr("责任追究建议须写明建议的处理方式和依据。"))
    open_items = [f for f in facts.findings if f.deadline is None or f.deadline >= facts.issued_on]
    if open_items:
        items = "、".join(str(f.seq) for f in open_items)
        raise NoticeError(tr("第{items}项的整改期限尚未届满（或未设期限），不能认定为“逾期未整改”。"
                             "请删去这些问题或待期限届满后再提出责任追究建议。", items=items))
    if facts.recheck_date > facts.issued_on:
        raise NoticeError(tr("复查日期不能晚于成文日期。"))
    texts = load_texts(NoticeType.ACCOUNTABILITY)
    people = "、".join(f"{p.post}{p.name}" + (f"（{p.duty}）" if p.duty else "")
                      for p in facts.responsible)
    deadlines = sorted({f.deadline for f in facts.findings if f.deadline})
    context = {
        "issuer_name": settings.issuer_name, "unit_name": facts.unit_name,
        "inspection_date": facts.inspection_date, "earlier_number": facts.earlier_number,
        "earlier_issued_on": facts.earlier_issued_on, "recheck_date": facts.recheck_date,
        "last_deadline": deadlines[-1], "responsible": people, "measure": facts.measure,
        "basis": facts.basis, "reply_deadline": facts.reply_deadline,
        "count": len(facts.findings),
    }
    return NoticeContent(
        type=NoticeType.ACCOUNTABILITY, number=facts.number, unit_name=facts.unit_name,
        recipient=facts.addressee, findings=_renumbered(facts.findings),
        paragraphs=[fill(p, context) for p in texts.paragraphs],
        issued_on=facts.issued_on, cc=list(facts.cc),
    )


def circular_content(facts: CircularFacts, settings: NoticeSettings) -> NoticeContent:
    """The 通报 to every unit: each finding under the name of its unit, no deadlines."""
    units = [u for u in facts.units if u.findings]
    if not units:
        raise NoticeError(tr("通报须至少列出一个单位的问题。"))
    unnamed = [u for u in units if not u.unit_name.strip()]
    if unnamed:
        raise NoticeError(tr("通报中的每个问题都须写明所属单位。"))
    texts = load_texts(NoticeType.CIRCULAR)
    findings = [replace(f, unit_name=u.unit_name) for u in units for f in u.findings]
    context = {
        "issuer_name": settings.issuer_name, "period": facts.period,
        "unit_count": len(units), "finding_count": len(findings),
        "units": "、".join(u.unit_name for u in units),
    }
    return NoticeContent(
        type=NoticeType.CIRCULAR, number=facts.number, findings=_renumbered(findings),
        paragraphs=[fill(p, context) for p in texts.paragraphs],
        issued_on=facts.issued_on, cc=list(facts.cc),
    )


def _renumbered(findings: list[FindingEntry]) -> list[FindingEntry]:
    return [replace(f, seq=k) for k, f in enumerate(findings, start=1)]


__all__ = [
    "AccountabilityFacts",
    "CircularFacts",
    "CircularUnit",
    "ResponsiblePerson",
    "accountability_content",
    "circular_content",
]
