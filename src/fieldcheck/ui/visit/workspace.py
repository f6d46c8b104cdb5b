"""The visit workspace: header plus the four tabs of a visit, wired to one another.

A finished visit is shown read-only with 重新打开; 结束检查 runs after every pending save
and, when refused, shows exactly what is missing.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QTabWidget, QVBoxLayout, QWidget

from fieldcheck.domain.checklist import ChecklistState
from fieldcheck.errors import ValidationError
from fieldcheck.i18n import tr
from fieldcheck.models import VisitStatus
from fieldcheck.ui.checklist.numbering import item_numbers, numbered_items
from fieldcheck.ui.checklist.panel import ChecklistPanel
from fieldcheck.ui.common import dialogs
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.errors import show_exception
from fieldcheck.ui.common.widgets import label
from fieldcheck.ui.findings.panel import FindingsPanel
from fieldcheck.ui.observations.panel import ObservationPanel
from fieldcheck.ui.photos.importer import IMAGE_FILTER, PhotoImporter
from fieldcheck.ui.photos.panel import PhotosPanel
from fieldcheck.ui.visit import data
from fieldcheck.ui.visit.data import VisitInfo
from fieldcheck.ui.visit.header import VisitHeader

CHECKLIST, OBSERVATIONS, FINDINGS, PHOTOS = range(4)


class VisitWorkspace(QWidget):
    back_requested = Signal()
    visit_changed = Signal(str)  # visit id: its status or contents changed (lists refresh)
    unit_shown = Signal(str)  # the inspected unit's name, for the window title

    def __init__(self, ctx: AppContext, visit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.visit_id = ctx, visit_id
        self.info: VisitInfo | None = None
        self.dialog: dialogs.DayReasonDialog | None = None  # the open 改期 dialog
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(10)
        self.header = VisitHeader()
        layout.addWidget(self.header)
        self.banner = label("", "banner", wrap=True)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.importer = PhotoImporter(ctx, visit_id, self)
        self.checklist = ChecklistPanel(ctx, visit_id)
        self.observations = ObservationPanel(ctx, visit_id)
        self.photos = PhotosPanel(ctx, visit_id, self.importer)
        self.findings = FindingsPanel(ctx, visit_id, self.importer, self.photos.model)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        for panel, title in ((self.checklist, tr("检查表")), (self.observations, tr("观察记录")),
                             (self.findings, tr("问题")), (self.photos, tr("照片"))):
            self.tabs.addTab(panel, title)
        layout.addWidget(self.tabs, 1)
        self._connect()
        self.reload()

    def _connect(self) -> None:
        self.header.back.clicked.connect(self.back_requested)
        self.header.start.clicked.connect(self.start)
        self.header.finish.clicked.connect(self.finish)
        self.header.reopen.clicked.connect(self.reopen)
        self.header.cancel.clicked.connect(self.cancel)
        self.header.reschedule.clicked.connect(self.reschedule)
        self.header.notices.clicked.connect(self.open_notices)
        self.checklist.state_changed.connect(self._checklist_changed)
        self.checklist.finding_requested.connect(self._finding_for_item)
        self.checklist.photos_requested.connect(self._photos_for_item)
        self.observations.changed.connect(lambda n: self._count_tab(OBSERVATIONS, tr("观察记录"), n))
        self.findings.changed.connect(lambda rows: self._count_tab(FINDINGS, tr("问题"), len(rows)))
        self.photos.changed.connect(lambda rows: self._count_tab(PHOTOS, tr("照片"), len(rows)))
        self.importer.finished.connect(self._photos_imported)

    def _photos_imported(self, _report: object) -> None:
        self.checklist.refresh()  # photo counts of items
        self.findings.load()  # evidence counts

    def reload(self) -> None:
        """Read everything again (after opening, finishing, reopening)."""
        self.ctx.tasks.run(data.load_visit, self.ctx.store, self.visit_id, owner=self,
                           on_done=self._show_visit)
        self.checklist.reload()
        self.observations.load()
        self.findings.load()
        self.photos.load()

    def _show_visit(self, info: VisitInfo) -> None:
        self.info = info
        self.header.show_visit(info)
        self.unit_shown.emit(info.unit_name)
        read_only = not info.editable
        self.checklist.set_read_only(read_only)
        self.observations.set_unit_kind(info.unit_kind)
        self.observations.set_read_only(read_only, info.started_at)
        self.findings.set_read_only(read_only)
        self.photos.set_read_only(read_only)
        banners: dict[str, str] = {
            VisitStatus.PLANNED: tr("这是一项计划中的检查，尚未开始。点击“开始检查”后即可填写检查表。"),
            VisitStatus.COMPLETED: tr("检查已结束，内容只读。如需修改，请点击“重新打开”并填写理由（将被记录）。"),
            VisitStatus.CANCELLED: tr("该检查已取消，内容只读。"),
        }
        self.banner.setText(banners.get(info.status, ""))
        self.banner.setVisible(info.status in banners)

    def _checklist_changed(self, state: ChecklistState) -> None:
        self.header.show_checklist(state)
        self.findings.set_items(numbered_items(state.template, state.visible_keys, tr("（已隐藏）")))
        self._count_tab(CHECKLIST, tr("检查表"), None, len(state.failed_keys))

    def _count_tab(self, index: int, title: str, n: int | None, failed: int = 0) -> None:
        text = title if n is None else f"{title} ({n})"
        if failed:
            text += " " + tr("· {n} 项不合格", n=failed)
        self.tabs.setTabText(index, text)

    def _finding_for_item(self, item_key: str, suggestion: dict[str, Any] | None) -> None:
        self.tabs.setCurrentIndex(FINDINGS)
        self.findings.new_finding(suggestion or {"item_key": item_key})

    def _photos_for_item(self, item_key: str) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, tr("为条目选择照片"), "",
                                                tr("图片") + f" ({IMAGE_FILTER})")
        if names:
            self.importer.start([Path(n) for n in names], item_key=item_key)

    def start(self) -> None:
        self.ctx.tasks.write(data.start, self.ctx.store, self.visit_id, owner=self,
                             on_done=self._lifecycle_done)

    def finish(self) -> None:
        # Typing still waiting for its pause is queued first; the writer runs in order, so
        # the check below reads what is on screen.
        self.checklist.flush_typing()
        self.ctx.tasks.write(data.unrecorded_failures, self.ctx.store, self.visit_id, owner=self,
                             on_done=self._confirm_finish)

    def _confirm_finish(self, unrecorded: list[data.UnrecordedFailure] | None) -> None:
        """不合格 items without a finding: finish only when the inspector says so (recorded)."""
        if unrecorded:
            numbers = {}
            if self.checklist.state is not None:
                numbers = item_numbers(self.checklist.state.template, self.checklist.state.visible_keys)
            listed = "\n".join(f"· {numbers[f.key]} {f.label}" if f.key in numbers else f"· {f.label}"
                                for f in unrecorded)
            text = tr("以下 {n} 个不合格条目还没有记录问题：\n\n{items}\n\n"
                      "仍要结束检查吗？确认后将记录在审计日志中；结束后修改须重新打开并填写理由。",
                      n=len(unrecorded), items=listed)
            if not dialogs.confirm(self, tr("结束检查"), text, yes=tr("不记录问题，结束检查")):
                self.tabs.setCurrentIndex(CHECKLIST)
                return
        acknowledged = [f.key for f in unrecorded or []]
        self.ctx.tasks.write(data.finish, self.ctx.store, self.visit_id, acknowledged, owner=self,
                             on_done=self._lifecycle_done, on_error=self._finish_refused)

    def _finish_refused(self, exc: BaseException) -> None:
        """Say exactly what is missing, and outline the unanswered items in the checklist."""
        show_exception(self.window(), exc)
        if isinstance(exc, ValidationError) and self.checklist.state is not None:
            self.tabs.setCurrentIndex(CHECKLIST)
            self.checklist.show_missing()

    def reopen(self) -> None:
        reason = dialogs.ask_text(self, tr("重新打开检查"),
                                  tr("请填写重新打开的理由（将记录在审计日志中）："))
        if reason is None:
            return
        self.ctx.tasks.write(data.reopen, self.ctx.store, self.visit_id, reason, owner=self,
                             on_done=self._lifecycle_done)

    def cancel(self) -> None:
        reason = dialogs.ask_text(self, tr("取消检查"),
                                  tr("请填写取消的理由（将记录在审计日志中）："))
        if reason is None:
            return
        self.ctx.tasks.write(data.cancel, self.ctx.store, self.visit_id, reason, owner=self,
                             on_done=self._lifecycle_done)

    def reschedule(self) -> dialogs.DayReasonDialog:
        """改期: a new day (today or later) and the reason, both recorded."""
        today = date.today()
        planned = self.info.planned_for if self.info is not None else None
        ask = dialogs.DayReasonDialog(tr("检查改期"), tr("新的计划日期"), tr("改期理由"),
                                      max(planned or today, today) + timedelta(days=1), self)
        self.dialog = ask
        ask.accepted.connect(lambda: self.ctx.tasks.write(
            data.reschedule, self.ctx.store, self.visit_id, ask.chosen_day(), ask.reason.text(),
            owner=self, on_done=self._lifecycle_done, on_error=lambda exc: show_exception(self, exc)))
        ask.open()
        return ask

    def _lifecycle_done(self, _visit_id: str) -> None:
        self.reload()
        self.visit_changed.emit(self.visit_id)

    def open_notices(self) -> None:
        """文书 of this visit (their own screen, ui/notices)."""
        from fieldcheck.ui.notices import open_notices_dialog

        self.checklist.flush_typing()
        open_notices_dialog(self.window(), self.ctx.store, self.visit_id, tasks=self.ctx.tasks)

    def close_workspace(self) -> None:
        """Leaving the visit: save pending typing, stop a running photo import."""
        self.checklist.flush_typing()
        self.importer.cancel()
