"""The 通报 and 责任追究建议 drawn from records pass the layout checks of the other notices."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from notice_pdf import NO_END, NO_START, Pdf, is_red, render
from test_notice_layout import assert_inside_text_area

from fieldcheck.domain import circulars
from fieldcheck.domain import followup_rules as rules
from fieldcheck.domain.followup_board import Records
from fieldcheck.domain.notice_settings import BureauSettings
from fieldcheck.notices import NoticeContent, format_number, sample_settings

NOW = datetime(2026, 12, 1, 2, tzinfo=UTC)
TZ = datetime.now().astimezone().tzinfo
UNITS = {f"u{k}": rules.UnitFacts(f"u{k}", name) for k, name in enumerate(
    ["清河市政务服务中心不动产登记综合窗口", "清河市自然资源和规划局", "清河市市场监督管理局（企业登记注册科）"])}
TEXTS = ["工作时间2号窗口无人值守达25分钟，群众排队等候“叫号”后仍无人受理", "建设用地规划许可办件超承诺时限7个工作日——申请人多次催办",
         "要求企业另行提交无依据的情况说明（见附件）", "未执行一次性告知制度，申请人三次补交材料。"]


def _records() -> Records:
    findings = {}
    for k in range(14):
        fid = f"f{k}"
        findings[fid] = rules.FindingFacts(
            fid, f"u{k % 3}", ("discipline", "overtime", "extra_steps", "service_rules")[k % 4],
            TEXTS[k % 4], "notified", date(2026, 11, 20), "unannounced", "明查暗访组",
            NOW - timedelta(days=20 + k), NOW - timedelta(days=19), responsible="窗口负责人 刘敏",
            notice_numbers=(f"清监整改〔2026〕{k + 1}号",), deadlines=(date(2026, 11, 5), date(2026, 11, 20)))
    earlier = rules.CircularFacts("c1", "清监通〔2026〕1号", NOW - timedelta(days=40), ("f0",))
    later = rules.CircularFacts("c2", "清监通〔2026〕2号", NOW - timedelta(days=10), ("f12",))
    return Records(findings, [earlier, later], UNITS)


def _settings() -> BureauSettings:
    return BureauSettings(sample_settings())


def _numbered(content: NoticeContent) -> NoticeContent:
    content.number = format_number(sample_settings().prefixes[content.type], 2026, 3)
    return content


@pytest.fixture(scope="module")
def documents() -> dict[str, Pdf]:
    records = _records()
    circular = circulars.circular_content(records, date(2026, 10, 1), date(2026, 11, 30), NOW, TZ,
                                          _settings()).content
    flag = next(f for f in rules.flags(records.findings, records.circulars, records.units, NOW, TZ)
                if f.reason == "repeat")
    accountability = circulars.accountability_content(records, flag, NOW, TZ, _settings())
    return {"circular": render(_numbered(circular)),
            "accountability": render(_numbered(accountability))}


@pytest.mark.parametrize("kind", ["circular", "accountability"])
def test_every_character_stays_in_the_text_area(documents, kind) -> None:
    assert_inside_text_area(documents[kind])


@pytest.mark.parametrize("kind", ["circular", "accountability"])
def test_no_forbidden_character_at_a_body_line_start_or_end(documents, kind) -> None:
    lines = documents[kind].body_lines()
    assert len(lines) > 20
    for line in lines:
        text = line.text.strip()
        assert text[0] not in NO_START, line.text
        assert text[-1] not in NO_END, line.text


@pytest.mark.parametrize("kind", ["circular", "accountability"])
def test_red_header_number_and_multi_page(documents, kind) -> None:
    pdf = documents[kind]
    assert len(pdf.pages) >= 2
    assert any(is_red(c.get("non_stroking_color")) for c in pdf.chars(0))
    text = pdf.text()
    assert "〔2026〕3号" in text
