"""The finding categories a suggested finding may name (resources/finding_categories.json)."""

from __future__ import annotations

import json
from functools import cache

from fieldcheck.errors import TemplateError
from fieldcheck.i18n import tr
from fieldcheck.paths import resources_dir


@cache
def finding_categories() -> dict[str, str]:
    """Category key → Chinese name, in the file's order."""
    path = resources_dir() / "finding_categories.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(c["key"]): str(c["name"]) for c in data["categories"]}
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise TemplateError(
            tr("无法读取问题类别文件 {path}：{error}", path=str(path), error=str(e))
        ) from e


def finding_category_keys() -> frozenset[str]:
    return frozenset(finding_categories())
