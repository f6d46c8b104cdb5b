"""The filter bar of the visit list: search text, status, kind, unit and a date range."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QLineEdit, QWidget

from fieldcheck.domain.visit_list import VisitFilter
from fieldcheck.i18n import tr
from fieldcheck.ui.common.dates import BLANK_DATE, DateTimeField
from fieldcheck.ui.common.labels import kinds, statuses
from fieldcheck.ui.common.widgets import button, label

SEARCH_PAUSE_MS = 250
NO_DATE = BLANK_DATE


def _date_edit() -> DateTimeField:
    edit = DateTimeField("yyyy-MM-dd", tr("不限"))
    edit.setFixedWidth(118)
    return edit


def _to_date(edit: DateTimeField) -> date | None:
    value = edit.date()
    return None if value <= NO_DATE else date(value.year(), value.month(), value.day())


class VisitFilterBar(QWidget):
    changed = Signal(object)  # VisitFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索单位名称、问题描述、地点…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        self.status = QComboBox()
        self.status.addItem(tr("全部状态"), None)
        for key, name in statuses():
            self.status.addItem(name, key)
        self.kind = QComboBox()
        self.kind.addItem(tr("全部类型"), None)
        for key, name in kinds():
            self.kind.addItem(name, key)
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.unit.setMinimumWidth(200)
        self.unit.setMaximumWidth(320)
        self.unit.addItem(tr("全部单位"), None)
        self.date_from, self.date_to = _date_edit(), _date_edit()
        self.reset = button(tr("清除筛选"), "link")
        row.addWidget(self.search, 2)
        for widget in (self.status, self.kind, self.unit):
            row.addWidget(widget)
        row.addWidget(label(tr("日期"), "muted"))
        row.addWidget(self.date_from)
        row.addWidget(label("—", "muted"))
        row.addWidget(self.date_to)
        row.addWidget(self.reset)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_PAUSE_MS)
        self._timer.timeout.connect(self.emit_filter)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.status, self.kind):
            combo.currentIndexChanged.connect(lambda _i: self.emit_filter())
        self.unit.activated.connect(lambda _i: self.emit_filter())
        self.date_from.dateChanged.connect(lambda _d: self.emit_filter())
        self.date_to.dateChanged.connect(lambda _d: self.emit_filter())
        self.reset.clicked.connect(self.clear)

    def set_units(self, units: list[tuple[str, str]]) -> None:
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem(tr("全部单位"), None)
        for unit_id, name in units:
            self.unit.addItem(name, unit_id)
        completer = QCompleter([name for _id, name in units], self.unit)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.activated.connect(lambda _text: QTimer.singleShot(0, self.emit_filter))
        self.unit.setCompleter(completer)
        self.unit.blockSignals(False)

    def current(self) -> VisitFilter:
        unit_id = self.unit.currentData() if self.unit.currentIndex() > 0 else None
        return VisitFilter(
            status=self.status.currentData(),
            kind=self.kind.currentData(),
            unit_id=unit_id,
            date_from=_to_date(self.date_from),
            date_to=_to_date(self.date_to),
            text=self.search.text().strip(),
        )

    def emit_filter(self) -> None:
        self._timer.stop()
        self.changed.emit(self.current())

    def clear(self) -> None:
        for widget in (self.search, self.status, self.kind, self.unit, self.date_from, self.date_to):
            widget.blockSignals(True)
        self.search.clear()
        for combo in (self.status, self.kind, self.unit):
            combo.setCurrentIndex(0)
        self.date_from.setDate(NO_DATE)
        self.date_to.setDate(NO_DATE)
        for widget in (self.search, self.status, self.kind, self.unit, self.date_from, self.date_to):
            widget.blockSignals(False)
        self.emit_filter()
