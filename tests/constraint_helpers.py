"""A 涉企行政处罚案卷 template whose sampled files may not exceed the cases (a constraint)."""

from __future__ import annotations

from typing import Any

SAMPLED_MESSAGE = "抽查案卷数量不能超过检查时段内的案件总数。"
SAMPLED_WITHIN_TOTAL = {"constraint": "value <= cases_total", "constraint_message": SAMPLED_MESSAGE}


def penalty_body(key: str, title: str, constraint: dict[str, Any]) -> dict[str, Any]:
    """案件总数 then 抽查案卷数量 (carrying `constraint`), then a free 备注."""
    return {
        "key": key,
        "title": title,
        "version": 1,
        "kinds": ["project"],
        "sections": [{"key": "scope", "title": "一、检查范围", "items": [
            {"key": "cases_total", "type": "number", "label": "检查时段内涉企行政处罚案件总数",
             "unit": "件", "min": 0, "required": True},
            {"key": "files_sampled", "type": "number", "label": "抽查案卷数量", "unit": "件",
             "min": 0, "required": True, **constraint},
            {"key": "remarks", "type": "text", "label": "备注"},
        ]}],
    }
