"""Breaking a short title (a unit's name on a card) into balanced lines: no line left with a
lone character, no line starting with closing punctuation. Qt-free: the width of a piece of
text is asked of the caller (a QFontMetrics in the UI, character counts in tests)."""

from __future__ import annotations

from collections.abc import Callable

NO_LINE_START = set("。，、；：？！）》」』”’〕】…—·")
NO_LINE_END = set("（《「『“‘〔【")
MIN_LINE = 2  # characters on the last (and every) line


def balanced_lines(text: str, width_of: Callable[[str], float], max_width: float) -> list[str]:
    """The fewest lines that fit `max_width`, as even as possible; one line if it fits."""
    text = text.strip()
    if width_of(text) <= max_width or len(text) < 2 * MIN_LINE:
        return [text]
    n = len(text)

    def allowed(start: int, end: int) -> bool:
        line = text[start:end]
        if len(line) < MIN_LINE or width_of(line) > max_width:
            return False
        return line[0] not in NO_LINE_START and line[-1] not in NO_LINE_END

    for lines in range(2, n // MIN_LINE + 1):
        # best[j][i]: smallest widest line when text[:i] is set in j lines
        inf = float("inf")
        best = [[inf] * (n + 1) for _ in range(lines + 1)]
        cut = [[0] * (n + 1) for _ in range(lines + 1)]
        best[0][0] = 0.0
        for j in range(1, lines + 1):
            for i in range(1, n + 1):
                for k in range(i - MIN_LINE, -1, -1):
                    if best[j - 1][k] == inf or not allowed(k, i):
                        continue
                    worst = max(best[j - 1][k], width_of(text[k:i]))
                    if worst < best[j][i]:
                        best[j][i], cut[j][i] = worst, k
        if best[lines][n] < inf:
            result, end = [], n
            for j in range(lines, 0, -1):
                start = cut[j][end]
                result.append(text[start:end])
                end = start
            return result[::-1]
    return [text]
