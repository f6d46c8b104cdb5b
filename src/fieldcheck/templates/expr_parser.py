"""Tokenizer and recursive-descent parser of the condition language (grammar in expr.py).

Hand-written on purpose: nothing here hands text to Python's own parser or `ast`, and
every error carries the 1-based column where it was found.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldcheck.i18n import tr
from fieldcheck.templates.expr_nodes import (
    FUNCTIONS,
    KEYWORDS,
    MAX_DEPTH,
    MAX_LENGTH,
    Call,
    Compare,
    ExpressionError,
    ListLiteral,
    Literal,
    Logical,
    Name,
    Node,
    Unary,
)


def parse_expression(source: str) -> tuple[Node, tuple[Name, ...]]:
    """The tree of `source` and every answer name it reads; raises ExpressionError."""
    if not isinstance(source, str):
        raise ExpressionError(str(source), 1, tr("表达式必须是字符串"))
    if len(source) > MAX_LENGTH:
        raise ExpressionError(source, MAX_LENGTH, tr("表达式过长（最多 {n} 个字符）", n=MAX_LENGTH))
    parser = _Parser(source, _tokenize(source))
    root = parser.parse()
    return root, tuple(parser.names)


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "str", "name", "op", "end"
    text: str
    column: int
    literal: None | int | float | str = None


_TWO_CHAR_OPS = ("==", "!=", "<=", ">=")
_ONE_CHAR_OPS = "<>()[],-"
# Operators people bring from other languages: say what to write instead.
_FOREIGN_OPS = {"&&": "and", "||": "or", "=": "==", "!": "not"}
# A Chinese input method easily slips these in.
_FULL_WIDTH = "（）【】“”‘’，＝！＜＞－"


def _is_name_start(ch: str) -> bool:
    return ch == "_" or ("a" <= ch <= "z") or ("A" <= ch <= "Z")


def _is_name_char(ch: str) -> bool:
    return _is_name_start(ch) or ch.isdigit() and ch.isascii()


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        col = i + 1
        if ch in " \t\r\n":
            i += 1
        elif ch.isascii() and ch.isdigit():
            i = _read_number(source, i, tokens)
        elif ch in "\"'":
            i = _read_string(source, i, tokens)
        elif _is_name_start(ch):
            j = i
            while j < n and _is_name_char(source[j]):
                j += 1
            tokens.append(_Token("name", source[i:j], col))
            i = j
        elif source[i : i + 2] in _TWO_CHAR_OPS:
            tokens.append(_Token("op", source[i : i + 2], col))
            i += 2
        elif source[i : i + 2] in _FOREIGN_OPS or ch in _FOREIGN_OPS:
            bad = source[i : i + 2] if source[i : i + 2] in _FOREIGN_OPS else ch
            raise ExpressionError(
                source, col, tr("不支持 {bad}，请写 {good}", bad=bad, good=_FOREIGN_OPS[bad])
            )
        elif ch in _ONE_CHAR_OPS:
            tokens.append(_Token("op", ch, col))
            i += 1
        elif ch in _FULL_WIDTH:
            raise ExpressionError(
                source, col, tr("请使用半角（英文）符号，不要用全角的 {ch}", ch=ch)
            )
        else:
            raise ExpressionError(source, col, tr("无法识别的字符 {ch}", ch=repr(ch)))
    tokens.append(_Token("end", "", n + 1))
    return tokens


def _read_number(source: str, start: int, tokens: list[_Token]) -> int:
    i, n = start, len(source)
    while i < n and source[i].isascii() and source[i].isdigit():
        i += 1
    is_float = (
        i + 1 < n and source[i] == "." and source[i + 1].isascii() and source[i + 1].isdigit()
    )
    if is_float:
        i += 1
        while i < n and source[i].isascii() and source[i].isdigit():
            i += 1
    if i < n and _is_name_char(source[i]):
        raise ExpressionError(source, start + 1, tr("数字后面紧跟了字母"))
    text = source[start:i]
    tokens.append(_Token("num", text, start + 1, float(text) if is_float else int(text)))
    return i


_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}


def _read_string(source: str, start: int, tokens: list[_Token]) -> int:
    quote = source[start]
    out: list[str] = []
    i, n = start + 1, len(source)
    while i < n:
        ch = source[i]
        if ch == quote:
            tokens.append(_Token("str", source[start : i + 1], start + 1, "".join(out)))
            return i + 1
        if ch == "\\":
            if i + 1 >= n or source[i + 1] not in _ESCAPES:
                raise ExpressionError(source, i + 1, tr("字符串中的转义符 \\ 用法不对"))
            out.append(_ESCAPES[source[i + 1]])
            i += 2
        else:
            out.append(ch)
            i += 1
    raise ExpressionError(source, start + 1, tr("字符串缺少结束引号 {quote}", quote=quote))


# --- parser --------------------------------------------------------------------------------


_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})


class _Parser:
    def __init__(self, source: str, tokens: list[_Token]) -> None:
        self.source = source
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.names: list[Name] = []

    def parse(self) -> Node:
        if self.peek.kind == "end":
            raise self.error(self.peek, tr("表达式为空"))
        node = self.expr()
        if self.peek.kind != "end":
            raise self.error(self.peek, tr("多余的内容 {text}", text=self.peek.text))
        return node

    @property
    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def advance(self) -> _Token:
        token = self.tokens[self.pos]
        if token.kind != "end":
            self.pos += 1
        return token

    def at(self, kind: str, text: str) -> bool:
        return self.peek.kind == kind and self.peek.text == text

    def expect_op(self, text: str) -> _Token:
        if not self.at("op", text):
            raise self.error(self.peek, tr("此处应为 {expected}", expected=text))
        return self.advance()

    def error(self, token: _Token, reason: str) -> ExpressionError:
        if token.kind == "end":
            reason = tr("表达式不完整：{reason}", reason=reason)
        return ExpressionError(self.source, token.column, reason)

    def expr(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(self.peek, tr("嵌套层数太多（最多 {n} 层）", n=MAX_DEPTH))
        node = self.and_expr()
        while self.at("name", "or"):
            self.advance()
            node = Logical("or", node, self.and_expr())
        self.depth -= 1
        return node

    def and_expr(self) -> Node:
        node = self.not_expr()
        while self.at("name", "and"):
            self.advance()
            node = Logical("and", node, self.not_expr())
        return node

    def not_expr(self) -> Node:
        if self.at("name", "not"):
            self.advance()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error(self.peek, tr("嵌套层数太多（最多 {n} 层）", n=MAX_DEPTH))
            node = Unary("not", self.not_expr())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> Node:
        left = self.unary()
        op = self.comparison_op()
        if op is None:
            return left
        node = Compare(op, left, self.unary())
        # `a < b < c` reads as a chain in Python but not here: refuse rather than surprise.
        if self.comparison_op(consume=False) is not None:
            raise self.error(self.peek, tr("比较不能连写，请用 and 连接"))
        return node

    def comparison_op(self, consume: bool = True) -> str | None:
        token = self.peek
        if token.kind == "op" and token.text in _COMPARISONS:
            op = token.text
        elif token.kind == "name" and token.text == "in":
            op = "in"
        elif (
            token.kind == "name"
            and token.text == "not"
            and self.tokens[self.pos + 1].kind == "name"
            and self.tokens[self.pos + 1].text == "in"
        ):
            op = "not in"
        else:
            return None
        if consume:
            self.advance()
            if op == "not in":
                self.advance()
        return op

    def unary(self) -> Node:
        if self.at("op", "-"):
            self.advance()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error(self.peek, tr("嵌套层数太多（最多 {n} 层）", n=MAX_DEPTH))
            node = Unary("-", self.unary())
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        token = self.advance()
        if token.kind in ("num", "str"):
            return Literal(token.literal)
        if token.kind == "name":
            return self.name_or_call(token)
        if token.kind == "op" and token.text == "(":
            node = self.expr()
            self.expect_op(")")
            return node
        if token.kind == "op" and token.text == "[":
            return ListLiteral(self.arguments("]"))
        if token.kind == "end":
            raise self.error(token, tr("缺少一个值"))
        raise self.error(token, tr("此处不能出现 {text}", text=token.text))

    def name_or_call(self, token: _Token) -> Node:
        word = token.text
        if word in ("true", "false"):
            return Literal(word == "true")
        if word == "null":
            return Literal(None)
        if word in KEYWORDS:
            raise self.error(token, tr("此处不能出现 {text}", text=word))
        if self.at("op", "("):
            arity = FUNCTIONS.get(word)
            if arity is None:
                allowed = "、".join(FUNCTIONS)
                raise self.error(
                    token, tr("未知函数 {name}（可用：{allowed}）", name=word, allowed=allowed)
                )
            self.advance()
            args = self.arguments(")")
            if len(args) != arity:
                raise self.error(
                    token,
                    tr("函数 {name} 需要 {n} 个参数，给了 {m} 个", name=word, n=arity, m=len(args)),
                )
            return Call(word, args, token.column)
        name = Name(word, token.column)
        self.names.append(name)
        return name

    def arguments(self, closing: str) -> tuple[Node, ...]:
        items: list[Node] = []
        if self.at("op", closing):
            self.advance()
            return ()
        while True:
            items.append(self.expr())
            if self.at("op", ","):
                self.advance()
                continue
            self.expect_op(closing)
            return tuple(items)
