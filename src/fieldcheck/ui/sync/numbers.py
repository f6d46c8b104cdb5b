"""文号段 in the notice settings: the blocks this laptop holds per type and year, how many
numbers are left, when each was leased (and until when); a warning when running low."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.i18n import tr
from fieldcheck.store import Store
from fieldcheck.ui.common.tasks import Tasks
from fieldcheck.ui.common.widgets import card, label
from fieldcheck.ui.sync import data

HEADERS = ("文书", "年度", "号段", "剩余", "来源", "领取时间", "有效期至")


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "—"


class NumbersSection(QWidget):
    def __init__(self, store: Store, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.tasks = store, tasks
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(label(tr("文号段"), "sectionTitle"))
        self.help = label("", "help", wrap=True)
        column.addWidget(self.help)
        frame = card()
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(10, 10, 10, 10)
        self.warning = label("", "fieldWarning", wrap=True)
        self.warning.hide()
        inner.addWidget(self.warning)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([tr(h) for h in HEADERS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(160)
        inner.addWidget(self.table)
        column.addWidget(frame)
        self.view: data.NumbersView | None = None
        self.reload()

    def reload(self) -> None:
        self.tasks.run(data.numbers, self.store, owner=self, on_done=self.show_numbers)

    def show_numbers(self, view: data.NumbersView) -> None:
        self.view = view
        self.help.setText(
            tr("文号由局服务器按文书类型和年度成段发放：联网同步时，本机在号段快用完之前自动领取新的号段。")
            if view.enrolled else
            tr("本机尚未登记到服务器，文号段由本机自行编排；登记后改由服务器发放。"))
        self.table.setRowCount(len(view.blocks))
        for r, block in enumerate(view.blocks):
            cells = (block.type_name, str(block.year), f"{block.first}–{block.last}", str(block.left),
                     _source_name(block.source, view.enrolled), _when(block.leased_at),
                     _when(block.expires_at))
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        if view.low:
            self.warning.setText(tr("以下文书的文号快用完了：{list}。请尽快联网同步以领取新的号段；"
                                    "用完后只能打印带“草稿”水印的文书。", list="；".join(view.low)))
        self.warning.setVisible(bool(view.low))


def _source_name(source: str, enrolled: bool) -> str:
    if source == "server":
        return tr("服务器")
    return tr("本机（登记后停用）") if enrolled else tr("本机")
