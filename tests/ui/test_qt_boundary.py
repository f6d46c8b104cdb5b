"""Only the GUI package imports PySide6 (DESIGN §2: ui → domain → models, one way)."""

from __future__ import annotations

import ast
from pathlib import Path

import fieldcheck

PACKAGE = Path(fieldcheck.__file__).parent
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        found += [f"{path.relative_to(PACKAGE)}:{node.lineno} {n}" for n in names
                  if n.split(".")[0] in QT_MODULES]
    return found


def test_pyside6_is_imported_only_under_ui() -> None:
    offenders = [
        hit
        for path in sorted(PACKAGE.rglob("*.py"))
        if "ui" not in path.relative_to(PACKAGE).parts[:1]
        for hit in qt_imports(path)
    ]
    assert offenders == []


def test_the_scan_does_see_the_gui_imports() -> None:
    assert qt_imports(PACKAGE / "ui" / "main_window.py")
