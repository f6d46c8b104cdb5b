"""Every Chinese UI string of the workbench screens has an English translation in en.json."""

from __future__ import annotations

import ast
import json
import string
from pathlib import Path

import fieldcheck.ui
from fieldcheck.paths import resources_dir

UI = Path(fieldcheck.ui.__file__).parent
OTHER_SCREENS = ("notices", "settings")  # translated by their own authors


def ui_strings() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(UI.rglob("*.py")):
        if path.relative_to(UI).parts[0] in OTHER_SCREENS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, f"{path.relative_to(UI)}:{node.lineno}")
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_ui_string_is_translated_with_the_same_fields() -> None:
    catalog = json.loads((resources_dir() / "i18n" / "en.json").read_text(encoding="utf-8"))
    strings = ui_strings()
    assert len(strings) > 150
    missing = [f"{where}: {text}" for text, where in strings.items() if text not in catalog]
    assert missing == []
    mismatched = [text for text in strings if fields(text) != fields(catalog[text])]
    assert mismatched == []
