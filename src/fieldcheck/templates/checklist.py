"""Working a checklist: pure functions over a Template and its answers {item_key: value}.

Answer values (what Answer.value holds, as JSON); a missing key or None is "unanswered":

    yes_no    "yes" | "no" | "na"   ("na" 不适用 only where the item has allow_na)
    single    the chosen option key, str
    multi     list of chosen option keys, list[str]; [] is an answer ("none of these")
    number    int or float, finite, within the item's min/max
    text      str; a blank string counts as unanswered
    datetime  ISO-8601 str, e.g. "2026-11-27T10:15" or "2026-11-27T10:15:00+08:00"
    photo     int, the number of photos attached to the item; 0 counts as unanswered

Hidden items (visible_if false) are ignored everywhere: they are not required, not
scored, never fail, and conditions of later items see them as unanswered (null).

A constraint (抽查案卷数量 ≤ 案件总数) is checked only once it can be: its item is shown and
answered, and so is every other item it names. Until then it is "not checkable yet", never
a violation, so an inspector may fill the items in any order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from fieldcheck.errors import ValidationError
from fieldcheck.i18n import tr
from fieldcheck.templates.expr import VALUE_NAME
from fieldcheck.templates.model import (
    DATETIME,
    MULTI,
    NA,
    NO,
    NUMBER,
    PHOTO,
    SINGLE,
    TEXT,
    YES,
    YES_NO,
    Item,
    SuggestedFinding,
    Template,
)

Answers = Mapping[str, object]


@dataclass(frozen=True)
class Progress:
    answered: int  # visible items answered
    required: int  # visible required items
    required_answered: int
    total_visible: int

    @property
    def complete(self) -> bool:
        """Every visible required item has an answer: the checklist may be finished."""
        return self.required_answered == self.required

    @property
    def fraction(self) -> float:
        return self.answered / self.total_visible if self.total_visible else 1.0


@dataclass(frozen=True)
class Score:
    """Weights of visible, answered, applicable items; a failed item earns nothing.

    Unanswered items are left out of `possible` (as in common audit tools) so a half-done
    checklist is not scored as half failed; their weight is reported as `pending`.
    """

    earned: float
    possible: float
    pending: float = 0

    @property
    def percent(self) -> float | None:
        return 100 * self.earned / self.possible if self.possible else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_answered(item: Item, value: object) -> bool:
    if value is None:
        return False
    if item.type in (TEXT, DATETIME, SINGLE):
        return isinstance(value, str) and bool(value.strip())
    if item.type == PHOTO:
        return isinstance(value, int) and not isinstance(value, bool) and value > 0
    if item.type == MULTI:
        return isinstance(value, list)
    if item.type == NUMBER:
        return _is_number(value)
    return value in (YES, NO, NA)


def condition_env(template: Template, answers: Answers) -> dict[str, object]:
    """The answers as conditions see them: unanswered and hidden items are null.

    One pass in checklist order is enough because a condition only reads earlier items.
    """
    return _visible(template, answers)[1]


def _visible(template: Template, answers: Answers) -> tuple[list[Item], dict[str, object]]:
    env: dict[str, object] = {}
    visible: list[Item] = []
    for item in template.items:
        value = answers.get(item.key)
        shown = item.visible_if is None or item.visible_if.evaluate(env)
        if shown:
            visible.append(item)
        env[item.key] = value if shown and is_answered(item, value) else None
    return visible, env


def visible_items(template: Template, answers: Answers) -> list[Item]:
    return _visible(template, answers)[0]


def validate_answer(item: Item, value: object) -> None:
    """Raise ValidationError when `value` is not a possible answer of `item`; None clears."""
    if value is None:
        return
    problem = _answer_problem(item, value)
    if problem:
        message = tr(
            "条目“{label}”（{key}）：{problem}", label=item.label, key=item.key, problem=problem
        )
        raise ValidationError(message, [message])


def _answer_problem(item: Item, value: object) -> str:
    if item.type == YES_NO:
        if value not in (YES, NO, NA):
            return tr(
                "答案应为 yes（是）、no（否）或 na（不适用），实际为 {value}", value=repr(value)
            )
        if value == NA and not item.allow_na:
            return tr("本条目不能选“不适用”")
    elif item.type == SINGLE:
        if not isinstance(value, str) or item.option(value) is None:
            return tr(
                "没有这个选项：{value}（可选：{allowed}）",
                value=repr(value),
                allowed="、".join(item.option_keys),
            )
    elif item.type == MULTI:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return tr("答案应为选项键的列表，实际为 {value}", value=repr(value))
        unknown = [v for v in value if item.option(v) is None]
        if unknown:
            return tr(
                "没有这些选项：{values}（可选：{allowed}）",
                values="、".join(unknown),
                allowed="、".join(item.option_keys),
            )
        if len(set(value)) != len(value):
            return tr("同一选项选了不止一次")
    elif item.type == NUMBER:
        return _number_problem(item, value)
    elif item.type == TEXT:
        if not isinstance(value, str):
            return tr("答案应为文字，实际为 {value}", value=repr(value))
    elif item.type == DATETIME:
        if not isinstance(value, str) or not _is_iso_datetime(value):
            return tr(
                "不是有效的日期时间（ISO-8601，例如 2026-11-27T10:15）：{value}", value=repr(value)
            )
    elif item.type == PHOTO and not (
        isinstance(value, int) and not isinstance(value, bool) and value >= 0
    ):
        return tr("答案应为照片张数（不小于 0 的整数），实际为 {value}", value=repr(value))
    return ""


def _number_problem(item: Item, value: object) -> str:
    if not _is_number(value):
        return tr("答案应为数字，实际为 {value}", value=repr(value))
    assert isinstance(value, int | float)
    if item.minimum is not None and value < item.minimum:
        return tr("不能小于 {min}{unit}", min=_fmt(item.minimum), unit=item.unit)
    if item.maximum is not None and value > item.maximum:
        return tr("不能大于 {max}{unit}", max=_fmt(item.maximum), unit=item.unit)
    return ""


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _is_iso_datetime(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def is_failed(item: Item, value: object, answers: Answers | None = None) -> bool:
    """Whether an answered item meets its fail condition.

    Unanswered and "na" answers never fail: a missing answer is a gap in the record, not
    a finding. `answers` are the other items as conditions see them (see condition_env);
    the template-level functions below pass exactly that.
    """
    if item.fail is None or not is_answered(item, value):
        return False
    if item.type == YES_NO and value == NA:
        return False
    env = dict(answers or {})
    env[VALUE_NAME] = value
    return item.fail.evaluate(env)


def constraint_violations(template: Template, answers: Answers) -> list[tuple[Item, str]]:
    """Shown, answered items whose constraint is false, each with its message, in order."""
    visible, env = _visible(template, answers)
    moments = _as_moments(template, env)
    violated = []
    for item in visible:
        if item.constraint is None or env.get(item.key) is None:
            continue
        if any(moments.get(key) is None for key in item.constraint_refs):
            continue  # not checkable yet
        if not item.constraint.evaluate({**moments, VALUE_NAME: moments[item.key]}):
            violated.append((item, item.constraint_message))
    return violated


def _as_moments(template: Template, env: Mapping[str, object]) -> dict[str, object]:
    """The env with date-times in one form, so that ordering them orders the moments.

    Answers may be written "2026-11-27T10:15", "…T10:15:00" or with an offset; each becomes
    the laptop's local wall-clock time to the second, as the checklist's editor writes it.
    """
    moments = dict(env)
    for item in template.items:
        value = env.get(item.key)
        if item.type == DATETIME and isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                continue
            if moment.tzinfo is not None:
                moment = moment.astimezone().replace(tzinfo=None)
            moments[item.key] = moment.isoformat(timespec="seconds")
    return moments


def suggested_finding(
    item: Item, value: object, answers: Answers | None = None
) -> SuggestedFinding | None:
    if item.suggested_finding is None or not is_failed(item, value, answers):
        return None
    return item.suggested_finding


def failed_items(template: Template, answers: Answers) -> list[Item]:
    """Visible items whose answers meet their fail condition, in checklist order."""
    visible, env = _visible(template, answers)
    return [item for item in visible if is_failed(item, answers.get(item.key), env)]


def suggested_findings(template: Template, answers: Answers) -> list[tuple[Item, SuggestedFinding]]:
    return [
        (item, item.suggested_finding)
        for item in failed_items(template, answers)
        if item.suggested_finding is not None
    ]


def progress(template: Template, answers: Answers) -> Progress:
    visible = visible_items(template, answers)
    answered = [item for item in visible if is_answered(item, answers.get(item.key))]
    required = [item for item in visible if item.required]
    return Progress(
        answered=len(answered),
        required=len(required),
        required_answered=sum(1 for item in required if is_answered(item, answers.get(item.key))),
        total_visible=len(visible),
    )


def missing_required(template: Template, answers: Answers) -> list[Item]:
    return [
        item
        for item in visible_items(template, answers)
        if item.required and not is_answered(item, answers.get(item.key))
    ]


def score(template: Template, answers: Answers) -> Score:
    visible, env = _visible(template, answers)
    earned = possible = pending = 0.0
    for item in visible:
        value = answers.get(item.key)
        if not is_answered(item, value):
            pending += item.weight
        elif not (item.type == YES_NO and value == NA):
            possible += item.weight
            if not is_failed(item, value, env):
                earned += item.weight
    return Score(earned=earned, possible=possible, pending=pending)


def photo_required_missing(
    template: Template, answers: Answers, photo_counts: Mapping[str, int]
) -> list[Item]:
    """Failed visible items with photo_on_fail that have no photo attached yet.

    `photo_counts` maps item key → photos linked to that item (Photo.item_key); a photo
    item's own answer counts too.
    """
    missing = []
    for item in failed_items(template, answers):
        if not item.photo_on_fail:
            continue
        count = photo_counts.get(item.key, 0)
        own = answers.get(item.key) if item.type == PHOTO else 0
        if isinstance(own, int) and not isinstance(own, bool):
            count = max(count, own)
        if count < 1:
            missing.append(item)
    return missing
