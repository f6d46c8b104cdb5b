"""One checklist item: its question, answer editor, note, and — when it fails — the way to
record it as a finding; while its answer contradicts another (a constraint), why."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from fieldcheck.i18n import tr
from fieldcheck.templates import Item
from fieldcheck.ui.checklist.editors import TYPING_PAUSE_MS, PhotoEditor, editor_for
from fieldcheck.ui.common.widgets import button, label, set_read_only


class ItemCard(QFrame):
    answered = Signal(str, object)  # item key, value
    noted = Signal(str, str)  # item key, note
    finding_requested = Signal(str)
    photos_requested = Signal(str)

    def __init__(self, item: Item, number: str) -> None:
        super().__init__()
        self.item = item
        self.setObjectName("itemCard")
        self.setProperty("failed", False)
        self.setProperty("missing", False)
        self.setProperty("violated", False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)
        layout.addLayout(self._title_row(number))
        if item.help:
            layout.addWidget(label(item.help, "help", wrap=True))
        self.editor = editor_for(item)
        self.editor.changed.connect(lambda value: self.answered.emit(item.key, value))
        if isinstance(self.editor, PhotoEditor):
            self.editor.add_photos.connect(lambda: self.photos_requested.emit(item.key))
        layout.addWidget(self.editor)
        # Shown while a constraint on this item, or naming it, is false (ChecklistView).
        self.constraint_note = label("", "constraintMessage", wrap=True)
        self.constraint_note.setContentsMargins(8, 4, 8, 4)  # counted in the wrapped height
        self.constraint_note.hide()
        layout.addWidget(self.constraint_note)
        layout.addLayout(self._bottom_row())
        self._saved_note = ""

    def _title_row(self, number: str) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(6)
        self.title = label(f"{number}  {self.item.label}", "itemLabel", wrap=True)
        self.number = number
        row.addWidget(self.title, 1)
        if self.item.required:
            mark = label(tr("必答"), "required")
            mark.setToolTip(tr("结束检查前必须回答"))
            row.addWidget(mark)
        self.failed_tag = label(tr("不合格"), "failedTag")
        self.failed_tag.hide()
        row.addWidget(self.failed_tag)
        return row

    def _bottom_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr("备注（可选）"))
        self.note.setClearButtonEnabled(True)
        self._note_timer = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._note_timer.timeout.connect(self.flush_note)
        self.note.textEdited.connect(
            lambda _t: None if self._note_timer.isActive() else self._note_timer.start())
        self.note.installEventFilter(self)
        row.addWidget(self.note, 1)
        self.photo_info = QLabel()
        self.photo_info.setObjectName("muted")
        row.addWidget(self.photo_info)
        self.add_photo = button(tr("附照片"), "link", tip=tr("为本条目添加证据照片"))
        self.add_photo.clicked.connect(lambda: self.photos_requested.emit(self.item.key))
        self.add_photo.setVisible(self.item.photo_on_fail and self.item.type != "photo")
        row.addWidget(self.add_photo)
        self.to_finding: QPushButton = button(tr("记为问题"), "primary")
        self.to_finding.setToolTip(tr("按照本条目的建议，新建一条问题记录"))
        self.to_finding.clicked.connect(lambda: self.finding_requested.emit(self.item.key))
        self.to_finding.hide()
        row.addWidget(self.to_finding)
        return row

    def set_number(self, number: str) -> None:
        """Numbers count shown items only, so they change as items appear and disappear."""
        if number != self.number:
            self.number = number
            self.title.setText(f"{number}  {self.item.label}")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note and event.type() == QEvent.Type.FocusOut:
            self.flush_note()
        return super().eventFilter(watched, event)

    def flush_note(self) -> None:
        self._note_timer.stop()
        text = self.note.text().strip()
        if text != self._saved_note:
            self._saved_note = text
            self.noted.emit(self.item.key, text)

    def show_answer(self, value: Any, note: str) -> None:
        self.editor.set_value(value)
        self._saved_note = note
        if self.note.text() != note:
            self.note.setText(note)

    def mark_missing(self, missing: bool) -> None:
        """Outline a required item that is still unanswered (after 结束检查 was refused)."""
        if bool(self.property("missing")) != missing:
            self.setProperty("missing", missing)
            self.style().unpolish(self)
            self.style().polish(self)

    def show_constraint(self, message: str) -> None:
        """Say why the answer cannot stand as it is; an empty message clears it."""
        violated = bool(message)
        if self.constraint_note.text() != message:
            self.constraint_note.setText(message)
        self.constraint_note.setVisible(violated)
        if bool(self.property("violated")) != violated:
            self.setProperty("violated", violated)
            self.style().unpolish(self)
            self.style().polish(self)

    def show_status(self, failed: bool, photos: int, read_only: bool) -> None:
        if bool(self.property("failed")) != failed:
            self.setProperty("failed", failed)
            self.style().unpolish(self)
            self.style().polish(self)
        self.failed_tag.setVisible(failed)
        self.to_finding.setVisible(failed and not read_only)
        needs_photo = self.item.photo_on_fail and self.item.type != "photo"
        self.add_photo.setVisible(needs_photo and not read_only)
        info = tr("照片 {n} 张", n=photos) if photos else ""
        if needs_photo and failed and not photos:
            info = tr("需附照片")
        self.photo_info.setText(info)
        self.photo_info.setVisible(bool(info))
        self.editor.set_read_only(read_only)
        set_read_only(self.note, read_only)
        self.note.setPlaceholderText("" if read_only else tr("备注（可选）"))
