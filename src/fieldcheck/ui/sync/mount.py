"""Puts sync into the main window: the status-bar corner, the dialogs it opens, the visit's
own conflicts bar, and the list refresh after a sync brought something new."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QHBoxLayout, QMainWindow, QVBoxLayout, QWidget

from fieldcheck.i18n import tr
from fieldcheck.sync.status import SyncStatus
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.widgets import button, label
from fieldcheck.ui.sync import data
from fieldcheck.ui.sync.conflicts import ConflictsDialog
from fieldcheck.ui.sync.controller import SyncController
from fieldcheck.ui.sync.enrol_dialog import EnrolDialog
from fieldcheck.ui.sync.indicator import SyncCorner
from fieldcheck.ui.sync.plan_dialog import PlanDialog


class SyncMount(QObject):
    def __init__(self, window: QMainWindow, ctx: AppContext, *, start: bool = True) -> None:
        super().__init__(window)
        self.window, self.ctx = window, ctx
        self.controller = SyncController(ctx, self)
        self.corner = SyncCorner()
        window.statusBar().addPermanentWidget(self.corner)
        self.dialog: QWidget | None = None
        self.visit_bar: QWidget | None = None
        self.visit_id: str | None = None
        self.controller.indicator_changed.connect(self.corner.show_indicator)
        self.controller.status_changed.connect(self._status)
        self.controller.synced.connect(self._synced)
        self.corner.sync_requested.connect(self.controller.sync_now)
        self.corner.enrol_requested.connect(self.open_enrolment)
        self.corner.conflicts_requested.connect(lambda: self.open_conflicts())
        self.corner.plan_requested.connect(self.open_plan)
        self.corner.show_indicator(self.controller.indicator)
        if start:
            self.controller.start()
        else:  # the demo store never syncs by itself, but its indicator still tells the truth
            self.controller.automatic = False
            self.controller.poll()

    def _status(self, status: SyncStatus) -> None:
        self.corner.show_status(status)
        if self.visit_id is not None:
            self.ctx.tasks.run(data.conflicts, self.ctx.store, self.visit_id, owner=self,
                               on_done=self._show_visit_conflicts)

    def _synced(self, outcome: data.SyncOutcome) -> None:
        report = outcome.report
        if report is not None and (report.pulled or report.photos_down):
            refresh = getattr(self.window, "_visit_changed", None)
            if callable(refresh):
                refresh("")  # lists show what the sync brought

    def open_enrolment(self) -> EnrolDialog:
        url = self.controller.status.server_url if self.controller.status else ""
        dialog = EnrolDialog(self.ctx, self.window, url)
        dialog.enrolled.connect(lambda _who: self.controller.enrolled())
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_conflicts(self, visit_id: str | None = None) -> ConflictsDialog:
        dialog = ConflictsDialog(self.ctx, self.window, visit_id)
        dialog.resolved.connect(lambda _id: self.controller.poll())
        dialog.resolved.connect(lambda _id: self.controller.sync_now())
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_plan(self) -> PlanDialog:
        dialog = PlanDialog(self.ctx, self.window)
        dialog.planned.connect(lambda _id: self._synced(data.SyncOutcome(None)))
        dialog.planned.connect(lambda _id: self.controller.poll())
        self.dialog = dialog
        dialog.open()
        return dialog

    # --- the open visit --------------------------------------------------------------------

    def attach_visit(self, workspace: QWidget, visit_id: str) -> None:
        """A bar under the visit header while the visit has open conflicts."""
        self.visit_id = visit_id
        bar = QWidget(workspace)
        bar.setObjectName("banner")
        bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(bar)
        row.setContentsMargins(4, 2, 4, 2)
        self.visit_text = label("", wrap=True)
        open_button = button(tr("处理冲突…"), "primary")
        open_button.clicked.connect(lambda: self.open_conflicts(visit_id))
        row.addWidget(self.visit_text, 1)
        row.addWidget(open_button)
        bar.hide()
        layout = workspace.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(1, bar)
        self.visit_bar = bar
        self.ctx.tasks.run(data.conflicts, self.ctx.store, visit_id, owner=bar,
                           on_done=self._show_visit_conflicts)

    def detach_visit(self) -> None:
        self.visit_id = None
        self.visit_bar = None

    def _show_visit_conflicts(self, rows: list[data.ConflictRow]) -> None:
        bar = self.visit_bar
        if bar is None:
            return
        import shiboken6

        if not shiboken6.isValid(bar):
            self.visit_bar = None
            return
        self.visit_text.setText(tr("这次检查有 {n} 处冲突：另一台电脑改了同样的内容，请选择保留哪一个。", n=len(rows)))
        bar.setVisible(bool(rows))

    def shutdown(self) -> None:
        self.controller.shutdown()
