"""The one translation mechanism for every user-facing string, Qt or not.

Source strings are Chinese (the primary UI language). A catalog in
resources/i18n/<lang>.json maps a source string to its translation; a missing
entry falls back to the Chinese source. `tr()` also formats `{named}` fields.
"""

from __future__ import annotations

import os
from functools import cache

from fieldcheck.paths import resources_dir

_language = os.environ.get("FIELDCHECK_LANG", "zh")


def set_language(lang: str) -> None:
    global _language
    _language = lang


def language() -> str:
    return _language


@cache
def _catalog(lang: str) -> dict[str, str]:
    path = resources_dir() / "i18n" / f"{lang}.json"
    if not path.exists():
        return {}
    import json  # only for a language other than the source's

    with path.open(encoding="utf-8") as f:
        data = json.load(f)
    return {str(k): str(v) for k, v in data.items()}


def tr(source: str, /, **fields: object) -> str:
    """Translate a Chinese source string into the current language and fill its fields."""
    text = source if _language == "zh" else _catalog(_language).get(source, source)
    return text.format(**fields) if fields else text
