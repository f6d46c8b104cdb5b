"""Questions the app asks. Callers use `dialogs.confirm(...)` through the module, so a test
can replace these with answers instead of a modal dialog."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.i18n import tr
from fieldcheck.ui.common.guard import GuardedDialog
from fieldcheck.ui.common.widgets import label


class TextDialog(GuardedDialog):
    """One line of text (a reason, an edited entry); asks before throwing typing away."""

    def __init__(self, parent: QWidget | None, title: str, prompt: str, text: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.addWidget(label(prompt, wrap=True))
        self.edit = QLineEdit(text)
        layout.addWidget(self.edit)
        box = QDialogButtonBox()
        ok = box.addButton(tr("确定"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("primary")
        box.addButton(tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.mark_clean()


class DayReasonDialog(QDialog):
    """A day and/or a reason: 延期 (new deadline + reason), 复查日期, 重新打开, 改期."""

    def __init__(self, title: str, day_label: str | None, reason_label: str | None,
                 day: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)  # room for a reason a person can read back while typing
        form = QFormLayout(self)
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        start = day or date.today()
        self.day.setDate(QDate(start.year, start.month, start.day))
        self.reason = QLineEdit()
        if day_label is not None:
            form.addRow(day_label, self.day)
        if reason_label is not None:
            form.addRow(reason_label, self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def chosen_day(self) -> date:
        d = self.day.date()
        return date(d.year(), d.month(), d.day())


def confirm(parent: QWidget | None, title: str, text: str, yes: str = "") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    ok = box.addButton(yes or tr("确定"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is ok


def ask_text(parent: QWidget | None, title: str, prompt: str, text: str = "") -> str | None:
    """A line of text, or None when the person cancels."""
    dialog = TextDialog(parent, title, prompt, text)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    typed = dialog.edit.text()
    dialog.deleteLater()
    return typed if accepted else None


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)
