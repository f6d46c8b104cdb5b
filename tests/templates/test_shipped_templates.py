"""The templates shipped in resources/templates/: valid, substantial, and true to the source."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from fieldcheck.templates import (
    ITEM_TYPES,
    VISIT_KINDS,
    Template,
    finding_categories,
    is_failed,
    load_shipped_templates,
    parse_template,
    progress,
    score,
    shipped_templates_dir,
    suggested_findings,
    template_to_json,
    visible_items,
)
from fieldcheck.templates import validate as validate_module
from fieldcheck.templates.model import SEVERITIES

EXPECTED = {
    "window_unannounced",
    "key_project",
    "enterprise_visit",
    "approval_items",
    "penalty_cases",
}
TEMPLATES = {t.key: t for t in load_shipped_templates()}
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_all_five_inspection_kinds_are_shipped() -> None:
    assert set(TEMPLATES) == EXPECTED
    for key in EXPECTED:
        assert (shipped_templates_dir() / f"{key}.json").exists()


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_template_is_substantial_and_varied(key: str) -> None:
    t = TEMPLATES[key]
    assert 18 <= len(t.items) <= 30
    types = Counter(i.type for i in t.items)
    assert len(types) >= 5, types
    assert types["yes_no"] < len(t.items) * 0.7  # not only yes/no questions
    assert types["number"] >= 1 and types["photo"] >= 1 and types["datetime"] >= 1
    assert sum(1 for i in t.items if i.visible_if) >= 3
    assert sum(1 for i in t.items if i.photo_on_fail) >= 2
    assert sum(1 for i in t.items if i.suggested_finding) >= 10
    assert sum(1 for i in t.items if i.required) >= 10
    assert sum(i.weight for i in t.items) >= 100
    assert all(i.weight >= 0 for i in t.items)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_template_is_written_in_chinese(key: str) -> None:
    t = TEMPLATES[key]
    assert CJK.search(t.title) and CJK.search(t.description)
    for section in t.sections:
        assert CJK.search(section.title)
    for item in t.items:
        assert CJK.search(item.label), item.key
        for option in item.options:
            assert CJK.search(option.label), (item.key, option.key)
        if item.suggested_finding:
            assert CJK.search(item.suggested_finding.text), item.key


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_every_item_that_can_fail_suggests_a_finding(key: str) -> None:
    for item in TEMPLATES[key].items:
        if item.fail is not None:
            assert item.suggested_finding is not None, item.key
        if item.suggested_finding:
            assert item.suggested_finding.category in finding_categories()


@pytest.mark.parametrize(
    ("key", "phrases"),
    [
        (
            "window_unannounced",
            [
                "在岗",
                "工作纪律",
                "首问首办",
                "一次性告知",
                "公开承诺",
                "限时办结",
                "等候时间",
                "服务态度",
                "吃拿卡要",
                "擅自增加办事环节",
                "电子监察",
            ],
        ),
        (
            "key_project",
            [
                "审批立项",
                "施工",
                "验收",
                "投产",
                "全程代办",
                "绿色通道",
                "互为前置",
                "推诿",
                "并联审批",
            ],
        ),
        (
            "enterprise_visit",
            [
                "随机走访",
                "座谈",
                "投诉",
                "问卷调查",
                "梗阻",
                "吃拿卡要",
                "乱检查",
                "乱收费",
                "乱罚款",
            ],
        ),
        (
            "approval_items",
            [
                "超时限办理",
                "擅自增加办事环节",
                "取消",
                "下放",
                "暂停",
                "反弹",
                "变相审批",
                "电子监察",
            ],
        ),
        (
            "penalty_cases",
            [
                "每半年",
                "案卷",
                "处罚依据",
                "自由裁量",
                "程序",
                "告知",
                "听证",
                "执法不当",
                "违规处罚",
                "裁量不当",
            ],
        ),
    ],
)
def test_template_uses_the_language_of_the_source(key: str, phrases: list[str]) -> None:
    text = template_to_json(TEMPLATES[key])
    missing = [p for p in phrases if p not in text]
    assert not missing


@pytest.mark.parametrize(
    ("key", "item_key", "failing", "category"),
    [
        ("window_unannounced", "staff_on_duty", "no", "discipline"),
        ("window_unannounced", "first_inquiry", "no", "service_rules"),
        ("window_unannounced", "extortion", "yes", "extortion"),
        ("window_unannounced", "extra_steps", "yes", "extra_steps"),
        ("window_unannounced", "wait_minutes", 45, "slow"),
        ("window_unannounced", "time_limit", "some_overdue", "overtime"),
        ("key_project", "mutual_preconditions", "yes", "inaction"),
        ("key_project", "approval_days_actual", 30, "overtime"),
        ("enterprise_visit", "extortion_verified", "yes", "extortion"),
        ("enterprise_visit", "fines_verified", "yes", "enforcement"),
        ("approval_items", "overtime_count", 2, "overtime"),
        ("approval_items", "rebound_found", "yes", "disguised_approval"),
        ("approval_items", "disguised_forms", ["filing"], "disguised_approval"),
        ("penalty_cases", "discretion_proper", "no", "enforcement"),
        ("penalty_cases", "hearing_notified", "no", "enforcement"),
    ],
)
def test_key_items_fail_into_the_right_category(
    key: str, item_key: str, failing: object, category: str
) -> None:
    t = TEMPLATES[key]
    item = t.item(item_key)
    answers = {"approval_days_promised": 20}
    assert is_failed(item, failing, answers)
    assert item.suggested_finding is not None
    assert item.suggested_finding.category == category


def test_a_realistic_unannounced_window_visit() -> None:
    t = TEMPLATES["window_unannounced"]
    answers: dict[str, object] = {
        "arrival_time": "2026-11-27T10:05:00+08:00",
        "check_method": "covert",
        "window_name": "市场监管局企业登记窗口",
        "service_item": "咨询个体工商户设立登记",
        "staff_on_duty": "no",
        "absence_minutes": 25,
        "absence_arrangement": "none",
        "discipline_violations": ["none"],
        "first_inquiry": "yes",
        "one_time_notice": "na",
        "public_commitment": "yes",
        "time_limit": "all_on_time",
        "wait_minutes": 35,
        "attitude": "ordinary",
        "extortion": "no",
        "extra_steps": "no",
        "improper_fees": "no",
        "e_system_used": "yes",
        "e_records_match": "consistent",
    }
    shown = {i.key for i in visible_items(t, answers)}
    assert {"absence_minutes", "absence_arrangement", "service_item"} <= shown
    assert {"badge_displayed", "discipline_photo", "extortion_detail", "overdue_count"}.isdisjoint(
        shown
    )
    found = [(i.key, f.category) for i, f in suggested_findings(t, answers)]
    assert found == [
        ("staff_on_duty", "discipline"),
        ("absence_minutes", "discipline"),
        ("absence_arrangement", "discipline"),
        ("wait_minutes", "slow"),
    ]
    assert progress(t, answers).complete
    s = score(t, answers)
    assert s.possible > s.earned > 0


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_round_trip_and_body_pinning(key: str) -> None:
    t = TEMPLATES[key]
    text = template_to_json(t)
    again = parse_template(json.loads(text), f"{key} v{t.version}")
    assert again == t
    on_disk = json.loads((shipped_templates_dir() / f"{key}.json").read_text(encoding="utf-8"))
    assert t.raw == on_disk


def test_schema_document_agrees_with_the_validator() -> None:
    schema = json.loads((shipped_templates_dir() / "schema.json").read_text(encoding="utf-8"))
    defs = schema["$defs"]
    assert set(schema["properties"]) == set(validate_module._TOP_FIELDS)
    assert set(defs["section"]["properties"]) == set(validate_module._SECTION_FIELDS)
    assert set(defs["item"]["properties"]) == set(validate_module._ITEM_FIELDS)
    assert set(defs["option"]["properties"]) == set(validate_module._OPTION_FIELDS)
    assert set(defs["suggested_finding"]["properties"]) == set(validate_module._FINDING_FIELDS)
    assert tuple(defs["item"]["properties"]["type"]["enum"]) == ITEM_TYPES
    assert tuple(schema["properties"]["kinds"]["items"]["enum"]) == VISIT_KINDS
    assert defs["suggested_finding"]["properties"]["category"]["enum"] == list(finding_categories())
    assert tuple(defs["suggested_finding"]["properties"]["severity"]["enum"]) == SEVERITIES


def test_constants_agree_with_the_domain_enums() -> None:
    enums = pytest.importorskip("fieldcheck.models.enums")
    assert tuple(k.value for k in enums.VisitKind) == VISIT_KINDS
    assert tuple(s.value for s in enums.Severity) == SEVERITIES


def test_shipped_templates_are_typed_templates() -> None:
    assert all(isinstance(t, Template) for t in TEMPLATES.values())
    assert {kind for t in TEMPLATES.values() for kind in t.kinds} == set(VISIT_KINDS)
