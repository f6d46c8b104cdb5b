"""责任追究建议书 and 通报: wording that follows their own facts, read back from the PDF."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from notice_pdf import render

from fieldcheck.notices import NoticeError, NoticeType, sample_content, sample_settings
from fieldcheck.notices.drafting import (
    AccountabilityFacts,
    CircularFacts,
    CircularUnit,
    FollowedFinding,
    ResponsiblePerson,
    accountability_content,
    circular_content,
)
from fieldcheck.notices.model import FindingEntry


def flat(text: str) -> str:
    return re.sub(r"—\d+—", "", "".join(text.split()))


def test_the_accountability_sample_holds_together() -> None:
    content = sample_content(NoticeType.ACCOUNTABILITY)
    # Every deadline it relies on passed before the date of issue.
    assert content.findings and all(f.deadline and f.deadline < content.issued_on
                                    for f in content.findings)
    text = flat(render(content).text())
    assert "示例区人民政府：" in text  # the body over the unit, not the unit itself
    assert "衡监整改〔2026〕7号" in text  # the earlier 整改通知书 cited by number
    assert "中心副主任孙立新" in text  # name and post
    assert "诫勉谈话" in text and "第二十四条" in text  # a measure and its basis
    assert "特此建议。" in text
    assert "经限期整改仍未整改到位" not in text


def _facts(**changes: object) -> AccountabilityFacts:
    finding = FindingEntry(1, "超时限办理", "办件超时。", deadline=date(2026, 12, 5),
                           status="仍超时。")
    facts = AccountabilityFacts(
        unit_name="示例区政务服务中心", addressee="示例区人民政府", reason="overdue",
        findings=[FollowedFinding(finding, ("衡监整改〔2026〕7号",))],
        responsible=[ResponsiblePerson("孙立新", "中心副主任")], reply_deadline=date(2027, 1, 31),
        issued_on=date(2026, 12, 28), recheck_date=date(2026, 12, 20), measure="诫勉谈话",
        basis="《示例办法》第九条")
    return replace(facts, **changes)


def test_accountability_refuses_facts_that_do_not_support_it() -> None:
    settings = sample_settings()
    accountability_content(_facts(), settings)  # consistent facts build
    late = FollowedFinding(FindingEntry(2, "其他", "未整改。", deadline=date(2027, 1, 10)))
    with pytest.raises(NoticeError, match="第2项的整改期限尚未届满"):
        accountability_content(_facts(findings=[_facts().findings[0], late]), settings)
    with pytest.raises(NoticeError, match="责任人"):
        accountability_content(_facts(responsible=[]), settings)
    with pytest.raises(NoticeError, match="处理方式"):
        accountability_content(_facts(measure=""), settings)
    with pytest.raises(NoticeError, match="复查日期"):
        accountability_content(_facts(recheck_date=date(2027, 1, 5)), settings)


def test_a_repeat_ground_cites_the_circulars_and_a_draft_says_what_to_fill_in() -> None:
    """Twice circulated for the same problem: no deadline need have passed; a draft from the
    records without people or measure builds, naming what is still to be written."""
    running = FollowedFinding(FindingEntry(1, "工作纪律作风", "窗口无人值守。", deadline=date(2027, 3, 1)),
                              ("衡监整改〔2026〕9号",), (date(2027, 3, 1),))
    facts = _facts(reason="repeat", findings=[running], circulars=("衡监通〔2026〕1号", "衡监通〔2026〕2号"),
                   responsible=[], measure="", basis="", recheck_date=None, draft=True)
    content = accountability_content(facts, sample_settings())
    text = "".join(content.paragraphs)
    assert "《通报》（衡监通〔2026〕1号）、《通报》（衡监通〔2026〕2号）" in text
    assert "衡监整改〔2026〕9号" in text and "2027年3月1日" in text
    assert "请填写责任人员" in text and "连续两次通报" in text
    assert content.paragraphs[-1] == "特此建议。"


def test_the_circular_names_every_unit_and_ends_as_a_circular() -> None:
    content = sample_content(NoticeType.CIRCULAR)
    pdf = render(content)
    text = flat(pdf.text())
    for unit in ("衡水市示例区政务服务中心", "示例区住房和城乡建设局", "示例区市场监督管理局"):
        assert unit in text
    assert "整改期限" not in text  # no per-item deadline column in a 通报
    assert "本中心" not in text
    # Headings numbered in turn (典型案例 present: the requirements are the fourth part).
    assert text.find("一、基本情况") < text.find("二、存在的问题") < text.find("三、典型案例") < \
        text.find("四、有关要求") < text.rstrip().find("特此通报。")
    # Problems by unit, then by category within it.
    assert text.find("（一）衡水市示例区政务服务中心1.超时限办理") >= 0
    # The （一） headings are set in 楷体, the 一、 headings in 黑体 (GB/T 9704 结构层次).
    kai = [c for c in pdf.chars() if c["text"] == "住" and c["size"] == pytest.approx(16)]
    assert any("Kai" in c["fontname"] for c in kai)


def test_a_circular_without_findings_or_unit_names_is_refused() -> None:
    settings = sample_settings()
    finding = FindingEntry(1, "其他", "问题。")
    with pytest.raises(NoticeError):
        circular_content(CircularFacts("2026年11月", [], date(2026, 12, 1), date(2026, 12, 31)), settings)
    with pytest.raises(NoticeError, match="所属单位"):
        circular_content(CircularFacts("2026年11月", [CircularUnit(" ", [finding])],
                                       date(2026, 12, 1), date(2026, 12, 31)), settings)


def test_a_typical_case_says_the_unit_once_where_its_problem_starts_with_the_unit() -> None:
    window = "清河市政务服务中心不动产登记综合窗口"
    case = FindingEntry(1, "工作纪律作风", "窗口工作人员上班时间玩手机，对咨询群众不予理睬。",
                        requirement="立即整改", unit_name=window)
    other = FindingEntry(2, "慢作为", "施工许可审批材料齐全后滞留科室12天未流转", unit_name="清河市住房和城乡建设局")
    facts = CircularFacts(period="2026年10月", units=[CircularUnit(window, [case]),
                                                       CircularUnit(other.unit_name, [other])],
                          issued_on=date(2026, 11, 1), reply_deadline=date(2026, 11, 16),
                          cases=[case, other])
    paragraphs = circular_content(facts, sample_settings()).paragraphs
    assert "1. 清河市政务服务中心不动产登记综合窗口工作人员上班时间玩手机，对咨询群众不予理睬。" \
        "检查组已责令其限期整改。" in paragraphs
    assert "2. 清河市住房和城乡建设局施工许可审批材料齐全后滞留科室12天未流转。" in paragraphs
