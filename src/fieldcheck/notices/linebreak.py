"""A CJK line breaker following GB/T 15834-2011 (标点符号用法) for official notices.

Rules, applied to a paragraph measured char by char (see `break_lines`):

* 。，、；：？！ and closing brackets and quotes (）》」』】〕” …) never start a line;
* opening brackets and quotes (（《「『【〔“ …) never end a line;
* a 破折号 —— or 省略号 …… is never split, nor is a Latin word or a number;
* a space stays at the end of the line before the break, never starts one;
* a date (2026年11月27日), a time (9时30分), a number with its unit (7个工作日, 30件), an article
  (第四十二条) and a document number (衡监整改〔2026〕7号) are kept on one line; when one is wider
  than a whole line it is split only between its parts (after 年, after 月, before 〔).

Strategy when a forbidden character would start a line: 推出 (push out). The character that
may not start a line is bound to the one before it, so both move to the next line and the line
above is left one cell short; the renderer then justifies it back to the full width with
character spacing. 挤进 (squeezing the punctuation into the line) is not used: the document grid
promises at most 28 characters a line, and squeezing would make it 29.

Where no legal break exists within a whole line (a line of only punctuation, a Latin token
wider than the line) the text is split where it overflows: the rule is broken only where
it cannot be kept. The breaker never drops or adds a character: joining the lines gives back
the input exactly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

# Never at the start of a line (GB/T 15834 §5.1.x and the closing halves of paired marks).
NO_LINE_START = frozenset(
    "。，、；：？！．｡､"
    "）》」』】〕〗〙〛〉｝］”’"
    "·・‧"
    "％‰℃°′″"
    ",.;:?!)]}%"
    "々〻ゝゞヽヾー～"
)
# Never at the end of a line: the opening halves of paired marks.
NO_LINE_END = frozenset("（《「『【〔〖〘〚〈｛［“‘([{")
# Marks that take two cells and must stay whole (破折号, 省略号).
UNSPLITTABLE_RUNS = frozenset("—―…⋯")

_EPSILON = 1e-6

_DIGITS = r"[0-9０-９]"
_CN_NUMERAL = "一二三四五六七八九十百千零〇两"
# Runs that read as one item: never broken inside, except after 年/月 and before 〔 when a
# run alone is wider than a line.
_KEEP_TOGETHER = re.compile(
    rf"{_DIGITS}{{4}}年(?:{_DIGITS}{{1,2}}月(?:{_DIGITS}{{1,2}}日)?)?"  # 2026年11月27日
    rf"|{_DIGITS}{{1,2}}月{_DIGITS}{{1,2}}日"  # 11月27日
    rf"|{_DIGITS}{{1,2}}时(?:{_DIGITS}{{1,2}}分)?"  # 9时30分
    rf"|[\u4e00-\u9fff]{{1,4}}〔{_DIGITS}{{4}}〕{_DIGITS}+号"  # 衡监整改〔2026〕7号
    rf"|第(?:{_DIGITS}+|[{_CN_NUMERAL}]+)[条款项章节页号次批]"  # 第四十二条
    rf"|{_DIGITS}+(?:\.{_DIGITS}+)?"
    rf"(?:个工作日|个月|个|件|卷|项|日|天|年|月|时|分钟|分|秒|号|份|页|次|名|人|元|万元|%|％)"
)
_SOFT_AFTER = frozenset("年月")
_SOFT_BEFORE = frozenset("〔")


def _glued(text: str) -> tuple[frozenset[int], frozenset[int]]:
    """Positions a line may not start at (inside a kept run), and those of them that may
    still take a break when the run alone is wider than a line."""
    if "第" not in text and not any(ch.isdigit() for ch in text):
        return frozenset(), frozenset()
    glued: set[int] = set()
    soft: set[int] = set()
    for match in _KEEP_TOGETHER.finditer(text):
        for i in range(match.start() + 1, match.end()):
            glued.add(i)
            if text[i - 1] in _SOFT_AFTER or text[i] in _SOFT_BEFORE:
                soft.add(i)
    return frozenset(glued), frozenset(soft)


@dataclass(frozen=True, slots=True)
class Line:
    """One output line: `text[start:end]` of the paragraph, with its natural width."""

    start: int
    end: int
    text: str
    width: float
    last: bool


@lru_cache(maxsize=8192)
def is_word_char(ch: str) -> bool:
    """Latin letters, digits and narrow signs that form an unbreakable word with neighbours."""
    if ch.isspace() or ch in UNSPLITTABLE_RUNS:
        return False
    if not ch.isascii() and (ch in NO_LINE_START or ch in NO_LINE_END):
        return False
    return unicodedata.east_asian_width(ch) in ("Na", "N", "H")


def _atoms(text: str) -> list[tuple[int, int]]:
    """Split into the smallest pieces that may never be broken: words, dash runs, single chars."""
    atoms: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        ch = text[i]
        if is_word_char(ch):
            while j < n and is_word_char(text[j]):
                j += 1
        elif ch in UNSPLITTABLE_RUNS:
            while j < n and text[j] == ch:
                j += 1
        atoms.append((i, j))
        i = j
    return atoms


def can_break_before(text: str, i: int) -> bool:
    """True if a line may end right before `text[i]` (0 < i < len(text))."""
    before, after = text[i - 1], text[i]
    if after in NO_LINE_START or after.isspace() or before in NO_LINE_END:
        return False
    if before in UNSPLITTABLE_RUNS and after == before:
        return False
    return not (is_word_char(before) and is_word_char(after))


def _groups(text: str, glued: frozenset[int]) -> list[list[tuple[int, int]]]:
    """Chains of atoms with no legal break between them."""
    groups: list[list[tuple[int, int]]] = []
    for atom in _atoms(text):
        if groups and (atom[0] in glued or not can_break_before(text, atom[0])):
            groups[-1].append(atom)
        else:
            groups.append([atom])
    return groups


class _LineBuilder:
    """Accumulates characters into lines of a given width (first line narrower by `indent`)."""

    def __init__(self, text: str, advances: Sequence[float], width: float, indent: float) -> None:
        self.text, self.advances = text, advances
        self.width, self.indent = width, indent
        self.lines: list[Line] = []
        self.start = self.end = 0
        self.used = 0.0

    def room(self) -> float:
        limit = self.width - (self.indent if not self.lines else 0.0)
        return limit - self.used

    def span_width(self, start: int, end: int) -> float:
        return sum(self.advances[start:end])

    def fits(self, start: int, end: int) -> bool:
        return self.span_width(start, end) <= self.room() + _EPSILON

    def empty(self) -> bool:
        return self.end == self.start

    def add(self, start: int, end: int) -> None:
        self.used += self.span_width(start, end)
        self.end = end

    def emit(self) -> None:
        self.lines.append(Line(self.start, self.end, self.text[self.start:self.end], self.used, False))
        self.start, self.used = self.end, 0.0

    def finish(self) -> list[Line]:
        if not self.empty() or not self.lines:
            self.emit()
        last = self.lines[-1]
        self.lines[-1] = Line(last.start, last.end, last.text, last.width, True)
        return self.lines


def _force(builder: _LineBuilder, group: list[tuple[int, int]],
           levels: Sequence[frozenset[int]]) -> None:
    """Place a group wider than a whole line, splitting it at the weakest bonds first: the
    soft points of a kept run (after 年), then inside a kept run where punctuation allows,
    then between any atoms, then inside an atom."""
    if levels:
        parts: list[list[tuple[int, int]]] = []
        for atom in group:
            if parts and atom[0] not in levels[0]:
                parts[-1].append(atom)
            else:
                parts.append([atom])
        if len(parts) == 1:
            _force(builder, group, levels[1:])
            return
        for part in parts:
            start, end = part[0][0], part[-1][1]
            if not builder.fits(start, end) and not builder.empty():
                builder.emit()
            if builder.fits(start, end):
                builder.add(start, end)
            else:
                _force(builder, part, levels[1:])
        return
    for start, end in group:
        if builder.fits(start, end):
            builder.add(start, end)
            continue
        if not builder.empty():
            builder.emit()
        if builder.fits(start, end):
            builder.add(start, end)
            continue
        for i in range(start, end):
            if not builder.fits(i, i + 1) and not builder.empty():
                builder.emit()
            builder.add(i, i + 1)


def break_lines(
    text: str, advances: Sequence[float], width: float, indent: float = 0.0
) -> list[Line]:
    """Break one paragraph into lines no wider than `width`.

    `advances[i]` is the space `text[i]` takes on a line (glyph advance plus the grid's base
    character spacing). The first line is `indent` narrower (首行缩进). An empty paragraph
    gives one empty line.
    """
    if len(advances) != len(text):
        raise ValueError("one advance per character is required")
    builder = _LineBuilder(text, advances, width, indent)
    glued, soft = _glued(text)
    weak = frozenset(i for i in glued if can_break_before(text, i))
    for group in _groups(text, glued):
        start, end = group[0][0], group[-1][1]
        if builder.fits(start, end):
            builder.add(start, end)
            continue
        if not builder.empty():
            builder.emit()
        if builder.fits(start, end):
            builder.add(start, end)
        else:
            _force(builder, group, (soft, weak))
    return builder.finish()


def cell_advance(ch: str) -> float:
    """A font-free measure in grid cells: wide characters one cell, narrow ones half a cell."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 0.5


def wrap_cells(text: str, cells: float, indent: float = 0.0,
               measure: Callable[[str], float] = cell_advance) -> list[str]:
    """Break `text` into lines of at most `cells` grid cells; handy for tests and previews."""
    lines = break_lines(text, [measure(ch) for ch in text], cells, indent)
    return [line.text for line in lines]
