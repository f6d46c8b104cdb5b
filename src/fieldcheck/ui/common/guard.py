"""Dialogs that never throw typed work away without asking.

Esc, the window's close button and 取消 all end in `reject()`. A `GuardedDialog` with unsaved
text asks first: 保存草稿 (when the dialog can keep one), 放弃, or 继续编辑 (the default, and
what Esc on the question itself means). The question is window-modal and non-blocking, so the
dialog stays responsive and tests can answer it like a person.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from fieldcheck.i18n import tr

IGNORE_PROPERTY = "unsavedIgnore"  # set on search boxes: their text is not work to keep

KEEP_DRAFT, DISCARD, KEEP_EDITING = "draft", "discard", "edit"


def ignore_for_unsaved(widget: QWidget) -> QWidget:
    widget.setProperty(IGNORE_PROPERTY, True)
    return widget


def typed_texts(root: QWidget) -> dict[int, str]:
    """The text of every editable text field under root, keyed by the field's identity."""
    texts: dict[int, str] = {}
    for widget in root.findChildren(QWidget):
        if widget.property(IGNORE_PROPERTY):
            continue
        if isinstance(widget, QLineEdit):
            parent = widget.parentWidget()
            if isinstance(parent, QAbstractSpinBox) or (isinstance(parent, QComboBox) and not parent.isEditable()):
                continue
            if isinstance(parent, QComboBox) and parent.property(IGNORE_PROPERTY):
                continue
            if not widget.isReadOnly():
                texts[id(widget)] = widget.text()
        elif isinstance(widget, QPlainTextEdit | QTextEdit) and not widget.isReadOnly():
            texts[id(widget)] = widget.toPlainText()
    return texts


class GuardedDialog(QDialog):
    """Call `mark_clean()` once the dialog shows its starting values; override
    `has_unsaved()` for work that is not text (a signature), and `can_keep_draft()` with
    `keep_draft()` when the dialog can keep what is typed for later."""

    discarded = Signal()  # the person chose 放弃

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clean: dict[int, str] = {}
        self._closing = False
        self.outcome = ""  # KEEP_DRAFT or DISCARD once closed through the question
        self.question: QMessageBox | None = None

    def showEvent(self, event: QShowEvent) -> None:
        self._closing, self.outcome = False, ""
        super().showEvent(event)

    def mark_clean(self) -> None:
        self._clean = typed_texts(self)

    def has_unsaved(self) -> bool:
        now = typed_texts(self)
        return any(text.strip() and self._clean.get(key) != text for key, text in now.items())

    def can_keep_draft(self) -> bool:
        return False

    def keep_draft(self) -> None:
        """Keep what is typed for later (only called when can_keep_draft())."""

    def unsaved_text(self) -> str:
        return tr("“{title}”中有尚未保存的内容。", title=self.windowTitle())

    def reject(self) -> None:
        if self._closing or not self.isVisible() or not self.has_unsaved():
            super().reject()
            return
        if self.question is not None and self.question.isVisible():
            return
        self._ask()

    def _ask(self) -> None:
        draft = self.can_keep_draft()
        detail = (tr("保存草稿：关闭窗口，内容留在本机，下次打开时恢复。\n放弃：关闭窗口，输入的内容不再保留。")
                  if draft else tr("放弃：关闭窗口，输入的内容不再保留。"))
        box = QMessageBox(QMessageBox.Icon.Question, tr("尚未保存"), self.unsaved_text(), parent=self)
        box.setInformativeText(detail)
        box.setStyleSheet("QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel { min-width: 360px; }")
        buttons: dict[QAbstractButton, str] = {}
        if draft:
            keep = box.addButton(tr("保存草稿"), QMessageBox.ButtonRole.AcceptRole)
            buttons[keep] = KEEP_DRAFT
        drop = box.addButton(tr("放弃"), QMessageBox.ButtonRole.DestructiveRole)
        buttons[drop] = DISCARD
        stay = box.addButton(tr("继续编辑"), QMessageBox.ButtonRole.RejectRole)
        buttons[stay] = KEEP_EDITING
        box.setDefaultButton(stay)  # type: ignore[arg-type]
        box.setEscapeButton(stay)
        box.buttonClicked.connect(lambda button: self._answered(buttons.get(button, KEEP_EDITING)))
        self.question = box
        box.open()

    def _answered(self, choice: str) -> None:
        if choice == KEEP_EDITING:
            return
        if choice == KEEP_DRAFT:
            self.keep_draft()
        else:
            self.discarded.emit()
        self.outcome = choice
        self._closing = True
        super().reject()
