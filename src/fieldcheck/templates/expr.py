"""A tiny, safe expression language for checklist conditions (`visible_if`, `fail`).

A hand-written tokenizer and recursive-descent parser compile a condition once into a
tree of small frozen dataclasses; `Expression.evaluate` walks that tree. Nothing here
touches Python's eval/exec/compile or `ast`: an expression can only read answers,
compare them and call three whitelisted functions, so a template from the server can
never run code on an inspector's laptop.

Grammar (lowest precedence first)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := unary [("=="|"!="|"<"|"<="|">"|">="|"in"|"not" "in") unary]
    unary      := "-" unary | primary
    primary    := NUMBER | STRING | "true" | "false" | "null" | NAME
                | NAME "(" [expr ("," expr)*] ")" | "(" expr ")" | "[" [expr ("," expr)*] "]"

Semantics, chosen so that evaluation never raises on any answers:
unanswered items are `null`; every comparison that involves `null` is false (use
`answered(x)`); comparing values of different types is false for `==` and the orderings
and true for `!=`; strings order lexically, which orders ISO-8601 date-times correctly.
`x in [..]` tests list membership, `"s" in x` a substring; `and`, `or` and `not` read
null, false, 0, "" and [] as false.

Functions: answered(x) — x is not null; count(x) — the length of a multi answer (0 when
unanswered, 1 for any other single value); contains(x, "opt") — option "opt" is among
a multi answer, or a substring of a text answer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from fieldcheck.templates.expr_nodes import (
    FUNCTIONS,
    KEYWORDS,
    MAX_DEPTH,
    MAX_LENGTH,
    VALUE_NAME,
    Call,
    Compare,
    ExpressionError,
    ListLiteral,
    Literal,
    Logical,
    Name,
    Node,
    Unary,
    Value,
)
from fieldcheck.templates.expr_parser import parse_expression

__all__ = [
    "FUNCTIONS",
    "KEYWORDS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "VALUE_NAME",
    "Call",
    "Compare",
    "Expression",
    "ExpressionError",
    "ListLiteral",
    "Literal",
    "Logical",
    "Name",
    "Node",
    "Unary",
    "Value",
    "compile_expression",
]


@dataclass(frozen=True)
class Expression:
    """A compiled condition. `names` lists every answer it reads, with its column."""

    source: str
    root: Node
    names: tuple[Name, ...]

    def evaluate(self, answers: Mapping[str, object]) -> bool:
        """The condition's truth for these answers; never raises."""
        return _truthy(_eval(self.root, answers))

    def value(self, answers: Mapping[str, object]) -> Value:
        return _eval(self.root, answers)


def compile_expression(source: str) -> Expression:
    """Parse `source` once; raises ExpressionError naming the column of the problem."""
    root, names = parse_expression(source)
    return Expression(source=source, root=root, names=names)


def _coerce(raw: object) -> Value:
    """Answers come from JSON; anything else (or a non-finite number) reads as unanswered."""
    if raw is None or isinstance(raw, (bool, str)):
        return raw
    if isinstance(raw, (int, float)):
        return raw if math.isfinite(raw) else None
    if isinstance(raw, (list, tuple)):
        return [_coerce(x) for x in raw]
    return None


def _is_number(v: Value) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _truthy(v: Value) -> bool:
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v != 0
    return len(v) > 0


def _equal(a: Value, b: Value) -> bool | None:
    """None when either side is null, so both == and != come out false."""
    if a is None or b is None:
        return None
    if _is_number(a) and _is_number(b):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) is True for x, y in zip(a, b, strict=True))
    return a == b


def _order(op: str, a: Value, b: Value) -> bool:
    if _is_number(a) and _is_number(b) or isinstance(a, str) and isinstance(b, str):
        if op == "<":
            return a < b  # type: ignore[operator]
        if op == "<=":
            return a <= b  # type: ignore[operator]
        if op == ">":
            return a > b  # type: ignore[operator]
        return a >= b  # type: ignore[operator]
    return False


def _member(a: Value, b: Value) -> bool | None:
    if a is None or b is None:
        return None
    if isinstance(b, list):
        return any(_equal(a, x) is True for x in b)
    if isinstance(b, str) and isinstance(a, str):
        return a in b
    return None


def _compare(op: str, a: Value, b: Value) -> bool:
    if op == "==":
        return _equal(a, b) is True
    if op == "!=":
        return _equal(a, b) is False
    if op == "in":
        return _member(a, b) is True
    if op == "not in":
        return _member(a, b) is False
    return _order(op, a, b)


def _call(function: str, args: list[Value]) -> Value:
    if function == "answered":
        return args[0] is not None
    if function == "count":
        x = args[0]
        return len(x) if isinstance(x, list) else 0 if x is None else 1
    # contains(x, "opt"): an option among a multi answer, or a substring of a text answer
    return _member(args[1], args[0]) is True


def _eval(node: Node, env: Mapping[str, object]) -> Value:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Name):
        return _coerce(env.get(node.name))
    if isinstance(node, Logical):
        left = _truthy(_eval(node.left, env))
        if node.op == "and":
            return left and _truthy(_eval(node.right, env))
        return left or _truthy(_eval(node.right, env))
    if isinstance(node, Compare):
        return _compare(node.op, _eval(node.left, env), _eval(node.right, env))
    if isinstance(node, Unary):
        operand = _eval(node.operand, env)
        if node.op == "not":
            return not _truthy(operand)
        return -operand if _is_number(operand) else None  # type: ignore[operator]
    if isinstance(node, ListLiteral):
        return [_eval(item, env) for item in node.items]
    return _call(node.function, [_eval(arg, env) for arg in node.args])
