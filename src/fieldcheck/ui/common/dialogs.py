"""Questions the app asks. Callers use `dialogs.confirm(...)` through the module, so a test
can replace these with answers instead of a modal dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from fieldcheck.i18n import tr


def confirm(parent: QWidget | None, title: str, text: str, yes: str = "") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    ok = box.addButton(yes or tr("确定"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is ok


def ask_text(parent: QWidget | None, title: str, prompt: str, text: str = "") -> str | None:
    """A line of text, or None when the person cancels."""
    text, ok = QInputDialog.getText(parent, title, prompt, QLineEdit.EchoMode.Normal, text)
    return text if ok else None


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)
