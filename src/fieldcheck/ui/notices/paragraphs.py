"""The notice's body as a list of paragraphs, one editor per paragraph.

The findings table stands in the body as the marker paragraph 〖问题清单〗, and the record's
closing sentence as 〖记录结论〗: each is shown as a fixed block (the table comes from the visit's
findings, the sentence from what happened on site) that can be moved, never edited or deleted.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.i18n import tr
from fieldcheck.notices import FINDINGS_PLACEHOLDER
from fieldcheck.notices.forms import CLOSING_PLACEHOLDER
from fieldcheck.ui.common.style import LINE, MUTED, NAVY
from fieldcheck.ui.notices.data import marker_of

ROW_STYLE = f"""
#paragraphRow {{ background: white; border: 1px solid {LINE}; border-radius: 5px; }}
#paragraphRow[marker="true"] {{ background: #f4f7fb; border: 1px dashed #9fb3cc; }}
#paragraphNo {{ color: {MUTED}; font-size: 9pt; }}
#markerTitle {{ color: {NAVY}; font-weight: 600; }}
QTextEdit#paragraphText {{ border: none; background: transparent; padding: 0; }}
QToolButton {{ border: none; color: {MUTED}; padding: 1px 4px; }}
QToolButton:hover {{ color: {NAVY}; background: #eef1f5; border-radius: 3px; }}
QToolButton:disabled {{ color: #c8ccd2; }}
"""


class GrowingTextEdit(QTextEdit):
    """Plain text that grows to show all its lines (the list scrolls, not each paragraph)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.setObjectName("paragraphText")
        self.setAcceptRichText(False)
        self.setPlainText(text)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.document().contentsChanged.connect(self._fit)

    def _fit(self) -> None:
        self.document().setTextWidth(self.viewport().width())
        height = int(self.document().size().height()) + 2 * self.frameWidth() + 2
        self.setFixedHeight(max(height, self.fontMetrics().lineSpacing() + 12))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def sizeHint(self) -> QSize:
        return QSize(400, self.height())


class ParagraphRow(QFrame):
    edited = Signal()
    move_requested = Signal(object, int)  # row, -1 up / +1 down
    insert_requested = Signal(object)
    remove_requested = Signal(object)

    def __init__(self, text: str, findings_count: int) -> None:
        super().__init__()
        self.setObjectName("paragraphRow")
        self.marker_text = marker_of(text)
        self.marker = bool(self.marker_text)
        self.setProperty("marker", self.marker)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 4, 6)
        layout.setSpacing(6)
        self.number = QLabel()
        self.number.setObjectName("paragraphNo")
        self.number.setFixedWidth(22)
        self.number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.number)
        self.editor: GrowingTextEdit | None = None
        if self.marker:
            layout.addWidget(self._marker_block(findings_count), 1, Qt.AlignmentFlag.AlignTop)
        else:
            self.editor = GrowingTextEdit(text)
            self.editor.textChanged.connect(self.edited)
            layout.addWidget(self.editor, 1, Qt.AlignmentFlag.AlignTop)
        tools = QGridLayout()
        tools.setSpacing(0)
        self.up = self._tool("↑", tr("上移"), lambda: self.move_requested.emit(self, -1))
        self.down = self._tool("↓", tr("下移"), lambda: self.move_requested.emit(self, 1))
        self.insert = self._tool("＋", tr("在下方插入段落"), lambda: self.insert_requested.emit(self))
        self.remove = self._tool("✕", tr("删除本段"), lambda: self.remove_requested.emit(self))
        self.remove.setVisible(not self.marker)
        tools.addWidget(self.up, 0, 0)
        tools.addWidget(self.insert, 0, 1)
        tools.addWidget(self.down, 1, 0)
        tools.addWidget(self.remove, 1, 1)
        tools.setRowStretch(2, 1)
        layout.addLayout(tools)

    def _marker_block(self, findings_count: int) -> QWidget:
        box = QWidget()
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 2, 0, 2)
        inner.setSpacing(2)
        if self.marker_text == CLOSING_PLACEHOLDER:
            title = QLabel(tr("{marker}　此处印出记录结论", marker=CLOSING_PLACEHOLDER))
            hint = QLabel(tr("按下方“记录结论”和“签名”中记下的现场情况写出，不在此处编辑；"
                             "可上下移动位置。"))
        else:
            title = QLabel(tr("{marker}　此处印出问题表格（{n} 项）", marker=FINDINGS_PLACEHOLDER,
                              n=findings_count))
            hint = QLabel(tr("问题、依据、整改要求和期限来自检查记录，不在此处编辑；可上下移动位置。"))
        title.setObjectName("markerTitle")
        inner.addWidget(title)
        hint.setObjectName("help")
        hint.setWordWrap(True)
        inner.addWidget(hint)
        return box

    def _tool(self, text: str, tip: str, slot: object) -> QToolButton:
        tool = QToolButton()
        tool.setText(text)
        tool.setToolTip(tip)
        tool.setCursor(Qt.CursorShape.PointingHandCursor)
        tool.clicked.connect(slot)
        return tool

    def text(self) -> str:
        return self.marker_text if self.editor is None else self.editor.toPlainText().strip()

    def set_read_only(self, read_only: bool) -> None:
        if self.editor is not None:
            self.editor.setReadOnly(read_only)
        for tool in (self.up, self.down, self.insert):
            tool.setVisible(not read_only)
        self.remove.setVisible(not read_only and not self.marker)


class ParagraphList(QWidget):
    """Editable paragraphs; `paragraphs()` gives them back in order, empty ones dropped."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(ROW_STYLE)
        self.rows: list[ParagraphRow] = []
        self.findings_count = 0
        self.read_only = False
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)

    def set_paragraphs(self, paragraphs: list[str] | tuple[str, ...], findings_count: int) -> None:
        for row in self.rows:
            row.deleteLater()
        self.rows = []
        self.findings_count = findings_count
        for text in paragraphs:
            self._add_row(text, len(self.rows))
        self._renumber()

    def paragraphs(self) -> list[str]:
        return [text for text in (row.text() for row in self.rows) if text]

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for row in self.rows:
            row.set_read_only(read_only)
        self._renumber()

    def _add_row(self, text: str, index: int) -> ParagraphRow:
        row = ParagraphRow(text, self.findings_count)
        row.edited.connect(self.edited)
        row.move_requested.connect(self.move_row)
        row.insert_requested.connect(lambda r: self.insert_after(r))
        row.remove_requested.connect(self.remove)
        row.set_read_only(self.read_only)
        self.rows.insert(index, row)
        self._layout.insertWidget(index, row)
        return row

    def insert_after(self, row: ParagraphRow | None, text: str = "") -> ParagraphRow:
        index = self.rows.index(row) + 1 if row is not None else len(self.rows)
        new = self._add_row(text, index)
        self._renumber()
        if new.editor is not None:
            new.editor.setFocus()
        self.edited.emit()
        return new

    def move_row(self, row: ParagraphRow, step: int) -> None:
        index = self.rows.index(row)
        target = index + step
        if not 0 <= target < len(self.rows):
            return
        self.rows.insert(target, self.rows.pop(index))
        self._layout.removeWidget(row)
        self._layout.insertWidget(target, row)
        self._renumber()
        self.edited.emit()

    def remove(self, row: ParagraphRow) -> None:
        if row.marker:
            return
        self.rows.remove(row)
        self._layout.removeWidget(row)
        row.deleteLater()
        self._renumber()
        self.edited.emit()

    def _renumber(self) -> None:
        last = len(self.rows) - 1
        for i, row in enumerate(self.rows):
            row.number.setText(str(i + 1))
            row.up.setEnabled(i > 0)
            row.down.setEnabled(i < last)
