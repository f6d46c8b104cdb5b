"""The condition language: syntax, semantics, safety, and robustness on arbitrary input."""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldcheck.templates import Expression, ExpressionError, compile_expression
from fieldcheck.templates.expr import MAX_DEPTH, Call, Compare, Literal, Logical, Name, Unary


def ev(source: str, **answers: Any) -> bool:
    return compile_expression(source).evaluate(answers)


# --- parsing -------------------------------------------------------------------------------


def test_compiles_to_a_tree_of_dataclasses_and_lists_names() -> None:
    expr = compile_expression('a == "yes" and count(m) > 1')
    assert isinstance(expr, Expression)
    assert expr.root == Logical(
        "and",
        Compare("==", Name("a", 1), Literal("yes")),
        Compare(">", Call("count", (Name("m", 22),), 16), Literal(1)),
    )
    assert [n.name for n in expr.names] == ["a", "m"]


def test_precedence_not_binds_tighter_than_and_tighter_than_or() -> None:
    root = compile_expression("not a or b and c").root
    assert isinstance(root, Logical) and root.op == "or"
    assert isinstance(root.left, Unary) and root.left.op == "not"
    assert isinstance(root.right, Logical) and root.right.op == "and"
    # and binds tighter than or: true or (false and false)
    assert ev("true or false and false") is True
    assert ev("(true or false) and false") is False
    assert ev("not false and false") is False  # (not false) and false


def test_comparison_binds_tighter_than_not() -> None:
    assert ev("not x == 1", x=2) is True
    assert ev("not x == 1", x=1) is False


@pytest.mark.parametrize(
    ("source", "column", "fragment"),
    [
        ("__import__('os')", 1, "未知函数"),
        ("open('x')", 1, "未知函数"),
        ("a.b", 2, "无法识别的字符"),
        ("a = 1", 3, "=="),
        ("a && b", 3, "and"),
        ("a || b", 3, "or"),
        ("!a", 1, "not"),
        ("a == ", 6, "缺少一个值"),
        ("(a == 1", 8, ")"),
        ("a == 1)", 7, "多余的内容"),
        ('"abc', 1, "结束引号"),
        ("a < b < c", 7, "连写"),
        ("", 1, "为空"),
        ("   ", 4, "为空"),
        ("count(a, b)", 1, "参数"),
        ("contains(a)", 1, "参数"),
        ("a == 1 and", 11, "不完整"),
        ("（a == 1）", 1, "半角"),
        ("a == “x”", 6, "半角"),
        ("12abc", 1, "数字"),
        ("a == 'x\\q'", 8, "转义"),
        ("lambda: 1", 7, "无法识别的字符"),
        ("a[0]", 2, "多余的内容"),
        ("and", 1, "不能出现"),
    ],
)
def test_parse_errors_name_the_column(source: str, column: int, fragment: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression(source)
    assert info.value.column == column, info.value.reason
    assert fragment in info.value.reason
    assert f"第 {column} 列" in str(info.value)


def test_python_code_cannot_run() -> None:
    # Each of these would do something in Python; here each is a parse error, never run.
    for source in (
        "__import__('os').system('echo hi')",
        "eval('1')",
        "exec('x=1')",
        "().__class__.__bases__[0].__subclasses__()",
        "globals()",
        "[x for x in [1]]",
        "1 if a else 2",
        "a + 1",
        "value.__class__",
    ):
        with pytest.raises(ExpressionError):
            compile_expression(source)


def test_deep_nesting_is_a_clean_error_not_a_recursion_error() -> None:
    for source in ("(" * 500 + "a" + ")" * 500, "not " * 400 + "a", "-" * 900 + "1", "[" * 300):
        with pytest.raises(ExpressionError, match="嵌套"):
            compile_expression(source)
    ok = "(" * (MAX_DEPTH - 1) + "a" + ")" * (MAX_DEPTH - 1)
    assert compile_expression(ok).evaluate({"a": True})


def test_too_long_is_an_error() -> None:
    with pytest.raises(ExpressionError, match="过长"):
        compile_expression("a or " * 1000 + "a")


def test_long_flat_chain_evaluates() -> None:
    expr = compile_expression(" or ".join(["a"] * 300))
    assert expr.evaluate({"a": True}) and not expr.evaluate({})


def test_string_escapes_and_both_quotes() -> None:
    assert ev("""a == 'it\\'s'""", a="it's")
    assert ev('a == "say \\"hi\\""', a='say "hi"')
    assert ev('a == "窗口无人"', a="窗口无人")


# --- semantics -----------------------------------------------------------------------------


def test_literals() -> None:
    assert ev("true") and not ev("false") and not ev("null")
    assert ev("1.5 > 1") and ev("-2 < -1") and ev("0 == 0.0")


def test_equality_and_types() -> None:
    assert ev('a == "yes"', a="yes")
    assert not ev('a == "yes"', a="no")
    assert ev('a != "yes"', a="no")
    assert ev("n == 3", n=3.0)
    assert not ev('n == "3"', n=3)  # different types are never equal
    assert ev('n != "3"', n=3)
    assert not ev("b == 1", b=True)  # booleans are not numbers
    assert ev('m == ["a", "b"]', m=["a", "b"])
    assert not ev('m == ["b", "a"]', m=["a", "b"])


def test_comparisons_with_null_are_false() -> None:
    for op in ("==", "!=", "<", "<=", ">", ">="):
        assert not ev(f"x {op} 1"), op
        assert not ev(f"1 {op} x"), op
        assert not ev(f"x {op} null"), op
    assert not ev('x in ["a"]')
    assert not ev('x not in ["a"]')
    assert not ev("null == null")
    # not of a false comparison is true: "not answered yes" includes unanswered
    assert ev('not x == "yes"')


def test_ordering_numbers_and_strings_only() -> None:
    assert ev("w > 30", w=35) and not ev("w > 30", w=30) and ev("w >= 30", w=30)
    assert ev("a < b", a="2026-11-27T09:00", b="2026-11-27T10:15")  # ISO date-times
    assert not ev('w > "3"', w=35)
    assert not ev("w > 1", w=[5])
    assert not ev("t > f", t=True, f=False)


def test_in_and_not_in() -> None:
    assert ev('x in ["a", "b"]', x="a")
    assert not ev('x in ["a", "b"]', x="c")
    assert ev('x not in ["a", "b"]', x="c")
    assert ev('"无人" in t', t="10:15 窗口无人")  # substring
    assert not ev("1 in t", t="123")  # numbers are not substrings
    assert not ev("x not in 5", x="a")  # undefined membership is false both ways
    assert ev("3 in [1, 2, 3.0]")


def test_functions() -> None:
    assert ev("answered(x)", x="no") and not ev("answered(x)")
    assert ev("answered(m)", m=[])  # an empty multi answer is still an answer
    assert ev("count(m) == 2", m=["a", "b"])
    assert ev("count(m) == 0") and ev("count(s) == 1", s="a")
    assert ev('contains(m, "a")', m=["a", "b"]) and not ev('contains(m, "c")', m=["a"])
    assert ev('contains(t, "推诿")', t="互相推诿") and not ev('contains(m, "a")')


def test_truthiness_of_bare_values() -> None:
    assert ev("n", n=1) and not ev("n", n=0)
    assert ev("t", t="x") and not ev("t", t="")
    assert ev("m", m=["a"]) and not ev("m", m=[])
    assert not ev("missing")
    assert ev("not missing")


def test_short_circuit_and_or() -> None:
    assert ev("answered(x) and x > 3", x=5)
    assert not ev("answered(x) and x > 3")
    assert ev("not answered(x) or x > 3")


def test_unary_minus_of_non_number_is_null() -> None:
    assert not ev("-s == -1", s="1")
    assert ev("-n == -2", n=2)


def test_foreign_values_read_as_unanswered() -> None:
    # Answers come from JSON; anything else must not crash the evaluator.
    assert not ev("x == 1", x=object())
    assert not ev("x > 1", x=float("nan"))
    assert not ev("x > 1", x=float("inf"))
    assert ev("count(x) == 2", x=("a", "b"))
    assert not ev("x", x={"a": 1})


def test_parse_once_evaluate_many() -> None:
    expr = compile_expression("w > 30")
    assert [expr.evaluate({"w": w}) for w in (10, 31, None, "40")] == [False, True, False, False]


# --- property tests ------------------------------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4), max_leaves=8)
answer_dicts = st.dictionaries(st.sampled_from(["a", "b", "c", "value"]), json_values)

_atoms = st.sampled_from(
    ["a", "b", "c", "value", "1", "2.5", '"x"', "'a'", "true", "null", '["a", 1]']
)


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 3 or draw(st.booleans()):
        atom = draw(_atoms)
        if draw(st.booleans()):
            func = draw(st.sampled_from(["answered({})", "count({})", 'contains({}, "a")']))
            return func.format(atom)
        return atom
    left = draw(expressions(depth + 1))
    right = draw(expressions(depth + 1))
    form = draw(st.sampled_from(["{} {} {}", "({} {} {})", "not {1} {0} {2}"]))
    op = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in", "not in", "and", "or"]))
    if form == "not {1} {0} {2}":
        return f"not ({left} {op} {right})"
    return form.format(left, op, right)


@settings(max_examples=300, deadline=None)
@given(source=st.text(alphabet=string.printable + "（）“”窗口", max_size=40))
def test_garbage_is_a_parse_error_or_an_expression(source: str) -> None:
    try:
        expr = compile_expression(source)
    except ExpressionError as e:
        assert 1 <= e.column <= len(source) + 1
    else:
        expr.evaluate({})


@settings(max_examples=300, deadline=None)
@given(source=expressions(), answers=answer_dicts)
def test_evaluation_never_raises(source: str, answers: dict[str, Any]) -> None:
    try:
        expr = compile_expression(source)
    except ExpressionError:
        return  # e.g. a chained comparison the generator produced
    assert isinstance(expr.evaluate(answers), bool)


@settings(max_examples=200, deadline=None)
@given(left=json_values, right=json_values)
def test_equal_and_not_equal_never_both_true(left: Any, right: Any) -> None:
    env = {"a": left, "b": right}
    assert not (ev("a == b", **env) and ev("a != b", **env))
    if left is None or right is None:
        assert not ev("a == b", **env) and not ev("a != b", **env)
