"""The 观察记录 tab: a timed log for unannounced visits.

One key logs a quick entry (the keys of resources/quick_codes.json, 1–9) while the log has
focus; free text is logged with Enter. Each entry is stamped with the time it was saved.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.domain.observations import QuickCode, quick_codes
from fieldcheck.i18n import tr
from fieldcheck.models.coltypes import utcnow
from fieldcheck.ui.common import dialogs
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.widgets import button, label
from fieldcheck.ui.observations import data
from fieldcheck.ui.observations.data import ObservationRow

ROW_ID = Qt.ItemDataRole.UserRole


def local_hhmm(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


class ObservationPanel(QWidget):
    changed = Signal(int)  # number of entries

    def __init__(self, ctx: AppContext, visit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visit_id = visit_id
        self.read_only = True
        self.started_at: datetime | None = None
        self.rows: list[ObservationRow] = []
        self.codes: dict[str, QuickCode] = {}
        self.quick_buttons: list[QPushButton] = []
        self.unit_kind: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(self._head())
        layout.addLayout(self._quick_grid())
        layout.addLayout(self._free_entry())
        self.log = QTreeWidget()
        self.log.setObjectName("observationLog")
        self.log.setHeaderLabels([tr("时间"), tr("记录"), tr("记录人")])
        self.log.setRootIsDecorated(False)
        self.log.setAlternatingRowColors(True)
        self.log.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.log.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.log.setColumnWidth(0, 80)
        self.log.setColumnWidth(2, 140)
        self.log.itemDoubleClicked.connect(lambda item, _c: self.edit_entry(item))
        layout.addWidget(self.log, 1)
        for watched in (self, self.log):
            watched.installEventFilter(self)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._clock = QTimer(self, interval=20_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()

    def _head(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(label(tr("现场观察记录"), "pageTitle"))
        row.addStretch(1)
        self.clock = label("", "bigNumber")
        row.addWidget(self.clock)
        return row

    def _quick_grid(self) -> QGridLayout:
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(6)
        self.quick_hint = label(tr("提示：焦点在记录列表上时，直接按数字键即可记录对应情况。"), "muted")
        self.set_unit_kind("")
        return self.grid

    def set_unit_kind(self, unit_kind: str) -> None:
        """Offer the quick entries that fit the inspected unit (window, department, …)."""
        if unit_kind == self.unit_kind:
            return
        self.unit_kind = unit_kind
        for old in self.quick_buttons:
            self.grid.removeWidget(old)
            old.deleteLater()
        self.quick_buttons = []
        codes = quick_codes(unit_kind)
        self.codes = {q.key: q for q in codes if q.key}
        for n, code in enumerate(codes):
            text = f"{code.key}   {code.text}" if code.key else code.text
            quick = button(text, "quick", tip=tr("快捷键 {key}：立即记录并标注时间", key=code.key))
            quick.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            quick.clicked.connect(lambda _c=False, q=code: self.add_quick(q))
            quick.setEnabled(not self.read_only)
            self.quick_buttons.append(quick)
            self.grid.addWidget(quick, n // 3, n % 3)
        self.grid.removeWidget(self.quick_hint)
        self.grid.addWidget(self.quick_hint, (len(self.quick_buttons) + 2) // 3, 0, 1, 3)

    def _free_entry(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.entry = QLineEdit()
        self.entry.setPlaceholderText(tr("自由记录：输入看到的情况，按回车保存（自动记录时间）"))
        self.entry.returnPressed.connect(self.add_text)
        self.add_button = button(tr("记录"), "primary")
        self.add_button.clicked.connect(self.add_text)
        row.addWidget(self.entry, 1)
        row.addWidget(self.add_button)
        return row

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and self._key_pressed(event):
            return True
        return super().eventFilter(watched, event)

    def _key_pressed(self, event: QKeyEvent) -> bool:
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        current = self.log.currentItem()
        if event.key() == Qt.Key.Key_Delete and current is not None:
            self.delete_entry(current)
            return True
        code = self.codes.get(event.text())
        if code is None:
            return False
        self.add_quick(code)
        return True

    def load(self) -> None:
        self.ctx.tasks.run(data.load, self.ctx.store, self.visit_id, owner=self, on_done=self._show)

    def set_read_only(self, read_only: bool, started_at: datetime | None = None) -> None:
        self.read_only = read_only
        self.started_at = started_at
        for widget in (*self.quick_buttons, self.entry, self.add_button):
            widget.setEnabled(not read_only)
        self._tick()

    def _tick(self) -> None:
        if self.started_at is None or self.read_only:
            self.clock.setText("")
            return
        minutes = int((datetime.now().astimezone() - self.started_at).total_seconds() // 60)
        self.clock.setText(tr("现在 {now} · 已进行 {m} 分钟", now=local_hhmm(datetime.now().astimezone()),
                              m=max(minutes, 0)))

    def add_quick(self, code: QuickCode) -> None:
        if not self.read_only:
            self.ctx.tasks.write(data.add_quick, self.ctx.store, self.visit_id, code.code, utcnow(),
                                 owner=self, on_done=self._show)

    def add_text(self) -> None:
        text = self.entry.text().strip()
        if not text or self.read_only:
            return
        self.entry.clear()
        self.ctx.tasks.write(data.add_text, self.ctx.store, self.visit_id, text, owner=self,
                             on_done=self._show, on_error=lambda exc: self._failed(exc, text))

    def _failed(self, exc: BaseException, text: str) -> None:
        from fieldcheck.ui.common.errors import show_exception

        if not self.entry.text():
            self.entry.setText(text)  # give the typed words back
        show_exception(self.window(), exc)

    def edit_entry(self, item: QTreeWidgetItem) -> None:
        if self.read_only:
            return
        text = dialogs.ask_text(self, tr("修改观察记录"), tr("记录内容："), item.text(1))
        if text and text.strip():
            self.ctx.tasks.write(data.edit, self.ctx.store, self.visit_id, item.data(0, ROW_ID),
                                 text, owner=self, on_done=self._show)

    def delete_entry(self, item: QTreeWidgetItem) -> None:
        if self.read_only:
            return
        if dialogs.confirm(self, tr("删除观察记录"), tr("确定删除这条记录吗？删除将被记录在审计日志中。")):
            self.ctx.tasks.write(data.delete, self.ctx.store, self.visit_id, item.data(0, ROW_ID),
                                 owner=self, on_done=self._show)

    def _show(self, rows: list[ObservationRow]) -> None:
        self.rows = rows
        self.log.clear()
        for row in rows:
            item = QTreeWidgetItem([local_hhmm(row.at), row.text, row.recorded_by])
            item.setData(0, ROW_ID, row.id)
            item.setToolTip(0, row.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"))
            if row.quick_code:
                item.setToolTip(1, tr("快捷记录"))
            self.log.addTopLevelItem(item)
        last = self.log.topLevelItem(len(rows) - 1) if rows else None
        if last is not None:
            self.log.scrollToItem(last)
        self.changed.emit(len(rows))
