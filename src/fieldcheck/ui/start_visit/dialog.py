"""开始检查: start a planned visit, or an ad-hoc one (the visit records when it started)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.domain.visit_list import VisitRow
from fieldcheck.i18n import tr
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.guard import GuardedDialog
from fieldcheck.ui.common.labels import kind_name
from fieldcheck.ui.common.widgets import label
from fieldcheck.ui.start_visit import data
from fieldcheck.ui.start_visit.adhoc_form import AdHocForm
from fieldcheck.ui.start_visit.data import Choices

PLANNED, ADHOC = 0, 1
ID_ROLE = Qt.ItemDataRole.UserRole


class StartVisitDialog(GuardedDialog):
    started = Signal(str)  # the id of the visit now in progress

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ready = False
        self.setWindowTitle(tr("开始检查"))
        self.resize(720, 680)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        self.tabs = QTabWidget()
        self.planned = QListWidget()
        self.planned.itemDoubleClicked.connect(lambda _i: self.submit())
        planned_page = QWidget()
        planned_layout = QVBoxLayout(planned_page)
        planned_layout.addWidget(label(tr("选择一项计划中的检查，点击“开始检查”后记录开始时间。"), "muted"))
        planned_layout.addWidget(self.planned)
        self.form = AdHocForm(ctx)
        self.tabs.addTab(planned_page, tr("计划中的检查"))
        self.tabs.addTab(self.form, tr("临时检查"))
        layout.addWidget(self.tabs, 1)
        box = QDialogButtonBox()
        self.ok = box.addButton(tr("开始检查"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("primary")
        self.ok.setEnabled(False)
        box.addButton(tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        box.accepted.connect(self.submit)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        ctx.tasks.run(data.load_choices, ctx.store, owner=self, on_done=self._show_choices)

    def _show_choices(self, choices: Choices) -> None:
        for row in choices.planned:
            self.planned.addItem(self._planned_item(row))
        if choices.planned:
            self.planned.setCurrentRow(0)
        else:
            self.tabs.setCurrentIndex(ADHOC)
        self.form.show_choices(choices)
        self.mark_clean()
        self.ready = True
        self.ok.setEnabled(True)

    @staticmethod
    def _planned_item(row: VisitRow) -> QListWidgetItem:
        day = row.planned_for.isoformat() if row.planned_for else tr("未定日期")
        kind = kind_name(row.kind)
        secret = "　" + tr("[保密]") if row.confidential else ""
        item = QListWidgetItem(f"{day}　{kind}　{row.unit_name}{secret}")
        item.setData(ID_ROLE, row.id)
        return item

    def submit(self) -> None:
        """Start the chosen visit; the dialog closes only once the store has it."""
        self.ok.setEnabled(False)
        if self.tabs.currentIndex() == PLANNED:
            item = self.planned.currentItem()
            if item is None:
                self.ok.setEnabled(True)
                return
            self.ctx.tasks.write(data.start_planned, self.ctx.store, item.data(ID_ROLE), owner=self,
                                 on_done=self._started, on_error=self._failed)
        else:
            self.ctx.tasks.write(data.start_adhoc, self.ctx.store, self.form.plan(), owner=self,
                                 on_done=self._started, on_error=self._failed)

    def _started(self, visit_id: str) -> None:
        self.started.emit(visit_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from fieldcheck.ui.common.errors import show_exception

        self.ok.setEnabled(True)
        show_exception(self, exc)
