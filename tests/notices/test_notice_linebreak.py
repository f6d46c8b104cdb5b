"""The GB/T 15834 line breaker: examples, then properties over random mixed text."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldcheck.notices.linebreak import Line, break_lines, cell_advance, wrap_cells

# An oracle written independently of the implementation.
CLOSING = set("。，、；：？！）》」』】〕”’") | set(",.;:?!)]}%")
OPENING = set("（《「『【〔“‘") | set("([{")


def is_word(ch: str) -> bool:
    """ASCII letters, digits and signs run together into one unbreakable word."""
    return ch.isascii() and not ch.isspace()


# Items read as one: dates, times, a count with its unit, an article, a document number.
KEPT = re.compile(r"\d{4}年(\d{1,2}月(\d{1,2}日)?)?|\d{1,2}月\d{1,2}日|\d{1,2}时(\d{1,2}分)?"
                  r"|[\u4e00-\u9fff]{1,4}〔\d{4}〕\d+号|第[一二三四五六七八九十百]+条"
                  r"|\d+(个工作日|个月|个|件|卷|项|日|天|年|月|时|分钟|分|秒|号|份|页|次|名|人|元|万元|%|％)")


def inside_kept(text: str, i: int) -> bool:
    return any(m.start() < i < m.end() for m in KEPT.finditer(text))


def legal_break(before: str, after: str) -> bool:
    if after in CLOSING or after == " " or before in OPENING:
        return False
    if before == after and before in "—…":
        return False
    return not (is_word(before) and is_word(after))


def cells(text: str) -> float:
    return sum(cell_advance(ch) for ch in text)


def test_closing_punctuation_pulls_the_previous_character_down() -> None:
    text = "检" * 28 + "。下一句"
    lines = wrap_cells(text, 28)
    assert lines[0] == "检" * 27
    assert lines[1].startswith("检。")


def test_opening_bracket_never_ends_a_line() -> None:
    text = "检" * 27 + "《条例》规定"
    lines = wrap_cells(text, 28)
    assert lines[0] == "检" * 27
    assert lines[1].startswith("《条例》")


def test_dash_and_ellipsis_are_not_split() -> None:
    for mark in ("——", "……"):
        lines = wrap_cells("检" * 27 + mark + "后文", 28)
        assert lines[0] == "检" * 27
        assert lines[1].startswith(mark)


def test_latin_words_and_numbers_stay_whole() -> None:
    text = "检" * 25 + "GB/T9704-2012标准，2026年"
    lines = wrap_cells(text, 28)
    assert lines[0] == "检" * 25
    assert lines[1].startswith("GB/T9704-2012")
    lines = wrap_cells("检" * 26 + "20261127号", 28)
    assert lines[1].startswith("20261127")


def test_dates_numbers_and_document_numbers_stay_on_one_line() -> None:
    assert wrap_cells("检" * 24 + "2026年11月27日对你单位", 28)[1].startswith("2026年11月27日")
    assert wrap_cells("检" * 22 + "衡监整改〔2026〕7号", 28)[1] == "衡监整改〔2026〕7号"
    assert wrap_cells("检" * 25 + "超过7个工作日", 28)[1] == "7个工作日"
    assert wrap_cells("检" * 25 + "第四十二条规定", 28)[1].startswith("第四十二条")
    assert wrap_cells("检" * 26 + "9时30分", 28)[1] == "9时30分"


def test_a_date_wider_than_the_line_splits_after_its_year_or_month() -> None:
    assert wrap_cells("2026年12月27日", 5) == ["2026年12月", "27日"]
    assert wrap_cells("2026年12月27日", 4) == ["2026年", "12月27日"]
    assert wrap_cells("2026年12月27日", 3) == ["2026年", "12月", "27日"]


def test_first_line_indent_takes_two_cells() -> None:
    lines = wrap_cells("检" * 60, 28, indent=2)
    assert [len(line) for line in lines] == [26, 28, 6]


def test_a_line_of_only_punctuation_is_split_where_it_must() -> None:
    assert wrap_cells("。" * 5, 2) == ["。。", "。。", "。"]


def test_empty_paragraph_is_one_empty_line() -> None:
    lines = break_lines("", [], 28)
    assert len(lines) == 1 and lines[0].text == "" and lines[0].last


def test_only_the_last_line_is_marked_last() -> None:
    lines = break_lines("检" * 60, [1.0] * 60, 28)
    assert [line.last for line in lines] == [False, False, True]


CJK = "效能监察现场检查整改通知书政务服务中心窗口办结"
ALPHABET = st.sampled_from(
    list(CJK) + list("。，、；：？！）》」』】〕”’") + list("（《「『【〔“‘")
    + ["——", "……", "—", "…"] + list("abcXYZ0123456789-./") + [" ", "GB/T", "2026"]
    + list("年月日件") + ["第四十二条", "衡监整改〔2026〕7号", "个工作日"]
)
TEXTS = st.lists(ALPHABET, max_size=120).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=TEXTS, width=st.integers(min_value=2, max_value=40), indent=st.sampled_from([0, 1, 2]))
def test_properties_of_every_break(text: str, width: int, indent: int) -> None:
    indent = min(indent, width - 1)
    lines = [line.text for line in wrap_cells_lines(text, width, indent)]
    # Nothing lost, nothing added.
    assert "".join(lines) == text
    for k, line in enumerate(lines):
        room = width - (indent if k == 0 else 0)
        # Never wider than the line, unless one character alone is wider.
        assert cells(line) <= room + 1e-9 or len(line) == 1
        assert line or len(lines) == 1
    def legal(i: int) -> bool:  # a line may end before text[i]
        return legal_break(text[i - 1], text[i]) and not inside_kept(text, i)

    for k in range(len(lines) - 1):
        above, below = lines[k], lines[k + 1]
        at = sum(len(x) for x in lines[:k + 1])
        if not legal(at):
            # Broken only where the whole line above offers no legal break at all.
            first = at - len(above)
            assert not any(legal(j) for j in range(first + 1, at))
        # Greedy: no legal break further on would still have fitted on the line above.
        room = width - (indent if k == 0 else 0)
        start = sum(len(x) for x in lines[:k + 1])
        for p in range(1, len(below) + 1):
            end = start + p
            if end == len(text) or legal(end):
                assert cells(above + below[:p]) > room + 1e-9


def wrap_cells_lines(text: str, width: int, indent: int) -> list[Line]:
    return break_lines(text, [cell_advance(ch) for ch in text], width, indent)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_arbitrary_unicode_terminates_and_round_trips(text: str) -> None:
    lines = wrap_cells(text, 10)
    assert "".join(lines) == text


def test_cell_advance_counts_wide_and_narrow() -> None:
    assert cell_advance("中") == 1 and cell_advance("。") == 1
    assert cell_advance("a") == 0.5 and cell_advance("7") == 0.5
    assert unicodedata.east_asian_width("“") == "A" and cell_advance("“") == 1
