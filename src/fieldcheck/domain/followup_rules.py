"""The rules of follow-up (跟踪问效) on plain data: no database, no Qt, so the server runs them too.

- A deadline is a calendar day: the finding is due by the end of it, i.e. overdue from the
  following midnight in the laptop's (or the server's configured) time zone. It runs once the
  unit has been notified; a finding still open (never notified) is not yet late.
- A finding's status moves open → notified → rectifying → rectified → verified, or escalated,
  and only along `TRANSITIONS`; each move is one follow-up event.
- Repeat offence (衡监〔2011〕2号: "对同一类问题被连续两次通报的部门，或限期整改不到位甚至不整改的"):
  a unit circulated for the same category in two consecutive circulars, or with a finding past
  its deadline without verified rectification, is flagged with the evidence that says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from fieldcheck.models.enums import FindingStatus

OPEN, NOTIFIED, RECTIFYING = FindingStatus.OPEN, FindingStatus.NOTIFIED, FindingStatus.RECTIFYING
RECTIFIED, VERIFIED, ESCALATED = FindingStatus.RECTIFIED, FindingStatus.VERIFIED, FindingStatus.ESCALATED

# What each follow-up step may start from, and where it leaves the finding (None: unchanged).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    # A 整改通知书 issued (again, for a corrected notice) for the finding.
    "notified": (frozenset({OPEN, NOTIFIED}), NOTIFIED),
    # The unit says it is working on it (or a re-inspection found it partly done).
    "rectifying": (frozenset({NOTIFIED, RECTIFYING}), RECTIFYING),
    # The unit's 整改报告 attached.
    "report": (frozenset({NOTIFIED, RECTIFYING, RECTIFIED, ESCALATED}), RECTIFIED),
    # A re-inspection's result: see `reinspection_status`.
    "reinspected": (frozenset({NOTIFIED, RECTIFYING, RECTIFIED, ESCALATED}), None),
    "extended": (frozenset({OPEN, NOTIFIED, RECTIFYING, RECTIFIED, ESCALATED}), None),
    "escalated": (frozenset({NOTIFIED, RECTIFYING, RECTIFIED}), ESCALATED),
    "reopened": (frozenset({VERIFIED}), RECTIFYING),
    # Named in an issued 通报 (evidence for the repeat-offence rule; status unchanged).
    "circulated": (frozenset(FindingStatus), None),
    "reinspection_planned": (frozenset({NOTIFIED, RECTIFYING, RECTIFIED, ESCALATED}), None),
}
OUTCOMES = ("rectified", "partly", "not")  # 已整改 / 部分整改 / 未整改


def reinspection_status(outcome: str) -> str:
    """A re-inspection verifies what was rectified; partly or not at all leaves it rectifying."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown re-inspection outcome {outcome!r}")
    return VERIFIED if outcome == "rectified" else RECTIFYING


def next_status(current: str, step: str, outcome: str = "") -> str:
    """The status after `step`, or ValueError naming why the step is not allowed now."""
    allowed, target = TRANSITIONS[step]
    if current not in allowed:
        raise ValueError(f"{step} is not allowed from {current}")
    if step == "reinspected":
        return reinspection_status(outcome)
    return target or current


# --- deadlines ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DeadlineState:
    days_left: int | None  # 0 on the deadline day itself; negative once overdue
    overdue: bool

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


NO_DEADLINE = DeadlineState(None, False)


def due_moment(deadline: date, tz: tzinfo) -> datetime:
    """The first moment past the deadline: the midnight that ends the deadline day, local."""
    return datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=tz)


def deadline_state(deadline: date | None, status: str, now: datetime, tz: tzinfo) -> DeadlineState:
    """Days left (or overdue) of a finding's deadline as the inspector's calendar counts them."""
    # A deadline runs once the unit has been told of it (整改通知书), until verified.
    if deadline is None or status in (VERIFIED, OPEN):
        return NO_DEADLINE
    if now.tzinfo is None:
        raise ValueError("now must carry its time zone")
    return deadline_state_on(deadline, status, now.astimezone(tz).date())


def deadline_state_on(deadline: date | None, status: str, today: date) -> DeadlineState:
    """The same on the local calendar day `today` (past the due moment ⇔ past the deadline day)."""
    if deadline is None or status in (VERIFIED, OPEN):
        return NO_DEADLINE
    left = (deadline - today).days
    return DeadlineState(left, left < 0)


# --- facts the rules read -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FindingFacts:
    id: str
    unit_id: str
    category: str
    description: str
    status: str
    deadline: date | None
    visit_kind: str = ""
    team: str = ""
    found_at: datetime | None = None  # the visit's start
    notified_at: datetime | None = None
    rectified_at: datetime | None = None
    verified_at: datetime | None = None
    requirement: str = ""
    responsible: str = ""
    # 整改通知书 numbers that notified it, and every deadline it has had (oldest first).
    notice_numbers: tuple[str, ...] = ()
    deadlines: tuple[date, ...] = ()
    found_on: date | None = None  # the local day of found_at, as the store recorded it


@dataclass(frozen=True)
class CircularFacts:
    id: str
    number: str
    issued_at: datetime
    finding_ids: tuple[str, ...]


@dataclass(frozen=True)
class UnitFacts:
    id: str
    name: str
    predecessor_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    circulars: tuple[str, ...]  # numbers, oldest first
    findings: tuple[str, ...]  # ids
    deadlines: tuple[date, ...]
    notices: tuple[str, ...]  # 整改通知书 numbers


@dataclass(frozen=True)
class Flag:
    unit_id: str
    reason: str  # "repeat" (两次通报) or "overdue" (逾期未整改)
    category: str  # the category of a repeat; "" for overdue
    evidence: Evidence
    units_in_evidence: tuple[str, ...] = field(default=())  # predecessors included


def lineage(unit_id: str, units: Mapping[str, UnitFacts]) -> frozenset[str]:
    """The unit and every unit whose duties passed to it (merged in, or split from)."""
    seen: set[str] = set()
    todo = [unit_id]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        unit = units.get(current)
        if unit is not None:
            todo.extend(unit.predecessor_ids)
    return frozenset(seen)


def _canonical(category: str, aliases: Mapping[str, str]) -> str:
    seen = set()
    while category in aliases and category not in seen:  # a renamed category, maybe twice
        seen.add(category)
        category = aliases[category]
    return category


def repeat_offences(
    findings: Mapping[str, FindingFacts], circulars: Sequence[CircularFacts],
    units: Mapping[str, UnitFacts], aliases: Mapping[str, str] | None = None,
) -> list[Flag]:
    """Units circulated for the same category in two consecutive issued circulars."""
    aliases = aliases or {}
    ordered = sorted(circulars, key=lambda c: (c.issued_at, c.number))
    flags: dict[tuple[str, str], Flag] = {}
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        before: dict[tuple[str, str], list[str]] = {}
        for fid in earlier.finding_ids:
            f = findings.get(fid)
            if f is not None:
                before.setdefault((f.unit_id, _canonical(f.category, aliases)), []).append(fid)
        after: dict[tuple[str, str], list[str]] = {}
        for fid in later.finding_ids:
            f = findings.get(fid)
            if f is not None:
                after.setdefault((f.unit_id, _canonical(f.category, aliases)), []).append(fid)
        for (unit_id, category), later_ids in after.items():
            for ancestor in sorted(lineage(unit_id, units)):
                earlier_ids = before.get((ancestor, category))
                if not earlier_ids:
                    continue
                key = (unit_id, category)
                flags[key] = _merge(flags.get(key), Flag(
                    unit_id=unit_id, reason="repeat", category=category,
                    evidence=_evidence([earlier, later], [*earlier_ids, *later_ids], findings),
                    units_in_evidence=tuple(sorted({ancestor, unit_id})),
                ))
    return list(flags.values())


def overdue_findings(findings: Iterable[FindingFacts], now: datetime, tz: tzinfo) -> list[FindingFacts]:
    """Findings past their deadline without verified rectification (oldest deadline first)."""
    if now.tzinfo is None:
        raise ValueError("now must carry its time zone")
    today = now.astimezone(tz).date()
    late = [f for f in findings if deadline_state_on(f.deadline, f.status, today).overdue]
    return sorted(late, key=lambda f: (f.deadline or date.max, f.id))


def overdue_flags(findings: Iterable[FindingFacts], now: datetime, tz: tzinfo) -> list[Flag]:
    by_unit: dict[str, list[FindingFacts]] = {}
    for f in overdue_findings(findings, now, tz):
        by_unit.setdefault(f.unit_id, []).append(f)
    flags = []
    for unit_id, late in sorted(by_unit.items()):
        flags.append(Flag(unit_id=unit_id, reason="overdue", category="", evidence=Evidence(
            circulars=(), findings=tuple(f.id for f in late),
            deadlines=tuple(d for f in late for d in (f.deadlines or ((f.deadline,) if f.deadline else ()))),
            notices=tuple(dict.fromkeys(n for f in late for n in f.notice_numbers)),
        ), units_in_evidence=(unit_id,)))
    return flags


def flags(
    findings: Mapping[str, FindingFacts], circulars: Sequence[CircularFacts],
    units: Mapping[str, UnitFacts], now: datetime, tz: tzinfo,
    aliases: Mapping[str, str] | None = None,
) -> list[Flag]:
    """Every accountability flag: repeats first, then overdue, each by unit."""
    found = repeat_offences(findings, circulars, units, aliases)
    found += overdue_flags(findings.values(), now, tz)
    return sorted(found, key=lambda f: (f.reason != "repeat", f.unit_id, f.category))


def _evidence(circulars: Sequence[CircularFacts], finding_ids: Sequence[str],
              findings: Mapping[str, FindingFacts]) -> Evidence:
    ids = tuple(dict.fromkeys(finding_ids))
    return Evidence(
        circulars=tuple(c.number for c in circulars),
        findings=ids,
        deadlines=tuple(d for i in ids for d in findings[i].deadlines),
        notices=tuple(dict.fromkeys(n for i in ids for n in findings[i].notice_numbers)),
    )


def _merge(old: Flag | None, new: Flag) -> Flag:
    """Three circulars in a row make one flag whose evidence names all three."""
    if old is None:
        return new
    ev = Evidence(
        circulars=tuple(dict.fromkeys(old.evidence.circulars + new.evidence.circulars)),
        findings=tuple(dict.fromkeys(old.evidence.findings + new.evidence.findings)),
        deadlines=tuple(dict.fromkeys(old.evidence.deadlines + new.evidence.deadlines)),
        notices=tuple(dict.fromkeys(old.evidence.notices + new.evidence.notices)),
    )
    return Flag(new.unit_id, new.reason, new.category, ev,
                tuple(sorted(set(old.units_in_evidence) | set(new.units_in_evidence))))
