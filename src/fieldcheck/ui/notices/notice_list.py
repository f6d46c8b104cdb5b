"""The visit's notices: type, 文号 or 草稿, status, and when it was made."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from fieldcheck.i18n import tr
from fieldcheck.ui.common.widgets import Badge, label
from fieldcheck.ui.notices.data import NoticeRow

ID_ROLE = Qt.ItemDataRole.UserRole
STATUS_COLOURS = {"draft": "#b26a00", "issued": "#2e7d32", "voided": "#8a8f98"}
CLASH_COLOUR = "#c62828"


def clash_badge() -> Badge:
    """The red 文号重复 tag of a notice whose number the bureau found on another notice."""
    return Badge(tr("文号重复"), CLASH_COLOUR)


def clash_advice() -> str:
    return tr("服务器发现此文号已被另一份文书使用：请“更正”，以新文号重新出具并送达。")


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "#646a73")


class NoticeRowWidget(QWidget):
    def __init__(self, row: NoticeRow) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(3)
        top = QHBoxLayout()
        top.setSpacing(6)
        name = label(row.type_name, "itemLabel")
        top.addWidget(name)
        top.addStretch(1)
        if row.number_clash:
            top.addWidget(clash_badge())
        top.addWidget(Badge(row.status_name, status_colour(row.status)))
        layout.addLayout(top)
        number = label(row.number_text, "muted" if row.is_draft else "")
        if row.status == "voided":
            number.setStyleSheet("color: #8a8f98; text-decoration: line-through;")
        layout.addWidget(number)
        if row.created_at is not None:
            when = row.created_at.astimezone().strftime("%m-%d %H:%M")
            note = tr("{when} 创建", when=when)
            if row.supersedes_id:
                note += tr(" · 更正稿")
            layout.addWidget(label(note, "muted"))
        if row.number_clash:
            layout.addWidget(label(clash_advice(), "failedTag", wrap=True))


class NoticeList(QListWidget):
    """Selecting a row emits `notice_selected` with the notice id."""

    notice_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeList")
        self.setSpacing(2)
        self.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.rows: list[NoticeRow] = []
        self.currentItemChanged.connect(self._current_changed)

    def show_rows(self, rows: tuple[NoticeRow, ...], select_id: str | None) -> None:
        self.blockSignals(True)
        try:
            self.clear()
            self.rows = list(rows)
            for row in reversed(rows):  # newest first
                item = QListWidgetItem()
                item.setData(ID_ROLE, row.id)
                widget = NoticeRowWidget(row)
                # Wrapped lines (a clash's advice) need the height at the list's own width.
                width = max(self.viewport().width(), 200)
                height = (widget.heightForWidth(width) if widget.hasHeightForWidth()
                          else widget.sizeHint().height())
                item.setSizeHint(QSize(200, max(height, widget.sizeHint().height())))
                self.addItem(item)
                self.setItemWidget(item, widget)
        finally:
            self.blockSignals(False)
        target = select_id or (rows[-1].id if rows else None)
        if target is not None:
            self.select_id(target)

    def select_id(self, notice_id: str) -> None:
        for i in range(self.count()):
            if self.item(i).data(ID_ROLE) == notice_id:
                if self.currentRow() == i:
                    self.notice_selected.emit(notice_id)
                else:
                    self.setCurrentRow(i)
                return

    def current_id(self) -> str | None:
        item = self.currentItem()
        return str(item.data(ID_ROLE)) if item is not None else None

    def _current_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.notice_selected.emit(current.data(ID_ROLE))
