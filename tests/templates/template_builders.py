"""Build small template bodies in a few lines (imported by the template tests)."""

from __future__ import annotations

import copy
from typing import Any

BASE: dict[str, Any] = {
    "key": "demo",
    "title": "演示模板",
    "version": 1,
    "kinds": ["open"],
    "description": "测试用",
    "sections": [],
}


def body(*sections: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["sections"] = list(sections)
    return data


def section(key: str, *items: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "title": f"分组 {key}", "items": list(items)}


def item(key: str, type_: str = "yes_no", **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"key": key, "type": type_, "label": f"条目 {key}"}
    if type_ in ("single", "multi") and "options" not in fields:
        data["options"] = [
            {"key": "a", "label": "甲"},
            {"key": "b", "label": "乙"},
            {"key": "c", "label": "丙"},
        ]
    data.update(fields)
    return data
