"""Malformed templates: every problem is reported, each naming file, place and problem."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from template_builders import body, item, section

from fieldcheck.errors import TemplateError
from fieldcheck.templates import (
    MalformedTemplateError,
    load_shipped_templates,
    load_template,
    parse_template,
    template_to_json,
)


def problems_of(data: Any, name: str = "demo.json") -> list[str]:
    with pytest.raises(MalformedTemplateError) as info:
        parse_template(data, name)
    return info.value.problems


def one_problem(*items: dict[str, Any]) -> str:
    found = problems_of(body(section("main", *items)))
    assert len(found) == 1, found
    return found[0]


def test_a_valid_template_parses(build: Callable[..., Any]) -> None:
    t = build(item("a"), item("b", "number", unit="分钟", visible_if='a == "no"'))
    assert [i.key for i in t.items] == ["a", "b"]
    assert t.item("b").unit == "分钟"


def test_error_is_a_template_error_listing_every_problem() -> None:
    data = body(
        section(
            "main",
            item("a", "checkbox"),
            item("b", "single", options=[]),
            item("c", requried=True),
        )
    )
    data["version"] = 0
    with pytest.raises(TemplateError) as info:
        parse_template(data, "demo.json")
    err = info.value
    assert isinstance(err, MalformedTemplateError)
    assert len(err.problems) == 4, err.problems
    message = str(err)
    assert "demo.json" in message and "4 处问题" in message
    for line in err.problems:
        assert line in message
    assert [d.item for d in err.details] == ["", "a", "b", "c"]


@pytest.mark.parametrize(
    ("items", "item_key", "fragment"),
    [
        ([item("a", "checkbox")], "a", "未知的条目类型 'checkbox'"),
        ([item("a", "single", options=None)], "a", "字段 options 应为列表 [...]，实际为空值 null"),
        ([{"key": "a", "type": "multi", "label": "x"}], "a", "必须有 options"),
        ([item("a", "single", options=[{"key": "x", "label": "X"}])], "a", "至少要有 2 个选项"),
        (
            [item("a", "single", options=[{"key": "x", "label": "X"}, {"key": "x", "label": "Y"}])],
            "a",
            "选项键 x 重复",
        ),
        (
            [item("a", "number", options=[{"key": "x", "label": "X"}])],
            "a",
            "只适用于 single、multi",
        ),
        ([item("a", unit="分钟")], "a", "字段 unit 只适用于 number"),
        ([item("a", "text", allow_na=True)], "a", "字段 allow_na 只适用于 yes_no"),
        (
            [item("a", suggested_finding={"category": "bribery", "text": "x"})],
            "a",
            "未知的问题类别 'bribery'",
        ),
        ([item("a", suggested_finding={"category": "slow"})], "a", "缺少字段 text"),
        (
            [item("a", suggested_finding={"category": "slow", "text": "x", "severity": "huge"})],
            "a",
            "未知的严重程度",
        ),
        (
            [item("a", "text", suggested_finding={"category": "slow", "text": "x"})],
            "a",
            "需要 fail 条件",
        ),
        ([item("a", fail=None, photo_on_fail=True)], "a", "photo_on_fail 需要 fail 条件"),
        ([item("a", visible_if="ghost == 1")], "a", "不存在的条目 ghost（第 1 列）"),
        ([item("a", visible_if='b == "yes"'), item("b")], "a", "后面的条目 b"),
        ([item("a", visible_if='a == "yes"')], "a", "本条目 a"),
        ([item("a"), item("b", visible_if='value == "yes"')], "b", "不能使用 value"),
        ([item("a"), item("b", visible_if='a == "yes" and')], "b", "第 15 列"),
        ([item("a"), item("b", visible_if="a = 'yes'")], "b", "表达式有误（第 3 列）"),
        ([item("a", fail="__import__('os')")], "a", "未知函数 __import__"),
        ([item("a"), item("b", visible_if='a == "yse"')], "b", "a 没有选项 'yse'"),
        ([item("m", "multi"), item("b", visible_if='contains(m, "z")')], "b", "m 没有选项 'z'"),
        ([item("s", "single", fail='value in ["a", "q"]')], "s", "fail 中 value 没有选项 'q'"),
        ([item("a", requried=True)], "a", "未知字段 requried（是不是 required？）"),
        ([item("a", colour="red")], "a", "未知字段 colour（可用字段"),
        ([item("a", required="yes")], "a", "字段 required 应为布尔值"),
        ([item("a", weight="5")], "a", "字段 weight 应为数字"),
        ([item("a", weight=True)], "a", "字段 weight 应为数字"),
        ([item("a", weight=-1)], "a", "weight 不能为负数"),
        ([item("a", "number", min=10, max=5)], "a", "min（10）大于 max（5）"),
        ([item("a", label="   ")], "a", "label 不能为空"),
        ([item("a", label=3)], "a", "字段 label 应为字符串"),
        ([item("Bad Key")], "Bad Key", "不合规"),
        ([item("value")], "value", "保留字"),
        ([item("count")], "count", "保留字"),
        ([item("a", visible_if=True)], "a", "字段 visible_if 应为字符串"),
        ([item("a", fail=1)], "a", "字段 fail 应为表达式字符串或 null"),
        (
            [item("a", "single", options=[{"key": "x"}, {"key": "y", "label": "Y"}])],
            "a",
            "第 1 个选项：缺少字段 label",
        ),
        # constraint: an answer that must agree with others, with the reason for the inspector
        (
            [item("total", "number"), item("part", "number", constraint="value <= total")],
            "part",
            "字段 constraint 需要 constraint_message",
        ),
        (
            [item("part", "number", constraint_message="抽查数不能超过总数。")],
            "part",
            "字段 constraint_message 需要 constraint 条件",
        ),
        (
            [item("part", "number", constraint="value <= ghost", constraint_message="不符。")],
            "part",
            "字段 constraint 引用了不存在的条目 ghost（第 10 列）",
        ),
        (
            [item("total", "number"),
             item("part", "number", constraint="value <=", constraint_message="不符。")],
            "part",
            "字段 constraint 的表达式有误（第 9 列）",
        ),
        (
            [item("total", "number"),
             item("part", "number", constraint="value => total", constraint_message="不符。")],
            "part",
            "字段 constraint 的表达式有误",
        ),
        (
            [item("total", "number"), item("other", "number"),
             item("part", "number", constraint="other <= total", constraint_message="不符。")],
            "part",
            "字段 constraint 没有读本条目的答案",
        ),
        (
            [item("total", "number"),
             item("part", "number", constraint="value <= total", constraint_message="  ")],
            "part",
            "字段 constraint_message 不能为空",
        ),
        (
            [item("total", "number"),
             item("part", "number", constraint=True, constraint_message="不符。")],
            "part",
            "字段 constraint 应为字符串",
        ),
        (
            [item("total", "number"),
             item("part", "number", constraint="value <= total", constraint_message=3)],
            "part",
            "字段 constraint_message 应为字符串",
        ),
        (
            [item("s", "single"),
             item("part", "number", constraint='s != "q" or value > 0', constraint_message="不符。")],
            "part",
            "字段 constraint 中 s 没有选项 'q'",
        ),
        (
            [item("s", "single", constraint='value != "z"', constraint_message="不符。")],
            "s",
            "字段 constraint 中 value 没有选项 'z'",
        ),
    ],
)
def test_item_problems_name_file_item_and_problem(
    items: list[dict[str, Any]], item_key: str, fragment: str
) -> None:
    problem = one_problem(*items)
    assert problem.startswith(f"模板 demo.json：条目 {item_key}："), problem
    assert "demo.json" in problem
    assert fragment in problem, problem


def test_a_constraint_may_read_any_item_and_its_own_by_key_or_value(
    build: Callable[..., Any],
) -> None:
    t = build(
        item("total", "number", constraint="total >= 0", constraint_message="总数不能为负。"),
        item("part", "number", constraint="value <= total and part <= later",
             constraint_message="抽查数不能超过总数。"),
        item("later", "number"),
    )
    part = t.item("part")
    assert part.constraint is not None and part.constraint.source == "value <= total and part <= later"
    assert part.constraint_message == "抽查数不能超过总数。"
    assert part.constraint_refs == ("total", "later")
    assert t.item("total").constraint_refs == ()
    assert t.item("later").constraint is None and t.item("later").constraint_message == ""


def test_a_malformed_constraint_refuses_the_template_file(
    write_template: Callable[..., Path],
) -> None:
    path = write_template(body(section("scope", item("cases_total", "number"), item(
        "files_sampled", "number", constraint="value <= cases_totl"))), "penalty.json")
    with pytest.raises(MalformedTemplateError) as info:
        load_template(path)
    assert sorted(info.value.problems) == [
        "模板 penalty.json：条目 files_sampled：字段 constraint 引用了不存在的条目 cases_totl（第 10 列）",
        "模板 penalty.json：条目 files_sampled：字段 constraint 需要 constraint_message：告诉检查员答案哪里不合理、应如何改正",
    ]


def test_duplicate_item_key_across_sections_names_both_sections() -> None:
    found = problems_of(body(section("one", item("a")), section("two", item("a"))))
    assert found == ["模板 demo.json：条目 a：条目键 a 重复（分组 one 中已有同名条目）"]


def test_item_without_key_is_located_by_position() -> None:
    found = problems_of(body(section("main", item("a"), {"type": "yes_no", "label": "x"})))
    assert found == ["模板 demo.json：条目 main 第 2 项：缺少字段 key"]


def test_non_object_item_and_section() -> None:
    found = problems_of(body(section("main", "oops"), "nope"))
    assert any("条目 main 第 1 项：条目应为对象" in p for p in found)
    assert any("分组 第 2 组：分组应为对象" in p for p in found)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"version": 0}, "version 应为不小于 1 的整数"),
        ({"version": "1"}, "字段 version 应为整数"),
        ({"kinds": []}, "kinds 不能为空"),
        ({"kinds": ["surprise"]}, "未知的检查方式 'surprise'"),
        ({"kinds": ["open", "open"]}, "kinds 中 open 重复"),
        ({"key": "Window-Check"}, "字段 key 的值 'Window-Check' 不合规"),
        ({"title": ""}, "title 不能为空"),
        ({"sections": []}, "没有任何分组"),
        ({"titel": "x"}, "未知字段 titel（是不是 title？）"),
    ],
)
def test_top_level_problems(change: dict[str, Any], fragment: str) -> None:
    data = body(section("main", item("a")))
    data.update(change)
    found = problems_of(data)
    assert any(p.startswith("模板 demo.json：") and fragment in p for p in found), found


def test_missing_top_level_fields() -> None:
    found = problems_of({"key": "x"})
    for name in ("title", "version", "kinds", "sections"):
        assert f"模板 demo.json：缺少字段 {name}" in found


def test_top_level_not_an_object() -> None:
    assert problems_of([1, 2]) == ["模板 demo.json：最外层应为对象 {...}"]


def test_section_problems() -> None:
    found = problems_of(
        body(
            section("main", item("a")),
            section("main", item("b")),
            {"key": "empty", "title": "空", "items": []},
            {"key": "notitle", "items": [item("c")], "colour": 1},
        )
    )
    assert "模板 demo.json：分组 main：分组键 main 重复" in found
    assert "模板 demo.json：分组 empty：分组中没有任何条目（items 为空）" in found
    assert "模板 demo.json：分组 notitle：缺少字段 title" in found
    assert any(p.startswith("模板 demo.json：分组 notitle：未知字段 colour") for p in found)


def test_categories_can_be_injected() -> None:
    data = body(section("main", item("a", suggested_finding={"category": "local", "text": "x"})))
    assert parse_template(data, "x.json", categories={"local"}).item("a").suggested_finding
    with pytest.raises(MalformedTemplateError):
        parse_template(data, "x.json")


# --- files ---------------------------------------------------------------------------------


def test_bad_json_names_line_and_column(write_template: Callable[..., Path]) -> None:
    path = write_template('{\n  "key": "x",\n  "title": "标题"\n  "version": 1\n}', "broken.json")
    with pytest.raises(MalformedTemplateError) as info:
        load_template(path)
    (problem,) = info.value.problems
    assert problem.startswith("模板 broken.json：JSON 格式错误（第 4 行第 3 列）")


def test_duplicate_json_keys_are_reported(write_template: Callable[..., Path]) -> None:
    text = json.dumps(body(section("main", item("a"))), ensure_ascii=False)
    text = text.replace(
        '"label": "条目 a"', '"label": "条目 a", "fail": "value == \\"no\\"", "fail": null'
    )
    path = write_template(text, "dup.json")
    with pytest.raises(MalformedTemplateError) as info:
        load_template(path)
    assert info.value.problems == ["模板 dup.json：对象 a 中字段 fail 出现了不止一次"]


def test_nan_is_rejected(write_template: Callable[..., Path]) -> None:
    text = json.dumps(body(section("main", item("a", weight=1))), ensure_ascii=False)
    path = write_template(text.replace('"weight": 1', '"weight": NaN'), "nan.json")
    with pytest.raises(MalformedTemplateError, match="NaN"):
        load_template(path)


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(MalformedTemplateError, match=r"模板 nowhere\.json：无法读取文件"):
        load_template(tmp_path / "nowhere.json")
    bad = tmp_path / "gbk.json"
    bad.write_bytes('{"title": "窗口"}'.encode("gbk"))
    with pytest.raises(MalformedTemplateError, match="UTF-8"):
        load_template(bad)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    text = json.dumps(body(section("main", item("a"))), ensure_ascii=False)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_template(path).key == "demo"


def test_folder_reports_all_files_and_duplicate_versions(tmp_path: Path) -> None:
    good = json.dumps(body(section("main", item("a"))), ensure_ascii=False)
    (tmp_path / "a.json").write_text(good, encoding="utf-8")
    (tmp_path / "b.json").write_text(good, encoding="utf-8")
    (tmp_path / "c.json").write_text("{", encoding="utf-8")
    (tmp_path / "schema.json").write_text('{"not": "a template"}', encoding="utf-8")
    with pytest.raises(MalformedTemplateError) as info:
        load_shipped_templates(tmp_path)
    files = [d.file for d in info.value.details]
    assert files == ["b.json", "c.json"]
    assert "与文件 a.json 重复" in info.value.problems[0]


def test_round_trip_through_json(build: Callable[..., Any]) -> None:
    t = build(item("a", allow_na=True, weight=2), item("b", "single", visible_if='a == "yes"'))
    again = parse_template(json.loads(template_to_json(t)), "again.json")
    assert again == t
    assert again.raw == t.raw


def test_raw_is_a_private_copy() -> None:
    data = body(section("main", item("a")))
    t = parse_template(data, "demo.json")
    data["sections"][0]["items"][0]["label"] = "changed"
    assert t.raw["sections"][0]["items"][0]["label"] == "条目 a"


def test_prefill_marks_one_item_per_record_fact() -> None:
    good = parse_template(body(section("s", item("how", "single", prefill="check_kind"),
                                       item("who", "text", prefill="unit_contact"))), "t.json")
    assert [i.prefill for i in good.items] == ["check_kind", "unit_contact"]
    with pytest.raises(MalformedTemplateError) as info:
        parse_template(body(section("s", item("a", "yes_no", prefill="check_kind"),
                                    item("b", "text", prefill="leader"),
                                    item("c", "text", prefill="unit_contact"),
                                    item("d", "text", prefill="unit_contact"))), "t.json")
    text = str(info.value) + "\n".join(str(p) for p in info.value.problems)
    assert "prefill" in text and "'leader'" in text and "c、d" in text
