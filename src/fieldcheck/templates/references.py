"""Static checks of an item's conditions against the rest of its template.

A condition may only read items that come *before* it in the checklist: visibility is
then decided in one pass from top to bottom, and no item can hide itself or form a cycle.
A `constraint` decides nothing about visibility, so it may read any item, later ones and
its own (by key or as `value`) included: 抽查案卷数量 may be checked against 案件总数
whichever of the two is answered first.
String literals compared with a choice item must be among its options, so a typo such as
`has_sign == "yse"` is an error at load time rather than a condition that is never true.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from fieldcheck.i18n import tr
from fieldcheck.templates.expr import (
    VALUE_NAME,
    Call,
    Compare,
    Expression,
    ExpressionError,
    ListLiteral,
    Literal,
    Logical,
    Name,
    Node,
    Unary,
    compile_expression,
)
from fieldcheck.templates.model import MULTI, NA, NO, SINGLE, YES, YES_NO
from fieldcheck.templates.problems import Report


@dataclass(frozen=True)
class KnownItem:
    """What the checks need to know of an item before all items are parsed."""

    index: int  # position in checklist order
    type: str
    option_keys: tuple[str, ...]

    @property
    def allowed_strings(self) -> tuple[str, ...] | None:
        if self.type == YES_NO:
            return (YES, NO, NA)
        if self.type in (SINGLE, MULTI):
            return self.option_keys
        return None  # free text, numbers, date-times: any literal may make sense


def check_condition(
    source: str,
    field: str,
    item_key: str,
    known: Mapping[str, KnownItem],
    report: Report,
) -> Expression | None:
    """Compile `source` of `field` ("visible_if", "fail" or "constraint") for `item_key`."""
    try:
        expr = compile_expression(source)
    except ExpressionError as e:
        report(
            tr(
                "字段 {field} 的表达式有误（第 {column} 列）：{reason}；表达式：{source}",
                field=field,
                column=e.column,
                reason=e.reason,
                source=source,
            )
        )
        return None
    ok = True
    own = known.get(item_key)
    for name in expr.names:
        problem = _reference_problem(name, field, item_key, own, known)
        if problem:
            report(problem)
            ok = False
    for named, literal, allowed in _option_mismatches(expr.root, item_key, known):
        report(
            tr(
                "字段 {field} 中 {name} 没有选项 {literal}（可选：{allowed}）",
                field=field,
                name=named,
                literal=repr(literal),
                allowed="、".join(allowed),
            )
        )
        ok = False
    return expr if ok else None


def _reference_problem(
    name: Name, field: str, item_key: str, own: KnownItem | None, known: Mapping[str, KnownItem]
) -> str:
    column = name.column
    if name.name == VALUE_NAME:
        if field in ("fail", "constraint"):
            return ""
        return tr(
            "字段 {field} 不能使用 value（第 {column} 列）：value 只在 fail 和 constraint 中表示本条目的答案",
            field=field,
            column=column,
        )
    target = known.get(name.name)
    if target is None:
        return tr(
            "字段 {field} 引用了不存在的条目 {name}（第 {column} 列）",
            field=field,
            name=name.name,
            column=column,
        )
    if field == "constraint":
        return ""  # any item, this one and later ones too (see the module's docstring)
    if name.name == item_key:
        return tr(
            "字段 {field} 引用了本条目 {name}（第 {column} 列）；条件只能引用前面的条目，fail 中本条目的答案请写 value",
            field=field,
            name=name.name,
            column=column,
        )
    if own is not None and target.index > own.index:
        return tr(
            "字段 {field} 引用了后面的条目 {name}（第 {column} 列）；条件只能引用前面的条目",
            field=field,
            name=name.name,
            column=column,
        )
    return ""


def _children(node: Node) -> Iterator[Node]:
    if isinstance(node, Logical | Compare):
        yield node.left
        yield node.right
    elif isinstance(node, Unary):
        yield node.operand
    elif isinstance(node, ListLiteral | Call):
        yield from node.items if isinstance(node, ListLiteral) else node.args


def _walk(node: Node) -> Iterator[Node]:
    yield node
    for child in _children(node):
        yield from _walk(child)


def _option_mismatches(
    root: Node, item_key: str, known: Mapping[str, KnownItem]
) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    def allowed(node: Node) -> tuple[str, ...] | None:
        if not isinstance(node, Name):
            return None
        target = known.get(item_key if node.name == VALUE_NAME else node.name)
        return target.allowed_strings if target else None

    def strings(node: Node) -> Iterator[str]:
        if isinstance(node, Literal) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ListLiteral):
            for element in node.items:
                yield from strings(element)

    # Pairs of (side naming an item, side holding literals) that must agree.
    for node in _walk(root):
        pairs: list[tuple[Node, Node]] = []
        if isinstance(node, Compare) and node.op in ("==", "!=", "in", "not in"):
            pairs = [(node.left, node.right), (node.right, node.left)]
        elif isinstance(node, Call) and node.function == "contains":
            pairs = [(node.args[0], node.args[1])]
        for named, literal_side in pairs:
            options = allowed(named)
            if options is None:
                continue
            for literal in strings(literal_side):
                if literal not in options:
                    assert isinstance(named, Name)
                    yield named.name, literal, options
