"""Page breaks on generated notices: random paragraphs and findings, read back from the PDF.

What a document clerk checks: no table row split over a page unless it is taller than a page
(then every fragment carries its 序号), no page starting or ending with a lone line of a
paragraph, no date or document number broken over two lines, and cell text that reads back
without spaces inserted by justification.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from notice_pdf import LEFT, MM, Pdf, render

from fieldcheck.notices import FindingEntry, NoticeType, sample_content

WORDS = ["效能", "监察", "窗口", "办件", "审批", "服务", "群众", "企业", "整改", "制度", "落实",
         "情况", "材料", "时限", "工作人员", "申请人", "《行政许可法》", "12345热线", "（试行）",
         "，", "，", "、", "；", "超过7个工作日", "30件", "第四十二条", "衡监整改〔2026〕7号"]
DATES = st.builds(lambda m, d: f"2026年{m}月{d}日", st.integers(1, 12), st.integers(1, 28))
PIECES = st.one_of(st.sampled_from(WORDS), DATES)


def sentence(pieces: list[str]) -> str:
    return "".join(pieces).strip("，、；") + "。"


PARAGRAPH = st.lists(PIECES, min_size=3, max_size=90).map(sentence)
DESCRIPTION = st.lists(PIECES, min_size=2, max_size=260).map(sentence)

# Column edges of the findings table (common.json widths, in mm from the left margin).
SEQ, DESCRIPTION_COL = (0, 12), (37, 79)


def stream_text(pdf: Pdf, page: int) -> str:
    """A page's characters in drawing order: each cell's and each line's text is contiguous."""
    return "".join(c["text"] for c in pdf.pages[page]["chars"])


def column_text(pdf: Pdf, page: int, col: tuple[float, float], size: float = 12.0) -> str:
    left, right = LEFT + col[0] * MM, LEFT + col[1] * MM
    return "".join(c["text"] for c in pdf.pages[page]["chars"]
                   if left <= c["x0"] < right and abs(c["size"] - size) < 0.05)


def body_lines(pdf: Pdf) -> list[tuple[int, str]]:
    return [(ln.page, ln.text) for ln in pdf.body_lines()]


def line_spans(lines: list[tuple[int, str]]) -> list[tuple[int, int, int]]:
    """(start, end, page) of each line in the joined body text."""
    spans, pos = [], 0
    for page, text in lines:
        spans.append((pos, pos + len(text), page))
        pos += len(text)
    return spans


def line_of(spans: list[tuple[int, int, int]], offset: int) -> int:
    return next(k for k, (start, end, _page) in enumerate(spans) if start <= offset < end)


def render_generated(paragraphs: list[str], descriptions: list[str], intro_lines: int):
    content = sample_content(NoticeType.RECTIFICATION)
    content.paragraphs = ["前言" * 13 * intro_lines + "。", *paragraphs[:1], "〖问题清单〗",
                          *paragraphs[1:], "特此通知。"]
    content.findings = [FindingEntry(k, "超时限办理", f"事项{k}：{d}", "《条例》第九条", "限期整改。",
                                     date(2026, 12, 27))
                        for k, d in enumerate(descriptions, start=1)]
    return content, render(content)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # a render is slow to shrink
@given(paragraphs=st.lists(PARAGRAPH, min_size=1, max_size=6),
       descriptions=st.lists(DESCRIPTION, min_size=1, max_size=7),
       intro_lines=st.integers(0, 20))
def test_generated_notices_break_pages_as_a_clerk_expects(paragraphs, descriptions,
                                                          intro_lines) -> None:
    content, pdf = render_generated(paragraphs, descriptions, intro_lines)
    pages = range(len(pdf.pages))

    # Rows: whole on one page, or (taller than a page) every fragment carries its 序号.
    for finding in content.findings:
        whole = [p for p in pages if finding.description in column_text(pdf, p, DESCRIPTION_COL)]
        if whole:
            assert len(whole) == 1
            continue
        spread = [p for p in pages if _has_part_of(pdf, p, finding.description)]
        assert len(spread) >= 2 and spread == list(range(spread[0], spread[-1] + 1)), finding.seq
        assert len(finding.description) > 250, finding.seq  # only a row taller than a page
        for page in spread:
            assert str(finding.seq) in re.findall(r"\d+", column_text(pdf, page, SEQ)), page

    # Paragraphs: a page break leaves at least two lines on each side; dates stay on one line.
    lines = body_lines(pdf)
    spans = line_spans(lines)
    joined = "".join(text for _page, text in lines)
    for paragraph in content.paragraphs:
        if paragraph.startswith("〖"):
            continue
        start = joined.find(paragraph)
        assert start >= 0, paragraph
        first, last = line_of(spans, start), line_of(spans, start + len(paragraph) - 1)
        per_page: dict[int, int] = {}
        for k in range(first, last + 1):
            per_page[spans[k][2]] = per_page.get(spans[k][2], 0) + 1
        if len(per_page) > 1:
            assert min(per_page.values()) >= 2, (per_page, paragraph)
        for match in re.finditer(r"\d{4}年\d{1,2}月\d{1,2}日|衡监整改〔\d{4}〕\d+号|\d+个工作日",
                                 paragraph):
            a, b = start + match.start(), start + match.end() - 1
            assert line_of(spans, a) == line_of(spans, b), match.group()


def _has_part_of(pdf: Pdf, page: int, description: str) -> bool:
    text = column_text(pdf, page, DESCRIPTION_COL)
    return any(description[i:i + 12] in text for i in range(0, max(1, len(description) - 12), 6))


def test_a_row_taller_than_a_page_continues_with_its_number_repeated() -> None:
    _content, pdf = render_generated(["检查情况如下。"], ["窗口工作人员未落实一次性告知制度，" * 60], 0)
    spread = [p for p in range(len(pdf.pages)) if "一次性告知" in column_text(pdf, p, DESCRIPTION_COL)]
    assert len(spread) >= 2
    for page in spread:
        assert "1" in column_text(pdf, page, SEQ)
        assert "12月27日" in stream_text(pdf, page)  # the deadline travels with the number


def test_the_sample_rows_stay_whole_and_cells_read_back_unspaced(rendered_samples,
                                                                 tmp_path) -> None:
    pdf = rendered_samples[NoticeType.RECTIFICATION]
    content = sample_content(NoticeType.RECTIFICATION)
    for finding in content.findings:
        holding = [p for p in range(len(pdf.pages))
                   if finding.description in column_text(pdf, p, DESCRIPTION_COL)]
        assert len(holding) == 1, finding.seq
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    for word in ("超时限办理", "行政不作为", "吃拿卡要", "12月27日"):
        assert word in text, word
    # No letter-spacing in cells: no run of single characters separated by spaces.
    assert not re.search(r"(?:[\u4e00-\u9fff] ){3}", text)
