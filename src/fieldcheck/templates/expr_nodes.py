"""The syntax tree of the condition language, its limits and its error type.

See expr.py for the grammar and the meaning of each node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from fieldcheck.errors import TemplateError
from fieldcheck.i18n import tr

# The names an expression may call, with their number of arguments.
FUNCTIONS: dict[str, int] = {"answered": 1, "count": 1, "contains": 2}
KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
VALUE_NAME = "value"  # bound to the item's own answer inside a `fail` condition

MAX_LENGTH = 2000  # longer conditions are certainly a mistake, and bound the parser's work
MAX_DEPTH = 40  # nesting limit, so garbage like "((((…" is a clean error, not a RecursionError

Value: TypeAlias = None | bool | int | float | str | list["Value"]


class ExpressionError(TemplateError):
    """A condition does not parse; `column` is 1-based, `reason` is already translated."""

    def __init__(self, source: str, column: int, reason: str) -> None:
        super().__init__(tr("表达式第 {column} 列：{reason}", column=column, reason=reason))
        self.source = source
        self.column = column
        self.reason = reason


@dataclass(frozen=True)
class Literal:
    value: None | bool | int | float | str


@dataclass(frozen=True)
class Name:
    name: str
    column: int


@dataclass(frozen=True)
class ListLiteral:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Unary:
    op: str  # "not" or "-"
    operand: Node


@dataclass(frozen=True)
class Logical:
    op: str  # "and" or "or"
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare:
    op: str  # == != < <= > >= in "not in"
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Node, ...]
    column: int


Node: TypeAlias = Literal | Name | ListLiteral | Unary | Logical | Compare | Call
