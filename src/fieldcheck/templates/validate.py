"""`parse_template`: the one validator that turns a template's JSON body into a Template.

It checks structure, field types, keys, options, categories and conditions, collects every
problem with its place (file, section, item), and raises MalformedTemplateError listing
them all. A body that passes is deep-copied into `Template.raw`, so later changes to the
caller's dict cannot make the typed view and the pinned body disagree.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from typing import Any

from fieldcheck.i18n import tr
from fieldcheck.templates.categories import finding_category_keys
from fieldcheck.templates.expr import FUNCTIONS, KEYWORDS, VALUE_NAME, Expression
from fieldcheck.templates.model import (
    DEFAULT_YES_NO_FAIL,
    ITEM_TYPES,
    MULTI,
    NUMBER,
    PREFILL_FIELDS,
    SEVERITIES,
    SINGLE,
    TEXT,
    VISIT_KINDS,
    YES_NO,
    Item,
    Option,
    Section,
    SuggestedFinding,
    Template,
)
from fieldcheck.templates.problems import (
    ProblemSink,
    Report,
    check_slug,
    check_text,
    read_fields,
)
from fieldcheck.templates.references import KnownItem, check_condition

_TOP_FIELDS = {
    "$schema": "str",  # lets editors find schema.json; ignored otherwise
    "key": "str",
    "title": "str",
    "version": "int",
    "kinds": "list",
    "description": "str",
    "sections": "list",
}
_SECTION_FIELDS = {"key": "str", "title": "str", "description": "str", "items": "list"}
_ITEM_FIELDS = {
    "key": "str",
    "type": "str",
    "label": "str",
    "help": "str",
    "required": "bool",
    "weight": "number",
    "options": "list",
    "unit": "str",
    "min": "number",
    "max": "number",
    "allow_na": "bool",
    "fail": "expr",
    "suggested_finding": "object",
    "photo_on_fail": "bool",
    "visible_if": "str",
    "prefill": "str",
    "constraint": "str",
    "constraint_message": "str",
}
_OPTION_FIELDS = {"key": "str", "label": "str"}
_FINDING_FIELDS = {
    "category": "str",
    "text": "str",
    "basis": "str",
    "requirement": "str",
    "severity": "str",
}
# Fields that only mean something for some item types.
_ONLY_FOR = {
    "options": (SINGLE, MULTI),
    "unit": (NUMBER,),
    "min": (NUMBER,),
    "max": (NUMBER,),
    "allow_na": (YES_NO,),
    "prefill": (SINGLE, MULTI, TEXT),
}
# An item key is also a name in conditions, so it cannot be a word of the language.
_RESERVED_KEYS = KEYWORDS | set(FUNCTIONS) | {VALUE_NAME}


def parse_template(
    data: object, source_name: str, categories: Collection[str] | None = None
) -> Template:
    """Validate a template body (already JSON-decoded) and build its typed view.

    `source_name` names the body in messages (a file name, or "key v3" for a pinned body).
    `categories` defaults to the keys of resources/finding_categories.json.
    """
    sink = ProblemSink(source_name)
    top_report = sink.at()
    if not isinstance(data, dict):
        top_report(tr("最外层应为对象 {...}"))
        sink.raise_if_any()
    assert isinstance(data, dict)
    cats = finding_category_keys() if categories is None else frozenset(categories)
    top = read_fields(
        data, _TOP_FIELDS, ("key", "title", "version", "kinds", "sections"), top_report
    )
    check_slug(top.get("key"), "key", top_report)
    check_text(top.get("title"), "title", top_report)
    version = top.get("version")
    if isinstance(version, int) and version < 1:
        top_report(tr("字段 version 应为不小于 1 的整数，实际为 {value}", value=version))
    kinds = _parse_kinds(top.get("kinds"), top_report)
    raw_sections = top.get("sections")
    if isinstance(raw_sections, list) and not raw_sections:
        top_report(tr("模板没有任何分组（sections 为空）"))
    raw_sections = raw_sections if isinstance(raw_sections, list) else []

    known = _collect_item_keys(raw_sections, sink)
    sections: list[Section] = []
    section_keys: set[str] = set()
    for s_index, raw_section in enumerate(raw_sections, start=1):
        section = _parse_section(raw_section, s_index, known, cats, section_keys, sink)
        if section is not None:
            sections.append(section)
    for field in PREFILL_FIELDS:
        marked = [i.key for s in sections for i in s.items if i.prefill == field]
        if len(marked) > 1:
            top_report(tr("prefill {field} 只能标在一个条目上，实际标在：{keys}", field=field,
                          keys="、".join(marked)))
    sink.raise_if_any()
    return Template(
        key=top["key"],
        title=top["title"],
        version=top["version"],
        kinds=kinds,
        description=top.get("description", ""),
        sections=tuple(sections),
        source_name=source_name,
        raw=copy.deepcopy(data),
    )


def _parse_kinds(value: object, report: Report) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    if not value:
        report(
            tr(
                "字段 kinds 不能为空：至少写一种检查方式（{allowed}）",
                allowed="、".join(VISIT_KINDS),
            )
        )
    seen: list[str] = []
    for kind in value:
        if kind not in VISIT_KINDS:
            report(
                tr(
                    "字段 kinds 中有未知的检查方式 {kind}（可用：{allowed}）",
                    kind=repr(kind),
                    allowed="、".join(VISIT_KINDS),
                )
            )
        elif kind in seen:
            report(tr("字段 kinds 中 {kind} 重复", kind=kind))
        else:
            seen.append(kind)
    return tuple(seen)


def _section_label(raw: object, index: int) -> str:
    key = raw.get("key") if isinstance(raw, dict) else None
    return key if isinstance(key, str) and key else tr("第 {n} 组", n=index)


def _item_label(raw: object, section_label: str, index: int) -> str:
    key = raw.get("key") if isinstance(raw, dict) else None
    return (
        key
        if isinstance(key, str) and key
        else tr("{section} 第 {n} 项", section=section_label, n=index)
    )


def _collect_item_keys(raw_sections: list[Any], sink: ProblemSink) -> dict[str, KnownItem]:
    """First pass: every item key with its position, so conditions can be checked in pass two."""
    known: dict[str, KnownItem] = {}
    first_seen: dict[str, str] = {}
    position = 0
    for s_index, raw_section in enumerate(raw_sections, start=1):
        s_label = _section_label(raw_section, s_index)
        items = raw_section.get("items") if isinstance(raw_section, dict) else None
        for raw_item in items if isinstance(items, list) else []:
            position += 1
            key = raw_item.get("key") if isinstance(raw_item, dict) else None
            if not isinstance(key, str):
                continue
            if key in known:
                sink.at(s_label, key)(
                    tr(
                        "条目键 {key} 重复（分组 {section} 中已有同名条目）",
                        key=key,
                        section=first_seen[key],
                    )
                )
                continue
            options = raw_item.get("options")
            option_keys = tuple(
                o["key"]
                for o in (options if isinstance(options, list) else [])
                if isinstance(o, dict) and isinstance(o.get("key"), str)
            )
            known[key] = KnownItem(position, str(raw_item.get("type")), option_keys)
            first_seen[key] = s_label
    return known


def _parse_section(
    raw: object,
    index: int,
    known: Mapping[str, KnownItem],
    categories: frozenset[str],
    section_keys: set[str],
    sink: ProblemSink,
) -> Section | None:
    label = _section_label(raw, index)
    report = sink.at(section=label)
    if not isinstance(raw, dict):
        report(tr("分组应为对象 {...}"))
        return None
    fields = read_fields(raw, _SECTION_FIELDS, ("key", "title", "items"), report)
    key = fields.get("key")
    if check_slug(key, "key", report):
        if key in section_keys:
            report(tr("分组键 {key} 重复", key=key))
        section_keys.add(key)
    check_text(fields.get("title"), "title", report)
    raw_items = fields.get("items", [])
    if isinstance(raw_items, list) and not raw_items:
        report(tr("分组中没有任何条目（items 为空）"))
    items = []
    for i_index, raw_item in enumerate(raw_items, start=1):
        item_label = _item_label(raw_item, label, i_index)
        item = _parse_item(raw_item, label, known, categories, sink.at(label, item_label))
        if item is not None:
            items.append(item)
    return Section(
        key=str(key),
        title=str(fields.get("title", "")),
        items=tuple(items),
        description=fields.get("description", ""),
    )


def _parse_item(
    raw: object,
    section_key: str,
    known: Mapping[str, KnownItem],
    categories: frozenset[str],
    report: Report,
) -> Item | None:
    if not isinstance(raw, dict):
        report(tr("条目应为对象 {...}"))
        return None
    f = read_fields(raw, _ITEM_FIELDS, ("key", "type", "label"), report)
    key: str = f.get("key", "")
    if "key" in f and check_slug(key, "key", report) and key in _RESERVED_KEYS:
        report(tr("条目键 {key} 是表达式的保留字，请换一个", key=key))
    check_text(f.get("label"), "label", report)
    item_type = f.get("type")
    if item_type is not None and item_type not in ITEM_TYPES:
        report(
            tr(
                "未知的条目类型 {type}（可用：{allowed}）",
                type=repr(item_type),
                allowed="、".join(ITEM_TYPES),
            )
        )
        item_type = None
    if item_type is not None:
        for name, types in _ONLY_FOR.items():
            if name in raw and item_type not in types:
                report(
                    tr(
                        "字段 {field} 只适用于 {types} 类型的条目",
                        field=name,
                        types="、".join(types),
                    )
                )
    options = _parse_options(f.get("options"), item_type, "options" in raw, report)
    weight = f.get("weight", 0)
    if weight < 0:
        report(tr("字段 weight 不能为负数，实际为 {value}", value=weight))
    minimum, maximum = f.get("min"), f.get("max")
    if minimum is not None and maximum is not None and minimum > maximum:
        report(tr("字段 min（{min}）大于 max（{max}）", min=minimum, max=maximum))

    fail_source = f.get("fail", DEFAULT_YES_NO_FAIL if item_type == YES_NO else None)
    fail = (
        check_condition(fail_source, "fail", key, known, report)
        if fail_source is not None
        else None
    )
    visible_if = None
    if "visible_if" in f:
        visible_if = check_condition(f["visible_if"], "visible_if", key, known, report)
    constraint = _parse_constraint(f, raw.keys(), key, known, report)
    finding = _parse_finding(f.get("suggested_finding"), categories, report)
    prefill = f.get("prefill", "")
    if prefill and prefill not in PREFILL_FIELDS:
        report(tr("字段 prefill 的值 {value} 未知（可用：{allowed}）", value=repr(prefill),
                  allowed="、".join(PREFILL_FIELDS)))
    if fail_source is None:
        for name in ("suggested_finding", "photo_on_fail"):
            if name in f and f[name]:
                report(tr("字段 {field} 需要 fail 条件，但本条目没有 fail 条件", field=name))
    return Item(
        key=key,
        type=item_type or "",
        label=f.get("label", ""),
        section_key=section_key,
        help=f.get("help", ""),
        required=f.get("required", False),
        weight=weight,
        options=options,
        unit=f.get("unit", ""),
        minimum=minimum,
        maximum=maximum,
        allow_na=f.get("allow_na", False),
        fail=fail,
        suggested_finding=finding,
        photo_on_fail=f.get("photo_on_fail", False),
        visible_if=visible_if,
        prefill=prefill if prefill in PREFILL_FIELDS else "",
        constraint=constraint,
        constraint_message=f.get("constraint_message", "") if constraint is not None else "",
    )


def _parse_constraint(
    f: Mapping[str, Any],
    present: Collection[str],
    key: str,
    known: Mapping[str, KnownItem],
    report: Report,
) -> Expression | None:
    """`constraint` with the `constraint_message` an inspector reads while it is false.

    `present` are the fields the item has, well-typed or not (a wrong type is reported
    already and is not reported again as missing).
    """
    source, message = f.get("constraint"), f.get("constraint_message")
    if "constraint" not in present:
        if "constraint_message" in present:
            report(tr("字段 constraint_message 需要 constraint 条件，但本条目没有 constraint"))
        return None
    if "constraint_message" not in present:
        report(tr("字段 constraint 需要 constraint_message：告诉检查员答案哪里不合理、应如何改正"))
    elif message is not None:
        check_text(message, "constraint_message", report)
    if source is None:
        return None
    constraint = check_condition(source, "constraint", key, known, report)
    if constraint is not None and not any(
        n.name in (key, VALUE_NAME) for n in constraint.names
    ):
        report(
            tr(
                "字段 constraint 没有读本条目的答案（写 value 或 {key}）：约束检查的是本条目的答案是否合理",
                key=key,
            )
        )
        return None
    return constraint


def _parse_options(
    value: list[Any] | None, item_type: str | None, present: bool, report: Report
) -> tuple[Option, ...]:
    if value is None:
        if item_type in (SINGLE, MULTI) and not present:  # a wrong type is reported already
            report(tr("{type} 类型的条目必须有 options 选项列表", type=item_type))
        return ()
    if item_type in (SINGLE, MULTI) and len(value) < 2:
        report(tr("options 至少要有 2 个选项"))
    options: list[Option] = []
    seen: set[str] = set()
    for index, raw in enumerate(value, start=1):
        where = tr("第 {n} 个选项", n=index)

        def report_option(problem: str, where: str = where) -> None:
            report(tr("options {where}：{problem}", where=where, problem=problem))

        if not isinstance(raw, dict):
            report_option(tr('选项应为对象 {"key": ..., "label": ...}'))
            continue
        f = read_fields(raw, _OPTION_FIELDS, ("key", "label"), report_option)
        key = f.get("key")
        if check_slug(key, "key", report_option):
            if key in seen:
                report_option(tr("选项键 {key} 重复", key=key))
            seen.add(key)
        if check_text(f.get("label"), "label", report_option) and isinstance(key, str):
            options.append(Option(key, f["label"]))
    return tuple(options)


def _parse_finding(
    value: dict[str, Any] | None, categories: frozenset[str], report: Report
) -> SuggestedFinding | None:
    if value is None:
        return None

    def report_finding(problem: str) -> None:
        report(tr("suggested_finding：{problem}", problem=problem))

    f = read_fields(value, _FINDING_FIELDS, ("category", "text"), report_finding)
    category = f.get("category")
    if category is not None and category not in categories:
        allowed = "、".join(sorted(categories))
        report_finding(
            tr(
                "未知的问题类别 {category}（可用：{allowed}）",
                category=repr(category),
                allowed=allowed,
            )
        )
    check_text(f.get("text"), "text", report_finding)
    severity = f.get("severity", "minor")
    if severity not in SEVERITIES:
        report_finding(
            tr(
                "未知的严重程度 {severity}（可用：{allowed}）",
                severity=repr(severity),
                allowed="、".join(SEVERITIES),
            )
        )
    return SuggestedFinding(
        category=str(category),
        text=f.get("text", ""),
        basis=f.get("basis", ""),
        requirement=f.get("requirement", ""),
        severity=severity,
    )
