"""现场检查记录 and 送达回证 as bureau forms, read back from the PDF with pdfplumber."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

import pytest
from notice_pdf import Pdf, render

from fieldcheck.notices import NoticeType, SignatureEntry, sample_content
from fieldcheck.notices.sample import sample_signature_png

RECORD_LABELS = ("被检查单位", "统一社会信用代码", "单位地址", "联系电话", "负责人及职务",
                 "检查地点", "检查时间", "检查人员及证号", "记录人", "检查方式")


def lines_text(pdf: Pdf, size: float) -> list[str]:
    return [ln.text.replace("\u3000", "") for ln in pdf.lines(size)]


def flat(pdf: Pdf) -> str:
    return re.sub(r"\s", "", pdf.text())


@pytest.fixture(scope="module")
def record() -> Pdf:
    return render(sample_content(NoticeType.RECORD))


def test_the_record_has_every_field_with_labels_unbroken(record: Pdf) -> None:
    labels = lines_text(record, 14.0)
    for label in RECORD_LABELS:
        assert any(label in line for line in labels), label  # on one line, never split
    text = flat(record)
    for value in ("11131102MB1234567X", "衡水市示例区人民路188号", "0318-2012345", "李淑敏",
                  "孙立新（中心副主任）"):
        assert value in text


def test_the_record_is_in_the_third_person_with_the_avoidance_notice(record: Pdf) -> None:
    text = flat(record)
    assert "你单位" not in text
    assert "申请其回避" in text and "未申请回避" in text
    assert "或者已向其宣读" not in text  # no template alternative printed as it stands
    assert "依据" not in lines_text(record, 12.0)[0]  # no 依据/整改要求/期限 columns
    assert "整改期限" not in text and "整改要求" not in text


def test_each_page_of_the_record_is_signed_and_numbered(record: Pdf) -> None:
    total = len(record.pages)
    assert total >= 2
    for page in range(total):
        text = "".join(c["text"] for c in record.chars(page)).replace("\u3000", "")
        assert "检查人员（签名）：" in text and "被检查单位负责人（签名）：" in text
        assert f"第{page + 1}页共{total}页" in text
        # The footer keeps clear of the text above it: nothing of the body in its lines.
        footer_top = max(c["top"] for c in record.chars(page) if c["text"] == "检") - 30
        body = [c for c in record.chars(page, 16.0) if c["top"] > footer_top]
        assert not body


def test_a_refusal_is_recorded_as_a_refusal_not_as_confirmed(record: Pdf) -> None:
    text = flat(record)
    assert "拒绝签名，理由是：对第5项所述窗口无人值守的时长有异议" in text
    assert "见证人刘海涛在场见证" in text
    assert "确认无误" not in text


@pytest.mark.parametrize(("fields", "expected", "absent"), [
    ({}, "其确认无误并签名", "拒绝"),
    ({"read_aloud": "是"}, "已向被检查单位负责人孙立新宣读", "阅看"),
    ({"disputes": "第5项所述无人值守时长"}, "其对以下内容有异议：第5项所述无人值守时长", "拒绝"),
    ({"disputed_items": "2, 5 5", "dispute_reason": "窗口当日已补派人员。"},
     "其对以下内容有异议：问题清单第2、5项（理由：窗口当日已补派人员）。对其余内容确认无误", "拒绝"),
])
def test_the_closing_sentence_follows_what_happened(fields, expected, absent) -> None:
    content = sample_content(NoticeType.RECORD)
    when = datetime(2026, 11, 27, 11, 45)
    content.signatures = [s for s in content.signatures if s.role != "recipient"] + [
        SignatureEntry("recipient", "孙立新", sample_signature_png(5), when)]
    content.fields = {**content.fields, **fields}
    text = flat(render(content))
    assert expected in text and absent not in text


def test_the_service_form_has_every_field_on_one_page() -> None:
    content = sample_content(NoticeType.SERVICE)
    pdf = render(content)
    assert len(pdf.pages) == 1
    text = flat(pdf)
    assert text.index("衡水市监察局") < text.index("送达回证")  # the issuing body heads it
    for value in ("效能监察整改通知书（衡监整改〔2026〕7号）", "一式一份，共5页",
                  "2026年11月27日14时20分", "衡水市示例区人民路188号示例区政务服务中心一楼综合服务大厅",
                  "代收人及与受送达人的关系", "送达机关（印章）"):
        assert value in text, value
    # A slot for each 送达人: both inspectors, one signed, one to sign by hand.
    assert text.count("送达人（签名）") == 2
    assert "王建国" in text


def test_the_service_without_inspectors_still_has_a_slot_to_sign() -> None:
    content = replace(sample_content(NoticeType.SERVICE), inspectors=[], signatures=[])
    assert flat(render(content)).count("送达人（签名）") == 1
