"""版记 (GB/T 9704-2012 §7.4) of the red-header notices, read back with pdfplumber."""

from __future__ import annotations

from dataclasses import asdict, fields, replace
from datetime import date

import pytest
from notice_pdf import BOTTOM, LEFT, MM, RIGHT, TOLERANCE, Pdf, TextLine, is_red, render

from fieldcheck.notices import NoticeContent, NoticeType, SignatureEntry, sample_content

OFFICIAL = [NoticeType.RECTIFICATION, NoticeType.RECOMMENDATION, NoticeType.CIRCULAR,
            NoticeType.ACCOUNTABILITY]
SIZE = 14.0  # 四号
ONE_CHAR = SIZE  # 左右各空一字
THICK, THIN = 0.35 * MM, 0.25 * MM
SAMPLE_CC = "抄送：市纪委监委，市政务服务管理办公室，示例区人民政府。"


def rules(pdf: Pdf, page: int) -> list[dict]:
    """The 版记's black full-width rules, top to bottom (table rules are 0.18 mm)."""
    found = [ln for ln in pdf.pages[page]["lines"]
             if not is_red(ln["stroking_color"]) and ln["x1"] - ln["x0"] > 150 * MM
             and ln["linewidth"] > 0.22 * MM]
    return sorted(found, key=lambda ln: ln["top"])


def imprint_lines(pdf: Pdf, page: int) -> list[TextLine]:
    """四号 lines under the 版记's first rule and inside the 版心 (not the page number)."""
    found = rules(pdf, page)
    if not found:
        return []
    return [ln for ln in pdf.lines(SIZE, page)
            if found[0]["top"] < ln.top < BOTTOM and ln.text.strip()]


def imprint_pages(pdf: Pdf) -> list[int]:
    return [p for p in range(len(pdf.pages))
            if rules(pdf, p) or "印发" in "".join(c["text"] for c in pdf.chars(p))]


def assert_page_numbers_alternate(pdf: Pdf) -> None:
    for page in range(len(pdf.pages)):
        chars = sorted((c for c in pdf.chars(page, SIZE) if c["top"] > BOTTOM),
                       key=lambda c: c["x0"])
        assert "".join(c["text"] for c in chars).strip() == f"— {page + 1} —"
        ink = [c for c in chars if c["text"].strip()]
        if page % 2 == 0:
            assert ink[-1]["x1"] == pytest.approx(RIGHT - ONE_CHAR, abs=TOLERANCE)
        else:
            assert ink[0]["x0"] == pytest.approx(LEFT + ONE_CHAR, abs=TOLERANCE)


def assert_imprint_block(pdf: Pdf, with_cc: bool = True) -> int:
    """One unsplit 版记 at the foot of the last page, under everything else; its page."""
    last = len(pdf.pages) - 1
    assert imprint_pages(pdf) == [last]
    lines = rules(pdf, last)
    assert [round(r["linewidth"] / MM, 2) for r in lines] == (
        [0.35, 0.25, 0.35] if with_cc else [0.35, 0.35])
    for rule in lines:
        assert rule["x0"] == pytest.approx(LEFT, abs=TOLERANCE)
        assert rule["x1"] == pytest.approx(RIGHT, abs=TOLERANCE)
    # 末条分隔线与版心下边缘重合 (its lower edge on the edge).
    assert lines[-1]["top"] + THICK / 2 == pytest.approx(BOTTOM, abs=0.2)
    top = lines[0]["top"]
    others = [c for c in pdf.chars(last) if c["top"] < BOTTOM and c["text"].strip()
              and abs(c["size"] - SIZE) > 0.05]
    assert all(c["bottom"] < top for c in others)  # the 版记 is below all the text
    for line in imprint_lines(pdf, last):
        assert top < line.top and line.x0 >= LEFT + ONE_CHAR - 0.5
        assert line.x1 <= RIGHT - ONE_CHAR + 0.5, line.text
    return last


@pytest.mark.parametrize("kind", OFFICIAL)
def test_sample_imprint_sits_at_the_foot_of_the_last_page(kind) -> None:
    content = sample_content(kind)
    pdf = render(content)
    last = assert_imprint_block(pdf)
    cc, printed = imprint_lines(pdf, last)
    rule_top, rule_mid, rule_bottom = (r["top"] for r in rules(pdf, last))
    assert cc.text == "抄送：" + "，".join(content.cc) + "。"
    if kind in (NoticeType.RECTIFICATION, NoticeType.RECOMMENDATION):
        assert cc.text == SAMPLE_CC
    assert rule_top < cc.top < rule_mid < printed.top < rule_bottom
    assert cc.x0 == pytest.approx(LEFT + ONE_CHAR, abs=0.5)
    # 印发机关左空一字, 印发日期右空一字.
    issued = content.issued_on
    assert printed.text.startswith("衡水市监察局")
    assert printed.text.endswith(f"{issued.year}年{issued.month}月{issued.day}日印发")
    assert printed.x0 == pytest.approx(LEFT + ONE_CHAR, abs=0.5)
    assert printed.x1 == pytest.approx(RIGHT - ONE_CHAR, abs=0.5)
    assert all("UMing" in c["fontname"] for c in cc.chars + printed.chars)  # 仿宋 stand-in
    assert_page_numbers_alternate(pdf)


def test_without_cc_only_the_printed_line_between_the_thick_rules() -> None:
    content = sample_content(NoticeType.RECTIFICATION)
    content.cc = []
    content.printed_by = "衡水市监察局办公室"
    content.printed_on = date(2026, 12, 1)
    pdf = render(content)
    last = assert_imprint_block(pdf, with_cc=False)
    [printed] = imprint_lines(pdf, last)
    assert printed.text == "衡水市监察局办公室2026年12月1日印发"
    assert "抄送" not in pdf.text()


def test_a_long_cc_list_wraps_aligned_after_the_colon() -> None:
    content = sample_content(NoticeType.RECOMMENDATION)
    names = [f"示例区第{n}街道办事处" for n in range(1, 13)] + ["市纪委监委派驻第三纪检监察组"]
    content.cc = names
    pdf = render(content)
    last = assert_imprint_block(pdf)
    lines = imprint_lines(pdf, last)
    cc, printed = lines[:-1], lines[-1]
    assert len(cc) >= 3
    assert "".join(ln.text for ln in cc) == "抄送：" + "，".join(names) + "。"
    after_colon = cc[0].chars[3]["x0"]  # first character after 抄送：
    for line in cc[1:]:
        assert line.x0 == pytest.approx(after_colon, abs=0.5)  # 回行时与冒号后的首字对齐
        assert line.text[0] not in "，。"
    for line in cc[:-1]:  # full lines are justified to the right indent
        assert line.x1 == pytest.approx(RIGHT - ONE_CHAR, abs=0.6)
    assert printed.text.endswith("印发")


@pytest.mark.parametrize("kind", [NoticeType.RECORD, NoticeType.SERVICE])
def test_form_like_notices_get_no_imprint(rendered_samples, kind) -> None:
    content = sample_content(kind)
    assert content.cc == []
    content.cc = ["市纪委监委"]  # even when set, a form has no 版记
    for pdf in (rendered_samples[kind], render(content)):
        assert "印发" not in pdf.text() and "抄送" not in pdf.text()
        assert not any(imprint_lines(pdf, p) for p in range(len(pdf.pages)))


@pytest.mark.parametrize("filler", range(0, 26))
def test_imprint_never_splits_and_stays_with_the_signoff(filler: int) -> None:
    content = sample_content(NoticeType.RECTIFICATION)
    content.findings = []
    content.paragraphs = ["本段用于推动版面。" * 2] * filler + ["请于规定期限内书面报告整改情况。特此通知。"]
    pdf = render(content)
    last = assert_imprint_block(pdf)
    texts = [ln.text for ln in pdf.body_lines(last)]
    assert "2026年11月27日" in texts and "衡水市监察局" in texts  # the 版记 never stands alone
    assert_page_numbers_alternate(pdf)


def test_a_full_last_page_moves_the_imprint_to_a_new_page() -> None:
    """Closing lines that leave no room: the 版记 (with them) goes to a new page."""
    moved = []
    for filler in range(0, 26):
        content = sample_content(NoticeType.RECTIFICATION)
        content.findings = []
        content.paragraphs = ["本段用于推动版面。" * 2] * filler + ["特此通知。"]
        without = replace(content, cc=[])
        pages = len(render(without).pages)
        pdf = render(content)
        assert_imprint_block(pdf)
        assert_page_numbers_alternate(pdf)
        if len(pdf.pages) > pages:
            moved.append(filler)
    assert moved


def test_imprint_after_a_full_signature_table_goes_alone_to_a_new_page() -> None:
    """A table cannot carry the 版记 along: the block starts a page of its own, numbered."""
    alone = []
    for filler in range(0, 24):
        content = sample_content(NoticeType.RECTIFICATION)
        content.findings = []
        content.paragraphs = ["本段用于推动版面。" * 2] * filler + ["特此通知。"]
        content.signatures = [SignatureEntry("recipient", "孙立新", None, None)]
        pdf = render(content)
        last = assert_imprint_block(pdf)
        assert_page_numbers_alternate(pdf)
        if not pdf.body_lines(last) and last > 0:
            alone.append(filler)
    assert alone


def test_content_without_the_new_fields_still_loads_and_round_trips() -> None:
    content = NoticeContent(NoticeType.CIRCULAR, cc=["市纪委监委"], printed_by="市监察局办公室",
                            printed_on=date(2026, 12, 1))
    data = asdict(content)
    assert NoticeContent(**data) == content
    old = {k: v for k, v in data.items() if k not in ("cc", "printed_by", "printed_on")}
    loaded = NoticeContent(**old)
    assert (loaded.cc, loaded.printed_by, loaded.printed_on) == ([], "", None)
    assert {f.name for f in fields(NoticeContent)} >= {"cc", "printed_by", "printed_on"}
