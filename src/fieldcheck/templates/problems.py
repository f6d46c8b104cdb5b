"""Collecting template problems, and the field-level checks every part of a template shares.

Validation never stops at the first problem: a template author fixes a whole file in one
round, so every check reports into a `ProblemSink` and the error lists them all.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from fieldcheck.errors import TemplateError
from fieldcheck.i18n import tr

Report = Callable[[str], None]

SLUG = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class TemplateProblem:
    """One problem, located as precisely as the template allows."""

    file: str
    problem: str
    section: str = ""
    item: str = ""

    def __str__(self) -> str:
        if self.item:
            return tr(
                "模板 {file}：条目 {item}：{problem}",
                file=self.file,
                item=self.item,
                problem=self.problem,
            )
        if self.section:
            return tr(
                "模板 {file}：分组 {section}：{problem}",
                file=self.file,
                section=self.section,
                problem=self.problem,
            )
        return tr("模板 {file}：{problem}", file=self.file, problem=self.problem)


class MalformedTemplateError(TemplateError):
    """A template with problems. `problems` are the translated lines; `details` the structure."""

    def __init__(self, details: list[TemplateProblem]) -> None:
        self.details = list(details)
        self.problems = [str(p) for p in self.details]
        files = "、".join(dict.fromkeys(p.file for p in self.details))
        head = tr("模板 {file} 有 {count} 处问题：", file=files, count=len(self.details))
        super().__init__("\n".join([head, *(f"  - {line}" for line in self.problems)]))


class ProblemSink:
    def __init__(self, file: str) -> None:
        self.file = file
        self.details: list[TemplateProblem] = []

    def at(self, section: str = "", item: str = "") -> Report:
        def report(problem: str) -> None:
            self.details.append(TemplateProblem(self.file, problem, section, item))

        return report

    def raise_if_any(self) -> None:
        if self.details:
            raise MalformedTemplateError(self.details)


# --- field types ---------------------------------------------------------------------------

# JSON kinds a field may hold. "expr" is a condition string, or null to switch a default off.
_EXPECTED = {
    "str": "字符串",
    "int": "整数",
    "number": "数字",
    "bool": "布尔值（true 或 false）",
    "list": "列表 [...]",
    "object": "对象 {...}",
    "expr": "表达式字符串或 null",
}


def json_type_name(value: object) -> str:
    if value is None:
        return tr("空值 null")
    if isinstance(value, bool):
        return tr("布尔值 {value}", value=str(value).lower())
    if isinstance(value, int | float):
        return tr("数字 {value}", value=value)
    if isinstance(value, str):
        return tr("字符串 {value}", value=_shorten(value))
    if isinstance(value, list):
        return tr("列表")
    if isinstance(value, dict):
        return tr("对象")
    return type(value).__name__


def _shorten(text: str, limit: int = 30) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _has_kind(value: object, kind: str) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return value is None or isinstance(value, str)  # "expr"


def read_fields(
    obj: Mapping[str, Any],
    fields: Mapping[str, str],
    required: tuple[str, ...],
    report: Report,
) -> dict[str, Any]:
    """The fields of `obj` whose JSON type is right; every other field is reported.

    Unknown fields are errors, not ignored: a typo such as "requried" would otherwise
    silently turn a required item optional.
    """
    good: dict[str, Any] = {}
    for name, value in obj.items():
        kind = fields.get(name)
        if kind is None:
            close = difflib.get_close_matches(name, list(fields), n=1, cutoff=0.6)
            if close:
                report(
                    tr("未知字段 {field}（是不是 {suggestion}？）", field=name, suggestion=close[0])
                )
            else:
                allowed = "、".join(fields)
                report(tr("未知字段 {field}（可用字段：{allowed}）", field=name, allowed=allowed))
        elif not _has_kind(value, kind):
            report(
                tr(
                    "字段 {field} 应为{expected}，实际为{actual}",
                    field=name,
                    expected=tr(_EXPECTED[kind]),
                    actual=json_type_name(value),
                )
            )
        else:
            good[name] = value
    for name in required:
        if name not in obj:
            report(tr("缺少字段 {field}", field=name))
    return good


def check_slug(value: object, field: str, report: Report) -> TypeGuard[str]:
    if isinstance(value, str) and SLUG.match(value):
        return True
    if isinstance(value, str):
        report(
            tr(
                "字段 {field} 的值 {value} 不合规：应以小写字母开头，只含小写字母、数字和下划线，最长 64 个字符",
                field=field,
                value=_shorten(value),
            )
        )
    return False


def check_text(value: object, field: str, report: Report) -> TypeGuard[str]:
    if isinstance(value, str) and value.strip():
        return True
    if isinstance(value, str):
        report(tr("字段 {field} 不能为空", field=field))
    return False
