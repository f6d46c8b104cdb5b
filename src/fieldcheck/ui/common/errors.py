"""Errors reach the person one way: `show_exception(parent, exc)`.

A FieldCheckError already carries a translated message saying what happened and what to do
(and, for a ValidationError, the exact list of problems). Anything else is a bug: the person
gets a calm generic message and a "复制详情" button; the traceback goes to the log file.
Uncaught exceptions come here through ui/common/hooks.py.
"""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.errors import FieldCheckError
from fieldcheck.i18n import tr

log = logging.getLogger(__name__)


def gui_message(exc: BaseException) -> str:
    """The message, with what to click in the app when the error says so."""
    advice = getattr(exc, "gui_advice", "")
    return f"{exc}{advice}" if advice else str(exc)


def details_of(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


class ErrorDialog(QDialog):
    """What went wrong, the list of problems if any, and a way to copy the details."""

    def __init__(self, parent: QWidget | None, exc: BaseException) -> None:
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.exc = exc
        known = isinstance(exc, FieldCheckError)
        self.setWindowTitle(tr("提示") if known else tr("出错了"))
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        head = QHBoxLayout()
        head.setSpacing(14)
        icon = QLabel()
        kind = QStyle.StandardPixmap.SP_MessageBoxWarning if known else QStyle.StandardPixmap.SP_MessageBoxCritical
        icon.setPixmap(self.style().standardIcon(kind).pixmap(36, 36))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        head.addWidget(icon)
        self.message = QLabel(gui_message(exc) if known else tr(
            "程序遇到了一个意外错误，刚才的操作可能没有完成。已保存的内容不受影响。"
            "请点击“复制详情”，把内容发给技术支持。"))
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head.addWidget(self.message, 1)
        layout.addLayout(head)
        self.problems = QListWidget()
        self.problems.setObjectName("problemList")
        self.problems.setWordWrap(True)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for problem in getattr(exc, "problems", []) or []:
            self.problems.addItem(f"• {problem}")
        self.problems.setVisible(self.problems.count() > 0)
        line = self.fontMetrics().lineSpacing() + 12
        self.problems.setMinimumHeight(min(self.problems.count(), 12) * line + 8)
        layout.addWidget(self.problems)
        self.details = QPlainTextEdit(details_of(exc))
        self.details.setReadOnly(True)
        self.details.setVisible(False)
        layout.addWidget(self.details)
        layout.addLayout(self._buttons(known))

    def _buttons(self, known: bool) -> QHBoxLayout:
        row = QHBoxLayout()
        if not known:
            copy = QPushButton(tr("复制详情"))
            copy.clicked.connect(self.copy_details)
            row.addWidget(copy)
            show = QPushButton(tr("显示详情"))
            show.setCheckable(True)
            show.toggled.connect(self.details.setVisible)
            row.addWidget(show)
        row.addStretch(1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        box.button(QDialogButtonBox.StandardButton.Ok).setText(tr("确定"))
        box.accepted.connect(self.accept)
        row.addWidget(box)
        return row

    def problem_texts(self) -> list[str]:
        return [self.problems.item(i).text().removeprefix("• ") for i in range(self.problems.count())]

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(details_of(self.exc))


_shown: set[ErrorDialog] = set()


def show_exception(parent: QWidget | None, exc: BaseException, *, block: bool = False) -> ErrorDialog:
    """Show exc to the person. Non-blocking by default (window-modal), so work can go on."""
    if not isinstance(exc, FieldCheckError):
        log.error("unexpected error", exc_info=exc)
    parent = parent or QApplication.activeWindow()
    dialog = ErrorDialog(parent, exc)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # A dialog without a parent belongs to Python: keep it alive until it is closed.
    _shown.add(dialog)
    dialog.finished.connect(lambda _r: _shown.discard(dialog))
    if block:
        dialog.exec()
    else:
        dialog.open()
    return dialog


def open_error_dialogs() -> list[ErrorDialog]:
    """Error dialogs on screen now (tests and the shell use this)."""
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog) and w.isVisible()]
