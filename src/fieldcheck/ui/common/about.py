"""关于: what this program is, its version and build, and where it keeps its data."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from fieldcheck.buildinfo import version_text
from fieldcheck.i18n import tr


def about_text(data_dir: Path | None) -> str:
    lines = [version_text(), tr("行政效能监察人员的离线现场检查工作台。")]
    if data_dir is not None:
        lines.append(tr("数据目录：{path}", path=data_dir))
    return "\n\n".join(lines)


def open_about(parent: QWidget, data_dir: Path | None) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, tr("关于"), about_text(data_dir),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("aboutBox")
    box.open()
    return box
