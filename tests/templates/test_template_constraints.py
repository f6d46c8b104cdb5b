"""Constraints: an answer that must agree with the others, checked only once it can be."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from template_builders import item

from fieldcheck.templates import (
    Template,
    constraint_violations,
    failed_items,
    load_shipped_templates,
    missing_required,
    validate_answer,
)

Build = Callable[..., Template]
SAMPLED_MESSAGE = "抽查案卷数量不能超过检查时段内的案件总数。"


@pytest.fixture
def cases(build: Build) -> Template:
    """案件总数 → 抽查案卷数量 (≤ 总数) → 有问题案卷 (≤ 抽查数, shown only when there are)."""
    return build(
        item("cases_total", "number", min=0, required=True),
        item("files_sampled", "number", min=0, required=True,
             constraint="value <= cases_total", constraint_message=SAMPLED_MESSAGE),
        item("problems_found", required=True, fail=None),
        item("problem_files", "number", min=0, visible_if='problems_found == "yes"',
             constraint="value <= files_sampled and value > 0",
             constraint_message="有问题的案卷数应在 1 和抽查案卷数量之间。"),
    )


def keys(template: Template, answers: dict[str, object]) -> list[tuple[str, str]]:
    return [(i.key, message) for i, message in constraint_violations(template, answers)]


def test_more_files_sampled_than_cases_is_a_violation_with_its_message(cases: Template) -> None:
    assert keys(cases, {"cases_total": 0, "files_sampled": 18}) == [
        ("files_sampled", SAMPLED_MESSAGE)
    ]
    assert keys(cases, {"cases_total": 18, "files_sampled": 18}) == []
    assert keys(cases, {"cases_total": 40, "files_sampled": 18.5}) == []
    assert keys(cases, {"cases_total": 40.5, "files_sampled": 41}) == [
        ("files_sampled", SAMPLED_MESSAGE)
    ]


def test_nothing_is_checked_until_every_item_it_names_is_answered(cases: Template) -> None:
    assert keys(cases, {}) == []
    assert keys(cases, {"files_sampled": 18}) == []  # 案件总数 not yet typed: not checkable
    assert keys(cases, {"cases_total": 0}) == []  # its own item unanswered
    assert keys(cases, {"cases_total": None, "files_sampled": 18}) == []
    # In either order, the second answer decides.
    assert keys(cases, {"files_sampled": 18, "cases_total": 3}) == [
        ("files_sampled", SAMPLED_MESSAGE)
    ]


def test_a_hidden_item_is_never_checked_and_a_hidden_reference_is_unanswered(
    cases: Template,
) -> None:
    base = {"cases_total": 10, "files_sampled": 5, "problem_files": 9}
    assert keys(cases, {**base, "problems_found": "no"}) == []  # problem_files hidden
    assert [k for k, _ in keys(cases, {**base, "problems_found": "yes"})] == ["problem_files"]
    assert keys(cases, {**base, "problems_found": "yes", "problem_files": 0}) != []
    assert keys(cases, {**base, "problems_found": "yes", "problem_files": 5}) == []


def test_a_hidden_reference_makes_the_constraint_not_checkable(build: Build) -> None:
    t = build(
        item("online"),
        item("alerts", "number", visible_if='online == "yes"'),
        item("handled", "number", constraint="value <= alerts",
             constraint_message="已处理的预警不能多于预警次数。"),
    )
    assert keys(t, {"online": "yes", "alerts": 2, "handled": 5}) != []
    assert keys(t, {"online": "no", "alerts": 2, "handled": 5}) == []


def test_a_violation_stops_nothing_but_itself(cases: Template) -> None:
    """It is not a failure (no finding), not a missing answer, and the answer is valid."""
    answers = {"cases_total": 0, "files_sampled": 18, "problems_found": "no"}
    assert keys(cases, answers) != []
    assert failed_items(cases, answers) == []
    assert missing_required(cases, answers) == []
    validate_answer(cases.item("files_sampled"), 18)  # saving one answer stays allowed


def test_constraint_on_the_earlier_item_reads_a_later_one(build: Build) -> None:
    t = build(
        item("total", "number", constraint="value >= part",
             constraint_message="总数不能少于抽查数。"),
        item("part", "number"),
    )
    assert keys(t, {"total": 3}) == []
    assert keys(t, {"total": 3, "part": 4}) == [("total", "总数不能少于抽查数。")]
    assert keys(t, {"total": 4, "part": 4}) == []


@pytest.mark.parametrize(
    ("arrival", "departure", "violated"),
    [
        ("2026-11-27T10:05", "2026-11-27T11:40", False),
        ("2026-11-27T10:05", "2026-11-27T10:05", True),
        ("2026-11-27T10:05", "2026-11-27T09:59", True),
        ("2026-11-27T23:50", "2026-11-28T00:10", False),  # past midnight
        # One written to the second, one to the minute: the same moment, not later.
        ("2026-11-27T10:05:00", "2026-11-27T10:05", True),
        ("2026-11-27T10:05", "2026-11-27T10:05:30", False),
        # Offsets: 10:05 in Beijing is 02:05 UTC, so 03:00 UTC is later, whatever the strings say.
        ("2026-11-27T10:05:00+08:00", "2026-11-27T03:00:00+00:00", False),
        ("2026-11-27T10:05:00+08:00", "2026-11-27T02:00:00+00:00", True),
    ],
)
def test_date_times_compare_as_moments(
    build: Build, arrival: str, departure: str, violated: bool
) -> None:
    t = build(
        item("arrival_time", "datetime"),
        item("departure_time", "datetime", constraint="value > arrival_time",
             constraint_message="离开时间应晚于到达窗口时间。"),
    )
    found = keys(t, {"arrival_time": arrival, "departure_time": departure})
    assert found == ([("departure_time", "离开时间应晚于到达窗口时间。")] if violated else [])


def test_choice_answers_can_be_constrained(build: Build) -> None:
    t = build(
        item("online"),
        item("channels", "multi", constraint='online == "yes" or not contains(value, "a")',
             constraint_message="未接入网上平台，不能选择网上办理渠道。"),
    )
    assert keys(t, {"online": "no", "channels": ["a", "b"]}) != []
    assert keys(t, {"online": "no", "channels": ["b"]}) == []
    assert keys(t, {"online": "yes", "channels": ["a"]}) == []
    assert keys(t, {"channels": ["a"]}) == []  # online not answered: not checkable


def test_shipped_constraints_an_inspector_expects() -> None:
    shipped = {t.key: t for t in load_shipped_templates()}
    penalty = shipped["penalty_cases"]
    demo_case = {"cases_total": 0, "files_sampled": 18}
    assert keys(penalty, demo_case) == [("files_sampled", SAMPLED_MESSAGE)]
    assert keys(penalty, {"cases_total": 25, "files_sampled": 18}) == []
    improper = {"cases_total": 25, "files_sampled": 5, "discretion_proper": "no",
                "improper_discretion_cases": 6}
    assert [k for k, _ in keys(penalty, improper)] == ["improper_discretion_cases"]
    approval = shipped["approval_items"]
    assert [k for k, _ in keys(approval, {"files_sampled": 10, "overtime_count": 11})] == [
        "overtime_count"
    ]
    window = shipped["window_unannounced"]
    late = {"arrival_time": "2026-11-27T10:05", "departure_time": "2026-11-27T09:05"}
    assert [k for k, _ in keys(window, late)] == ["departure_time"]
    # Every shipped constraint names its own item and at least one other.
    constrained = [i for t in shipped.values() for i in t.items if i.constraint]
    assert len(constrained) >= 4
    assert all(i.constraint_refs and i.constraint_message.endswith("。") for i in constrained)
