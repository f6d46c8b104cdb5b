"""The follow-up rules on hand-built histories: deadlines at midnight, status moves, and the
repeat-offence rule through renamed categories, split and merged units, extensions, reopening,
non-consecutive circulars."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from fieldcheck.domain import followup_rules as rules
from fieldcheck.domain.followup_rules import CircularFacts, FindingFacts, UnitFacts

CST = timezone(timedelta(hours=8), "CST")  # the laptop's zone in these histories


def _f(fid: str, unit: str, category: str, status: str = "notified", deadline: date | None = None,
       **kw: object) -> FindingFacts:
    return FindingFacts(id=fid, unit_id=unit, category=category, description=f"问题{fid}",
                        status=status, deadline=deadline, **kw)  # type: ignore[arg-type]


def _c(number: str, day: int, *finding_ids: str) -> CircularFacts:
    return CircularFacts(id=number, number=number, issued_at=datetime(2026, day, 1, 2, tzinfo=UTC),
                         finding_ids=finding_ids)


UNITS = {u: UnitFacts(u, f"单位{u}") for u in ("A", "B", "C")}


# --- deadlines ------------------------------------------------------------------------------

def test_deadline_day_is_not_overdue_until_the_next_local_midnight() -> None:
    deadline = date(2026, 12, 31)
    last_second = datetime(2026, 12, 31, 23, 59, 59, tzinfo=CST)
    midnight = datetime(2027, 1, 1, 0, 0, 0, tzinfo=CST)
    assert rules.deadline_state(deadline, "notified", last_second, CST) == rules.DeadlineState(0, False)
    assert rules.deadline_state(deadline, "notified", midnight, CST) == rules.DeadlineState(-1, True)
    assert rules.deadline_state(deadline, "notified", midnight, CST).days_overdue == 1


def test_the_laptops_zone_decides_not_utc() -> None:
    # 16:30 UTC on the deadline day is already 00:30 the next day in China.
    moment = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    assert rules.deadline_state(date(2026, 12, 31), "notified", moment, CST).overdue
    assert not rules.deadline_state(date(2026, 12, 31), "notified", moment, UTC).overdue


def test_days_left_and_verified_or_undated_findings_have_no_deadline_state() -> None:
    now = datetime(2026, 12, 1, 9, tzinfo=CST)
    assert rules.deadline_state(date(2026, 12, 15), "rectifying", now, CST).days_left == 14
    assert rules.deadline_state(date(2026, 11, 1), "verified", now, CST) == rules.NO_DEADLINE
    assert rules.deadline_state(None, "notified", now, CST) == rules.NO_DEADLINE
    # Not yet notified: the unit cannot be late on a deadline it was never given.
    assert rules.deadline_state(date(2026, 11, 1), "open", now, CST) == rules.NO_DEADLINE
    with pytest.raises(ValueError):
        rules.deadline_state(date(2026, 12, 15), "notified", datetime(2026, 12, 1), CST)


# --- status moves ---------------------------------------------------------------------------

def test_status_moves_only_along_the_rules() -> None:
    assert rules.next_status("open", "notified") == "notified"
    assert rules.next_status("notified", "report") == "rectified"
    assert rules.next_status("rectified", "reinspected", "rectified") == "verified"
    assert rules.next_status("rectified", "reinspected", "partly") == "rectifying"
    assert rules.next_status("rectified", "reinspected", "not") == "rectifying"
    assert rules.next_status("verified", "reopened") == "rectifying"
    assert rules.next_status("notified", "escalated") == "escalated"
    assert rules.next_status("escalated", "report") == "rectified"
    for current, step in [("open", "report"), ("open", "reinspected"), ("verified", "report"),
                          ("verified", "extended"), ("notified", "reopened"), ("open", "escalated")]:
        with pytest.raises(ValueError):
            rules.next_status(current, step, "rectified")


# --- repeat offence -------------------------------------------------------------------------

def test_same_category_in_two_consecutive_circulars_is_flagged_with_its_evidence() -> None:
    findings = {
        "f1": _f("f1", "A", "overtime", notice_numbers=("清监整改〔2026〕3号",), deadlines=(date(2026, 3, 1),)),
        "f2": _f("f2", "A", "overtime", notice_numbers=("清监整改〔2026〕9号",), deadlines=(date(2026, 6, 1),)),
        "f3": _f("f3", "B", "overtime"),
        "f4": _f("f4", "B", "discipline"),
    }
    circulars = [_c("清监通〔2026〕2号", 5, "f2", "f4"), _c("清监通〔2026〕1号", 2, "f1", "f3")]
    flags = rules.repeat_offences(findings, circulars, UNITS)
    assert len(flags) == 1
    flag = flags[0]
    assert (flag.unit_id, flag.reason, flag.category) == ("A", "repeat", "overtime")
    assert flag.evidence.circulars == ("清监通〔2026〕1号", "清监通〔2026〕2号")  # oldest first
    assert flag.evidence.findings == ("f1", "f2")
    assert flag.evidence.notices == ("清监整改〔2026〕3号", "清监整改〔2026〕9号")
    assert flag.evidence.deadlines == (date(2026, 3, 1), date(2026, 6, 1))


def test_two_circulars_that_are_not_consecutive_do_not_flag() -> None:
    findings = {"f1": _f("f1", "A", "overtime"), "f2": _f("f2", "B", "slow"), "f3": _f("f3", "A", "overtime")}
    circulars = [_c("通1", 2, "f1"), _c("通2", 4, "f2"), _c("通3", 6, "f3")]
    assert rules.repeat_offences(findings, circulars, UNITS) == []


def test_three_in_a_row_make_one_flag_naming_all_three() -> None:
    findings = {k: _f(k, "A", "slow") for k in ("f1", "f2", "f3")}
    flags = rules.repeat_offences(findings, [_c("通1", 2, "f1"), _c("通2", 4, "f2"), _c("通3", 6, "f3")], UNITS)
    assert len(flags) == 1 and flags[0].evidence.circulars == ("通1", "通2", "通3")


def test_a_renamed_category_still_counts_as_the_same_problem() -> None:
    findings = {"f1": _f("f1", "A", "service_rules_old"), "f2": _f("f2", "A", "service_rules")}
    circulars = [_c("通1", 2, "f1"), _c("通2", 4, "f2")]
    assert rules.repeat_offences(findings, circulars, UNITS) == []  # without the rename: two problems
    flags = rules.repeat_offences(findings, circulars, UNITS, {"service_rules_old": "service_rules"})
    assert [(f.unit_id, f.category) for f in flags] == [("A", "service_rules")]


def test_a_merged_unit_inherits_the_record_of_the_units_merged_into_it() -> None:
    units = {**UNITS, "M": UnitFacts("M", "合并后单位", ("A", "C"))}
    findings = {"f1": _f("f1", "C", "extortion"), "f2": _f("f2", "M", "extortion")}
    flags = rules.repeat_offences(findings, [_c("通1", 2, "f1"), _c("通2", 4, "f2")], units)
    assert [(f.unit_id, f.units_in_evidence) for f in flags] == [("M", ("C", "M"))]


def test_each_part_of_a_split_unit_carries_the_old_units_record_but_not_its_sibling() -> None:
    units = {**UNITS, "A1": UnitFacts("A1", "分设一", ("A",)), "A2": UnitFacts("A2", "分设二", ("A",))}
    findings = {"f1": _f("f1", "A", "overtime"), "f2": _f("f2", "A2", "overtime"),
                "f3": _f("f3", "A1", "slow"), "f4": _f("f4", "A2", "slow")}
    flags = rules.repeat_offences(findings, [_c("通1", 2, "f1", "f3"), _c("通2", 4, "f2", "f4")], units)
    # A2 repeats A's 超时限; A1's 慢作为 in 通1 is not A2's history.
    assert [(f.unit_id, f.category) for f in flags] == [("A2", "overtime")]


def test_overdue_follows_the_extended_deadline_and_names_every_deadline() -> None:
    now = datetime(2026, 7, 10, 9, tzinfo=CST)
    extended = _f("f1", "A", "slow", "rectifying", date(2026, 7, 31),
                  deadlines=(date(2026, 6, 30), date(2026, 7, 31)))
    assert rules.overdue_flags([extended], now, CST) == []
    later = datetime(2026, 8, 1, 0, 0, tzinfo=CST)
    flags = rules.overdue_flags([extended], later, CST)
    assert flags[0].reason == "overdue" and flags[0].evidence.deadlines == (date(2026, 6, 30), date(2026, 7, 31))


def test_a_finding_reopened_after_verification_is_overdue_again() -> None:
    now = datetime(2026, 9, 1, 9, tzinfo=CST)
    verified = _f("f1", "A", "slow", "verified", date(2026, 8, 1))
    assert rules.overdue_findings([verified], now, CST) == []
    reopened = _f("f1", "A", "slow", "rectifying", date(2026, 8, 1))
    assert [f.id for f in rules.overdue_findings([reopened], now, CST)] == ["f1"]


def test_rectified_but_unverified_past_the_deadline_is_still_overdue() -> None:
    """限期整改不到位: a report alone is not a verified rectification."""
    now = datetime(2026, 9, 1, 9, tzinfo=CST)
    assert rules.overdue_findings([_f("f1", "A", "slow", "rectified", date(2026, 8, 1))], now, CST)


def test_flags_list_repeats_before_overdue() -> None:
    now = datetime(2026, 9, 1, 9, tzinfo=CST)
    findings = {"f1": _f("f1", "B", "slow", "notified", date(2026, 8, 1)),
                "f2": _f("f2", "A", "slow", "verified"), "f3": _f("f3", "A", "slow", "verified")}
    found = rules.flags(findings, [_c("通1", 2, "f2"), _c("通2", 4, "f3")], UNITS, now, CST)
    assert [(f.reason, f.unit_id) for f in found] == [("repeat", "A"), ("overdue", "B")]
