"""GB/T 9704 layout, read back from the rendered PDFs with pdfplumber."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from notice_pdf import (
    BOTTOM,
    LEFT,
    MM,
    NO_END,
    NO_START,
    RIGHT,
    TOLERANCE,
    TOP,
    Pdf,
    is_red,
    render,
)

from fieldcheck.notices import FindingEntry, NoticeType, sample_content

ALL = [NoticeType.RECTIFICATION, NoticeType.RECORD, NoticeType.RECOMMENDATION, NoticeType.SERVICE]
PAGE_NUMBER_SIZE = 14.0
EXEMPT_SIZES = (7.0,)  # the QR caption


def page_number_chars(pdf: Pdf, page: int) -> list[dict]:
    return [c for c in pdf.chars(page, PAGE_NUMBER_SIZE) if c["top"] > BOTTOM]


def assert_inside_text_area(pdf: Pdf) -> None:
    for c in pdf.chars():
        if any(math.isclose(c["size"], s, abs_tol=0.1) for s in EXEMPT_SIZES):
            continue
        if abs(c["matrix"][1]) > 0.01:  # the diagonal 草稿 watermark
            continue
        if c in page_number_chars(pdf, c["page"]) or not c["text"].strip():
            continue
        where = f"{c['text']!r} on page {c['page'] + 1}"
        assert c["x0"] >= LEFT - TOLERANCE, where
        assert c["x1"] <= RIGHT + TOLERANCE, where
        assert c["top"] >= TOP - TOLERANCE, where
        assert c["bottom"] <= BOTTOM + TOLERANCE, where


@pytest.mark.parametrize("kind", ALL)
def test_every_character_stays_in_the_text_area(rendered_samples, kind) -> None:
    assert_inside_text_area(rendered_samples[kind])


@pytest.mark.parametrize("kind", ALL)
def test_samples_are_realistic_and_multi_page(rendered_samples, kind) -> None:
    pages = len(rendered_samples[kind].pages)
    assert pages >= (1 if kind == NoticeType.SERVICE else 2)


@pytest.mark.parametrize("kind", [NoticeType.RECTIFICATION, NoticeType.RECOMMENDATION,
                                  NoticeType.RECORD])
def test_body_is_sanhao_on_the_28_by_22_grid(rendered_samples, kind) -> None:
    pdf = rendered_samples[kind]
    body = pdf.body_lines()
    assert len(body) > (3 if kind == NoticeType.RECORD else 15)
    for line in body:
        assert all(math.isclose(c["size"], 16.0, abs_tol=0.05) for c in line.chars)
        assert line.cells() <= 28, line.text
    for page in range(len(pdf.pages)):
        assert len(pdf.body_lines(page)) <= 22
    # Body lines sit on the 225 mm / 22 grid.
    pitch = 225 * MM / 22
    lines = sorted({round(line.baseline, 2) for line in body if line.page == len(pdf.pages) - 1})
    steps = [b - a for a, b in zip(lines, lines[1:], strict=False)]
    assert all(math.isclose(s / pitch, round(s / pitch), abs_tol=0.02) for s in steps)


def test_full_lines_are_justified_to_the_right_margin(rendered_samples) -> None:
    body = rendered_samples[NoticeType.RECTIFICATION].body_lines()
    full = [ln for ln in body if ln.cells() >= 26 and ln.x0 < LEFT + 3 * MM]
    assert full
    for line in full:
        assert line.x1 == pytest.approx(RIGHT, abs=0.6), line.text
        assert line.x0 == pytest.approx(LEFT, abs=0.6)


def test_first_line_of_a_paragraph_is_indented_two_characters(rendered_samples) -> None:
    body = rendered_samples[NoticeType.RECTIFICATION].body_lines()
    first = next(ln for ln in body if ln.text.startswith("根据"))
    assert first.x0 == pytest.approx(LEFT + 2 * 156 * MM / 28, abs=0.6)


@pytest.mark.parametrize("kind", ALL)
def test_no_forbidden_character_at_a_body_line_start_or_end(rendered_samples, kind) -> None:
    for line in rendered_samples[kind].body_lines():
        text = line.text.strip()
        assert text[0] not in NO_START, line.text
        assert text[-1] not in NO_END, line.text


def test_no_forbidden_character_at_a_table_cell_line_start(rendered_samples) -> None:
    pdf = rendered_samples[NoticeType.RECTIFICATION]
    edges = [LEFT + x * MM for x in (0, 12, 37, 79, 107, 133, 156)]
    checked = 0
    for line in pdf.lines(12.0):
        for left, right in zip(edges, edges[1:], strict=False):
            cell = "".join(c["text"] for c in line.chars if left <= c["x0"] < right).strip()
            if cell:
                checked += 1
                assert cell[0] not in NO_START and cell[-1] not in NO_END, cell
    assert checked > 100


def test_pushed_out_line_in_the_pdf() -> None:
    content = sample_content(NoticeType.RECTIFICATION)
    content.paragraphs = ["检" * 26 + "查。" + "后" * 20]
    pdf = render(content)
    lines = [ln for ln in pdf.body_lines() if "检" in ln.text or "后" in ln.text]
    assert lines[0].text == "检" * 26  # 26 cells after the indent: the line is full-width...
    assert lines[1].text.startswith("查。")  # ...because 查 went down with the 。
    assert lines[0].x1 == pytest.approx(RIGHT, abs=0.6)  # and the short line is justified


@pytest.mark.parametrize("kind", ALL)
def test_page_numbers_alternate_sides_seven_mm_under_the_text(rendered_samples, kind) -> None:
    pdf = rendered_samples[kind]
    for page in range(len(pdf.pages)):
        chars = sorted(page_number_chars(pdf, page), key=lambda c: c["x0"])
        text = "".join(c["text"] for c in chars).strip()
        assert text == f"— {page + 1} —"
        ink = [c for c in chars if c["text"].strip()]
        one_char = PAGE_NUMBER_SIZE
        if page % 2 == 0:  # odd page number: 居右空一字
            assert ink[-1]["x1"] == pytest.approx(RIGHT - one_char, abs=TOLERANCE)
        else:  # even: 居左空一字
            assert ink[0]["x0"] == pytest.approx(LEFT + one_char, abs=TOLERANCE)
        assert BOTTOM < min(c["top"] for c in ink) < BOTTOM + 10 * MM


def test_rectification_has_the_red_header(rendered_samples) -> None:
    pdf = rendered_samples[NoticeType.RECTIFICATION]
    first = pdf.pages[0]
    mark = [c for c in first["chars"] if is_red(c["non_stroking_color"])]
    assert "".join(c["text"] for c in mark) == "衡水市监察局"
    assert min(c["top"] for c in mark) == pytest.approx(TOP + 35 * MM, abs=TOLERANCE)
    centre = (min(c["x0"] for c in mark) + max(c["x1"] for c in mark)) / 2
    assert centre == pytest.approx((LEFT + RIGHT) / 2, abs=TOLERANCE)  # the 版心 centre
    rules = [ln for ln in first["lines"] if is_red(ln["stroking_color"])]
    assert len(rules) == 1
    assert rules[0]["x0"] == pytest.approx(LEFT, abs=0.5)
    assert rules[0]["x1"] == pytest.approx(RIGHT, abs=0.5)
    # 文号 centred under the mark, above the rule.
    number = next(ln for ln in pdf.body_lines(0) if "〔2026〕" in ln.text)
    assert number.text == "衡监整改〔2026〕7号"
    assert (number.x0 + number.x1) / 2 == pytest.approx(centre, abs=TOLERANCE)
    assert number.top < rules[0]["top"]


def test_title_is_erhao_and_centred(rendered_samples) -> None:
    title = rendered_samples[NoticeType.RECTIFICATION].lines(22.0, 0)
    assert [ln.text for ln in title] == ["效能监察整改通知书"]
    assert (title[0].x0 + title[0].x1) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=TOLERANCE)


@pytest.mark.parametrize("kind", [NoticeType.RECORD, NoticeType.SERVICE])
def test_form_like_records_have_no_red_header(rendered_samples, kind) -> None:
    pdf = rendered_samples[kind]
    for page in pdf.pages:
        assert not any(is_red(c["non_stroking_color"]) for c in page["chars"])
        assert not any(is_red(ln["stroking_color"]) for ln in page["lines"])


def test_record_has_the_field_table_and_signatures(rendered_samples) -> None:
    pdf = rendered_samples[NoticeType.RECORD]
    text = pdf.text()
    for label in ("被检查单位", "检查地点", "检查时间", "检查人员及证号"):
        assert label in text
    assert "2026年11月27日9时30分至11时45分" in text
    assert "王建国（执法证号：冀监13-0217）" in text
    assert "拒绝签字（理由：对第5项所述窗口无人值守的时长有异议；见证人：刘海涛）" in text
    signature_images = [img for page in pdf.pages for img in page["images"]]
    assert len(signature_images) == 3


def test_headings_use_heiti_kaiti_fangsong_without_bold() -> None:
    content = sample_content(NoticeType.RECOMMENDATION)
    content.paragraphs = ["一、总体要求", "（一）加强组织领导。各级各部门要提高认识。",
                          "1.完善制度。正文", "（1）细化标准。正文"]
    content.findings = []
    pdf = render(content)
    fonts = {c["text"]: c["fontname"] for c in pdf.chars(size=16.0)}
    assert "ZenHei" in fonts["总"]  # 一、 黑体 (WenQuanYi Zen Hei stands in for SimHei)
    assert "WenKai" in fonts["织"]  # （一） 楷体
    assert "UMing" in fonts["认"] and "UMing" in fonts["善"] and "UMing" in fonts["细"]
    assert not any("Bold" in c["fontname"] for c in pdf.chars())


def test_date_in_arabic_numerals(rendered_samples) -> None:
    text = rendered_samples[NoticeType.RECTIFICATION].text()
    assert "2026年11月27日" in text
    assert "二〇二六" not in text


@pytest.mark.parametrize("kind", [NoticeType.CIRCULAR, NoticeType.ACCOUNTABILITY])
def test_circular_and_accountability_stay_in_the_text_area(kind) -> None:
    assert_inside_text_area(render(sample_content(kind)))


def test_a_long_issuer_mark_shrinks_to_the_text_width(settings) -> None:
    mark = "衡水市纪委监委派驻第三纪检监察组与市行政审批局联合文件"
    pdf = render(sample_content(NoticeType.RECTIFICATION), replace(settings, issuer_mark=mark))
    red = [c for c in pdf.pages[0]["chars"] if is_red(c["non_stroking_color"])]
    assert "".join(c["text"] for c in red) == mark
    assert_inside_text_area(pdf)


def test_overlong_unit_name_and_finding_wrap_inside_the_area() -> None:
    content = sample_content(NoticeType.RECTIFICATION)
    content.unit_name = "衡水市示例区" + "行政审批服务管理" * 12 + "中心"
    content.recipient = ""
    content.findings = [replace(content.findings[0],
                                description="窗口工作人员未执行一次性告知制度，" * 60,
                                legal_basis="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" * 2)]
    pdf = render(content)
    assert_inside_text_area(pdf)
    for page in pdf.pages:
        for rule in page["lines"]:  # the table rules
            assert rule["x0"] >= LEFT - 1 and rule["x1"] <= RIGHT + 1
            assert rule["top"] >= TOP - 1 and rule["bottom"] <= BOTTOM + 1
    recipient = [ln for ln in pdf.body_lines() if "行政审批服务管理" in ln.text]
    assert len(recipient) >= 3


def test_findings_table_splits_across_pages_with_repeated_header() -> None:
    content = sample_content(NoticeType.RECTIFICATION)
    content.findings = [FindingEntry(k, "超时限办理", "抽查案卷发现超时办结。" * 8, "《条例》", "限期整改。")
                        for k in range(1, 31)]
    pdf = render(content)
    header_pages = {c["page"] for c in pdf.chars(size=12.0) if c["text"] == "序"}
    assert len(header_pages) >= 3
    assert_inside_text_area(pdf)


@pytest.mark.parametrize("filler", range(0, 30))
def test_issuer_name_and_date_never_stand_alone_on_a_page(filler: int) -> None:
    content = sample_content(NoticeType.RECTIFICATION)
    content.findings = []
    # One-line paragraphs push the closing down one grid line at a time.
    content.paragraphs = ["本段用于推动版面。" * 2] * filler + ["请于规定期限内书面报告整改情况。特此通知。"]
    pdf = render(content)
    last = pdf.body_lines(len(pdf.pages) - 1)
    texts = [ln.text for ln in last]
    assert texts[-2:] == ["衡水市监察局", "2026年11月27日"] or texts[-3:-1] == [
        "衡水市监察局", "2026年11月27日"]
    assert len([t for t in texts if "特此通知" in t or "本段" in t or "请于" in t]) >= 1


@pytest.mark.parametrize("filler", range(0, 12))
def test_a_paragraph_split_by_a_page_keeps_two_lines_on_each_side(filler: int) -> None:
    content = sample_content(NoticeType.RECTIFICATION)
    content.findings = []
    content.paragraphs = ["本段用于推动版面。" * 2] * filler + ["长" * 100, "特此通知。"]
    pdf = render(content)
    per_page = [sum("长" in ln.text for ln in pdf.body_lines(p)) for p in range(len(pdf.pages))]
    assert sum(per_page) == 4
    assert all(n == 0 or n >= 2 for n in per_page), per_page
