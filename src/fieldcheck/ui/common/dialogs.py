"""Questions the app asks. Callers use `dialogs.confirm(...)` through the module, so a test
can replace these with answers instead of a modal dialog."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
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
