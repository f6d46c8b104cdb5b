"""`fieldcheck about`: what this installation is and where it finds what it needs.

For the person who installs or supports the app: the version and build, the resources, the
data folder, the fonts notices are set in, and Qt's side (plugins, image formats, Chinese
catalogs). A frozen bundle is checked with it (packaging/tests).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from fieldcheck.buildinfo import build_info, version_text
from fieldcheck.i18n import tr
from fieldcheck.paths import default_data_dir, resources_dir


def _fonts() -> dict[str, str]:
    from fieldcheck.notices.fontfiles import ROLE_NAMES, FontRole
    from fieldcheck.notices.fonts import FontError, font_book

    book = font_book()
    out: dict[str, str] = {}
    for role in FontRole:
        try:
            font = book.font(role)
        except FontError:
            out[ROLE_NAMES[role]] = ""
            continue
        out[ROLE_NAMES[role]] = str(font.path)
    return out


def about_report(data_dir: Path | None = None) -> dict[str, Any]:
    info = build_info()
    report: dict[str, Any] = {
        "version": info.version,
        "build": info.build,
        "target": info.target,
        "frozen": info.frozen,
        "executable": sys.executable,
        "resources": str(resources_dir()),
        "data_dir": str(data_dir or default_data_dir()),
        "fonts": _fonts(),
    }
    from fieldcheck.ui.common.qt_report import qt_report

    report["qt"] = qt_report()
    return report


def about_lines(report: dict[str, Any]) -> list[str]:
    qt = report["qt"]
    lines = [version_text(),
             tr("程序：{path}", path=report["executable"]),
             tr("资源目录：{path}", path=report["resources"]),
             tr("数据目录：{path}", path=report["data_dir"]),
             tr("文书字体：")]
    for role, path in report["fonts"].items():
        lines.append(f"  {role}: {path or tr('（未找到）')}")
    lines += [tr("Qt {version}，插件目录：{path}", version=qt["version"], path=qt["plugins"]),
              tr("  显示平台：{names}", names="、".join(qt["platforms"])),
              tr("  图片格式：{names}", names="、".join(qt["image_formats"])),
              tr("  打印支持：{names}", names="、".join(qt["print_support"]) or tr("（无）")),
              tr("  Qt 中文译文：{names}", names="、".join(qt["zh_catalogs"]) or tr("（未找到）"))]
    return lines
