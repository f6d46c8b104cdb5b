"""The visit list as a Qt model over paged queries: 100 000 visits stay smooth.

Only the rows scrolled to are ever read, a page of PAGE_SIZE at a time, on a worker thread.
A new filter starts a new generation; pages of an older generation are dropped on arrival.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont

from fieldcheck.domain.visit_list import VisitFilter, VisitRow
from fieldcheck.i18n import tr
from fieldcheck.ui.common.labels import kind_name, status_name
from fieldcheck.ui.common.style import status_colour
from fieldcheck.ui.common.tasks import Tasks
from fieldcheck.ui.visits.data import PAGE_SIZE, FirstPage, Lister

ROW_ROLE = Qt.ItemDataRole.UserRole
Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("单位", "类型", "状态", "计划日期", "开始时间", "问题", "密级")


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""


class VisitTableModel(QAbstractTableModel):
    total_changed = Signal(int)
    loading_changed = Signal(bool)

    def __init__(self, tasks: Tasks, lister: Lister, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.lister = lister  # a FileLister at start-up, the StoreLister once the store is open
        self.filter = VisitFilter()
        self.rows: list[VisitRow] = []
        self.total = 0
        self.loading = False
        self.loaded = False  # a first page (perhaps of no visits) has been shown
        self._generation = 0
        self._bold = QFont()
        self._bold.setBold(True)

    # Qt model interface
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return QBrush(status_colour(row.status))
        if role == Qt.ItemDataRole.FontRole and column == 2 and row.status == "in_progress":
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 5:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == 6 and row.confidential:
            return tr("保密：暗访计划仅检查组可见")
        if role == ROW_ROLE:
            return row
        return None

    @staticmethod
    def _text(row: VisitRow, column: int) -> str:
        if column == 0:
            return row.unit_name + (f"（{row.title}）" if row.title else "")
        if column == 1:
            return kind_name(row.kind)
        if column == 2:
            return status_name(row.status)
        if column == 3:
            return _day(row.planned_for)
        if column == 4:
            return _when(row.started_at)
        if column == 5:
            return str(row.finding_count) if row.finding_count else ""
        return tr("保密") if row.confidential else ""

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self.loading and len(self.rows) < self.total

    def fetchMore(self, parent: Index) -> None:
        if not self.canFetchMore(parent):
            return
        self._set_loading(True)
        generation = self._generation
        self.tasks.run(self.lister.page, self.filter, self.rows[-1].id, PAGE_SIZE,
                           owner=self, on_done=lambda rows: self._page_arrived(generation, rows),
                           on_error=lambda exc: self._failed(generation, exc))

    # loading
    def set_filter(self, f: VisitFilter) -> None:
        """Show the visits matching f: the count and the first page come in one read."""
        self._generation += 1
        generation = self._generation
        self.filter = f
        self.beginResetModel()
        self.rows = []
        self.total = 0
        self.endResetModel()
        self._set_loading(True)
        self.tasks.run(self.lister.first_page, f, PAGE_SIZE, owner=self,
                           on_done=lambda first: self._first_arrived(generation, first),
                           on_error=lambda exc: self._failed(generation, exc))

    def show_first(self, f: VisitFilter, first: FirstPage) -> None:
        """Show a first page read before the model existed (start-up, see ui/boot.py)."""
        self._generation += 1
        self.filter = f
        self.beginResetModel()
        self.rows = []
        self.endResetModel()
        self._first_arrived(self._generation, first)

    def reload(self) -> None:
        self.set_filter(self.filter)

    def _first_arrived(self, generation: int, first: FirstPage) -> None:
        if generation != self._generation:
            return
        self.total = first.total
        self.total_changed.emit(first.total)
        self._insert(first.rows)
        self.loaded = True
        self._set_loading(False)

    def _page_arrived(self, generation: int, rows: list[VisitRow]) -> None:
        if generation != self._generation:
            return
        if not rows:  # the store shrank under us: stop asking
            self.total = len(self.rows)
        self._insert(rows)
        self._set_loading(False)

    def _insert(self, rows: list[VisitRow]) -> None:
        if rows:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()

    def _failed(self, generation: int, exc: BaseException) -> None:
        from fieldcheck.ui.common.errors import show_exception

        if generation == self._generation:
            self._set_loading(False)
            self.total = len(self.rows)
            show_exception(None, exc)

    def _set_loading(self, loading: bool) -> None:
        self.loading = loading
        self.loading_changed.emit(loading)
