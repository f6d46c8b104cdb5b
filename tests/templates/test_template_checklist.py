"""Checklist logic: answers, visibility, failures, suggestions, progress, score, photos."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from template_builders import item

from fieldcheck.errors import ValidationError
from fieldcheck.templates import (
    Progress,
    Score,
    Template,
    condition_env,
    failed_items,
    is_answered,
    is_failed,
    load_shipped_templates,
    missing_required,
    photo_required_missing,
    progress,
    score,
    suggested_finding,
    suggested_findings,
    validate_answer,
    visible_items,
)

Build = Callable[..., Template]
FINDING = {"category": "discipline", "text": "窗口无人"}


@pytest.fixture
def window(build: Build) -> Template:
    """A small window check: on duty? → how long absent? → photo; plus waiting and attitude."""
    return build(
        item("on_duty", required=True, weight=10, photo_on_fail=True, suggested_finding=FINDING),
        item(
            "absent_minutes",
            "number",
            unit="分钟",
            min=0,
            required=True,
            weight=5,
            visible_if='on_duty == "no"',
            fail="value >= 15",
            suggested_finding={"category": "discipline", "text": "无人超过15分钟"},
        ),
        item("absent_photo", "photo", visible_if="answered(absent_minutes)"),
        item(
            "notice",
            allow_na=True,
            weight=4,
            suggested_finding={"category": "service_rules", "text": "未一次性告知"},
        ),
        item(
            "attitude",
            "single",
            required=True,
            weight=6,
            fail='value == "c"',
            suggested_finding={"category": "discipline", "text": "态度生硬"},
        ),
        item("remarks", "text"),
    )


# --- answers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "value", "answered"),
    [
        ("yes_no", "yes", True),
        ("yes_no", "na", True),
        ("yes_no", "maybe", False),
        ("yes_no", None, False),
        ("single", "a", True),
        ("single", "", False),
        ("multi", [], True),
        ("multi", ["a"], True),
        ("multi", "a", False),
        ("number", 0, True),
        ("number", 2.5, True),
        ("number", True, False),
        ("number", float("nan"), False),
        ("text", "窗口无人", True),
        ("text", "  ", False),
        ("datetime", "2026-11-27T10:15", True),
        ("photo", 2, True),
        ("photo", 0, False),
    ],
)
def test_is_answered_follows_the_value_conventions(
    build: Build, type_: str, value: Any, answered: bool
) -> None:
    t = build(item("x", type_))
    assert is_answered(t.item("x"), value) is answered


@pytest.mark.parametrize(
    ("fields", "value"),
    [
        ({}, "yes"),
        ({}, "no"),
        ({"allow_na": True}, "na"),
        ({"type_": "single"}, "b"),
        ({"type_": "multi"}, ["a", "c"]),
        ({"type_": "multi"}, []),
        ({"type_": "number", "min": 0, "max": 600}, 35),
        ({"type_": "number"}, -2.5),
        ({"type_": "text"}, ""),
        ({"type_": "datetime"}, "2026-11-27T10:15:00+08:00"),
        ({"type_": "datetime"}, "2026-11-27"),
        ({"type_": "photo"}, 0),
        ({}, None),
    ],
)
def test_valid_answers_pass(build: Build, fields: dict[str, Any], value: Any) -> None:
    t = build(item("x", fields.pop("type_", "yes_no"), **fields))
    validate_answer(t.item("x"), value)


@pytest.mark.parametrize(
    ("fields", "value", "fragment"),
    [
        ({}, "maybe", "yes（是）、no（否）或 na（不适用）"),
        ({}, "na", "不能选“不适用”"),
        ({}, True, "yes（是）"),
        ({"type_": "single"}, "z", "没有这个选项：'z'（可选：a、b、c）"),
        ({"type_": "single"}, ["a"], "没有这个选项"),
        ({"type_": "multi"}, "a", "选项键的列表"),
        ({"type_": "multi"}, ["a", "z"], "没有这些选项：z"),
        ({"type_": "multi"}, ["a", "a"], "不止一次"),
        ({"type_": "number", "min": 0, "unit": "分钟"}, -1, "不能小于 0分钟"),
        ({"type_": "number", "max": 600, "unit": "分钟"}, 601, "不能大于 600分钟"),
        ({"type_": "number"}, "35", "应为数字"),
        ({"type_": "number"}, True, "应为数字"),
        ({"type_": "number"}, float("inf"), "应为数字"),
        ({"type_": "text"}, 5, "应为文字"),
        ({"type_": "datetime"}, "昨天上午", "不是有效的日期时间"),
        ({"type_": "datetime"}, 20261127, "不是有效的日期时间"),
        ({"type_": "photo"}, -1, "照片张数"),
        ({"type_": "photo"}, ["p1"], "照片张数"),
    ],
)
def test_invalid_answers_raise_validation_error(
    build: Build, fields: dict[str, Any], value: Any, fragment: str
) -> None:
    t = build(item("x", fields.pop("type_", "yes_no"), **fields))
    with pytest.raises(ValidationError) as info:
        validate_answer(t.item("x"), value)
    message = str(info.value)
    assert message.startswith("条目“条目 x”（x）：")
    assert fragment in message
    assert info.value.problems == [message]


# --- visibility ----------------------------------------------------------------------------


def keys(items: list[Any]) -> list[str]:
    return [i.key for i in items]


def test_visibility_follows_earlier_answers(window: Template) -> None:
    assert keys(visible_items(window, {})) == ["on_duty", "notice", "attitude", "remarks"]
    shown = visible_items(window, {"on_duty": "no"})
    assert keys(shown) == ["on_duty", "absent_minutes", "notice", "attitude", "remarks"]
    shown = visible_items(window, {"on_duty": "no", "absent_minutes": 20})
    assert "absent_photo" in keys(shown)


def test_hidden_items_read_as_unanswered_downstream(window: Template) -> None:
    # absent_minutes is answered but hidden (on duty after all), so the photo that depends
    # on it is hidden too, and its stale answer is ignored everywhere.
    answers = {"on_duty": "yes", "absent_minutes": 40, "absent_photo": 1}
    assert keys(visible_items(window, answers)) == ["on_duty", "notice", "attitude", "remarks"]
    assert condition_env(window, answers)["absent_minutes"] is None
    assert failed_items(window, answers) == []
    assert progress(window, answers).answered == 1


# --- failures and suggestions --------------------------------------------------------------


def test_yes_no_fails_on_no_by_default(window: Template) -> None:
    on_duty = window.item("on_duty")
    assert on_duty.fail is not None and on_duty.fail.source == 'value == "no"'
    assert is_failed(on_duty, "no") and not is_failed(on_duty, "yes")
    assert not is_failed(on_duty, None)


def test_na_and_unanswered_never_fail(window: Template) -> None:
    notice = window.item("notice")
    assert not is_failed(notice, "na")
    assert is_failed(notice, "no")
    assert not is_failed(window.item("absent_minutes"), None)


def test_fail_with_value_and_items_without_fail(window: Template) -> None:
    minutes = window.item("absent_minutes")
    assert is_failed(minutes, 15) and not is_failed(minutes, 14)
    assert not is_failed(window.item("remarks"), "窗口无人")


def test_fail_can_read_earlier_answers(build: Build) -> None:
    t = build(
        item("promised", "number"),
        item(
            "actual",
            "number",
            fail="value > promised",
            suggested_finding={"category": "overtime", "text": "超时"},
        ),
    )
    actual = t.item("actual")
    assert is_failed(actual, 12, {"promised": 10})
    assert not is_failed(actual, 8, {"promised": 10})
    assert not is_failed(actual, 12, {})  # promised unanswered: comparison with null is false
    assert keys(failed_items(t, {"promised": 10, "actual": 12})) == ["actual"]


def test_negated_yes_no_fails_on_yes(build: Build) -> None:
    t = build(
        item(
            "extortion",
            fail='value == "yes"',
            suggested_finding={"category": "extortion", "text": "吃拿卡要"},
        )
    )
    assert is_failed(t.item("extortion"), "yes") and not is_failed(t.item("extortion"), "no")


def test_fail_null_switches_the_default_off(build: Build) -> None:
    t = build(item("monitoring_point", fail=None))
    assert not is_failed(t.item("monitoring_point"), "no")


def test_suggested_finding_only_when_failed(window: Template) -> None:
    attitude = window.item("attitude")
    finding = suggested_finding(attitude, "c")
    assert finding is not None and finding.category == "discipline" and finding.text == "态度生硬"
    assert finding.severity == "minor" and finding.basis == ""
    assert suggested_finding(attitude, "a") is None


def test_suggested_findings_for_a_visit(window: Template) -> None:
    answers = {"on_duty": "no", "absent_minutes": 25, "notice": "na", "attitude": "c"}
    found = suggested_findings(window, answers)
    assert [(i.key, f.text) for i, f in found] == [
        ("on_duty", "窗口无人"),
        ("absent_minutes", "无人超过15分钟"),
        ("attitude", "态度生硬"),
    ]


# --- progress, required, score -------------------------------------------------------------


def test_progress_counts_visible_items_only(window: Template) -> None:
    assert progress(window, {}) == Progress(
        answered=0, required=2, required_answered=0, total_visible=4
    )
    p = progress(window, {"on_duty": "no", "remarks": "  "})
    assert p == Progress(answered=1, required=3, required_answered=1, total_visible=5)
    assert not p.complete and p.fraction == pytest.approx(0.2)
    done = progress(window, {"on_duty": "yes", "attitude": "a"})
    assert done.complete


def test_missing_required(window: Template) -> None:
    assert keys(missing_required(window, {})) == ["on_duty", "attitude"]
    assert keys(missing_required(window, {"on_duty": "no"})) == ["absent_minutes", "attitude"]
    assert missing_required(window, {"on_duty": "no", "absent_minutes": 3, "attitude": "b"}) == []


def test_score(window: Template) -> None:
    assert score(window, {}) == Score(earned=0, possible=0, pending=20)
    assert score(window, {}).percent is None
    # on_duty passes (10), notice na (excluded), attitude fails (0 of 6)
    s = score(window, {"on_duty": "yes", "notice": "na", "attitude": "c"})
    assert s == Score(earned=10, possible=16, pending=0)
    assert s.percent == pytest.approx(62.5)
    # on_duty fails; absent_minutes becomes visible and passes
    s = score(window, {"on_duty": "no", "absent_minutes": 5, "notice": "yes", "attitude": "a"})
    assert s == Score(earned=15, possible=25, pending=0)


def test_photo_required_missing(window: Template) -> None:
    answers = {"on_duty": "no", "absent_minutes": 3}
    assert keys(photo_required_missing(window, answers, {})) == ["on_duty"]
    assert photo_required_missing(window, answers, {"on_duty": 2}) == []
    assert photo_required_missing(window, {"on_duty": "yes"}, {}) == []


def test_photo_item_own_count_satisfies_photo_on_fail(build: Build) -> None:
    t = build(item("scene", "photo", fail="value < 3", photo_on_fail=True))
    assert keys(photo_required_missing(t, {"scene": 2}, {})) == []
    assert is_failed(t.item("scene"), 2) and not is_failed(t.item("scene"), 3)


# --- robustness on the shipped templates ---------------------------------------------------

SHIPPED = load_shipped_templates()
ALL_KEYS = sorted({i.key for t in SHIPPED for i in t.items})
answer_values = (
    st.none()
    | st.sampled_from(["yes", "no", "na", "", "none", "a", "2026-11-27T10:15"])
    | st.integers(-5, 20000)
    | st.floats(allow_nan=True)
    | st.lists(st.sampled_from(["none", "slow", "fees", "games", "x"]), max_size=3)
    | st.booleans()
)


@settings(max_examples=150, deadline=None)
@given(
    index=st.integers(0, len(SHIPPED) - 1),
    answers=st.dictionaries(st.sampled_from(ALL_KEYS), answer_values),
)
def test_checklist_functions_never_raise_on_any_answers(
    index: int, answers: dict[str, Any]
) -> None:
    t = SHIPPED[index]
    visible = visible_items(t, answers)
    p = progress(t, answers)
    assert p.total_visible == len(visible) and 0 <= p.required_answered <= p.required
    s = score(t, answers)
    assert 0 <= s.earned <= s.possible
    failed = failed_items(t, answers)
    assert set(keys(failed)) <= set(keys(visible))
    assert all(i.required for i in missing_required(t, answers))
    photo_required_missing(t, answers, {})
