"""Number and date formats, notice texts from resources/, sample content."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime

import pytest

from fieldcheck.notices import (
    FINDINGS_PLACEHOLDER,
    NoticeContent,
    NoticeError,
    NoticeType,
    build_notice,
    default_paragraphs,
    default_title,
    format_date,
    format_number,
    format_period,
    sample_content,
    verification_payload,
)
from fieldcheck.notices.texts import common_texts, load_texts, notices_dir


def test_number_format_uses_hexagonal_brackets_and_no_leading_zeros() -> None:
    assert format_number("衡监整改", 2026, 7) == "衡监整改〔2026〕7号"
    assert format_number(" 衡监 ", 2026, 120) == "衡监〔2026〕120号"
    assert "\u3014" in format_number("衡监", 2026, 1) and "\u3015" in format_number("衡监", 2026, 1)


@pytest.mark.parametrize(("prefix", "year", "n"), [("", 2026, 1), ("衡监", 26, 1), ("衡监", 2026, 0)])
def test_bad_number_parts_are_refused(prefix: str, year: int, n: int) -> None:
    with pytest.raises(NoticeError):
        format_number(prefix, year, n)


def test_dates_in_arabic_numerals_without_padding() -> None:
    assert format_date(date(2026, 11, 27)) == "2026年11月27日"
    assert format_date(date(2026, 1, 5)) == "2026年1月5日"


def test_inspection_period() -> None:
    start = datetime(2026, 11, 27, 9, 30)
    assert format_period(start, datetime(2026, 11, 27, 11, 45)) == "2026年11月27日9时30分至11时45分"
    assert format_period(start, datetime(2026, 11, 28, 8, 5)) == (
        "2026年11月27日9时30分至2026年11月28日8时05分")
    assert format_period(None, None) == ""


def test_default_paragraphs_fill_the_visit_facts() -> None:
    paragraphs = default_paragraphs(NoticeType.RECTIFICATION, {
        "unit_name": "某单位", "issuer_name": "衡水市监察局",
        "inspection_date": date(2026, 11, 27), "place": "服务大厅",
        "reply_deadline": date(2026, 12, 27),
    })
    joined = "".join(paragraphs)
    assert "衡水市监察局检查组于2026年11月27日对你单位服务大厅" in joined
    assert "请于2026年12月27日前" in joined
    assert FINDINGS_PLACEHOLDER in paragraphs


def test_a_missing_placeholder_prints_as_a_visible_blank() -> None:
    paragraphs = default_paragraphs(NoticeType.RECTIFICATION, {})
    assert "××检查组于××" in paragraphs[0]


@pytest.mark.parametrize("kind", list(NoticeType))
def test_every_type_has_texts_and_renders(kind: NoticeType, settings) -> None:
    texts = load_texts(kind)
    assert texts.title and texts.name
    assert default_title(kind) == texts.title
    result = build_notice(sample_content(kind), settings)
    assert result.pdf.startswith(b"%PDF") and not result.missing_glyphs


@pytest.mark.parametrize("kind", [NoticeType.RECORD, NoticeType.RECTIFICATION,
                                  NoticeType.RECOMMENDATION])
def test_samples_have_ten_findings_long_text_and_two_pages(kind: NoticeType, settings) -> None:
    content = sample_content(kind)
    assert len(content.findings) == 10
    assert max(len(p) for p in content.paragraphs) > 60
    assert build_notice(content, settings).pages >= 2


def test_draft_state() -> None:
    assert NoticeContent(NoticeType.RECORD).is_draft
    assert not NoticeContent(NoticeType.RECORD, number="衡监记〔2026〕1号").is_draft
    assert NoticeContent(NoticeType.RECORD, number="衡监记〔2026〕1号", draft=True).is_draft


def test_verification_payload() -> None:
    assert verification_payload("n1", "abcdef0123456789") == "FC1:n1:abcdef012345"
    assert verification_payload("n1", "abcdef0123456789", "https://jc.example.cn/v/") == (
        "https://jc.example.cn/v/n1?h=abcdef012345")


def test_texts_live_in_resources() -> None:
    names = {p.stem for p in notices_dir().glob("*.json")}
    assert {t.value for t in NoticeType} <= names
    assert common_texts()["refusal"].startswith("拒绝签字")


def test_malformed_text_resource_is_a_clear_error(tmp_path, monkeypatch) -> None:
    copy = tmp_path / "resources"
    shutil.copytree(notices_dir().parent, copy)
    data = json.loads((copy / "notices" / "record.json").read_text(encoding="utf-8"))
    del data["title"]
    (copy / "notices" / "record.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("FIELDCHECK_RESOURCES", str(copy))
    load_texts.cache_clear()
    try:
        with pytest.raises(NoticeError, match="record.json"):
            load_texts(NoticeType.RECORD)
    finally:
        load_texts.cache_clear()
