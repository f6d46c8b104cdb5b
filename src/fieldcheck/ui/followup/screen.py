"""跟踪问效: the follow-up board (overdue first and in red), the accountability flags with their
evidence, the statistics as charts, and the actions that move findings (复查, 整改报告, 延期,
通报, 责任追究建议, 周期计划)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.domain.followup_board import BoardFilter
from fieldcheck.i18n import tr
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.dialogs import DayReasonDialog
from fieldcheck.ui.common.errors import show_exception
from fieldcheck.ui.common.labels import kind_name
from fieldcheck.ui.common.widgets import button, label
from fieldcheck.ui.followup import data
from fieldcheck.ui.followup.charts import StatisticsView
from fieldcheck.ui.followup.dialogs import DocumentDialog, ReinspectionDialog

COLUMNS = ("单位", "问题类别", "问题描述", "检查组", "检查方式", "发现日期", "整改期限", "剩余天数", "状态",
           "整改通知书")
OVERDUE_BG = QColor("#fde2e1")
OVERDUE_FG = QColor("#9b1c1c")
VERIFIED_FG = QColor("#2e7d32")
ID_ROLE = Qt.ItemDataRole.UserRole


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class FollowupScreen(QWidget):
    back_requested = Signal()
    visits_changed = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.board: data.BoardData | None = None
        self.dialog: QWidget | None = None
        col = QVBoxLayout(self)
        col.setContentsMargins(20, 12, 20, 12)
        col.addWidget(label(tr("跟踪问效"), "pageTitle"))
        col.addLayout(self._filters())
        self.tabs = QTabWidget()
        self.tabs.addTab(self._board_tab(), tr("整改台账"))
        self.tabs.addTab(self._flags_tab(), tr("追责提示"))
        self.stats = StatisticsView()
        self.tabs.addTab(self.stats, tr("统计图表"))
        col.addWidget(self.tabs, 1)

    # -- filters -------------------------------------------------------------------------
    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.unit = QComboBox()
        self.category = QComboBox()
        self.team = QComboBox()
        for combo, everything in ((self.unit, tr("全部单位")), (self.category, tr("全部类别")),
                                  (self.team, tr("全部检查组"))):
            combo.addItem(everything, None)
            combo.setMinimumWidth(150)
            combo.currentIndexChanged.connect(self.refresh)
        self.date_from, self.date_to = QDateEdit(), QDateEdit()
        today = data.today()
        self.date_from.setDate(_qdate(date(today.year, today.month, 1) - timedelta(days=92)))
        self.date_to.setDate(_qdate(today))
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self.refresh)
        for widget in (label(tr("单位")), self.unit, label(tr("类别")), self.category, label(tr("检查组")),
                       self.team, label(tr("期间")), self.date_from, label("—"), self.date_to):
            row.addWidget(widget)
        row.addStretch(1)
        self.circular = button(tr("生成本期通报…"), "primary", tip=tr("从本期的问题记录生成通报，编辑后签发"))
        self.circular.clicked.connect(self.draft_circular)
        row.addWidget(self.circular)
        self.recurring = button(tr("周期计划…"), tip=tr("半年一次涉企处罚案卷检查、每月窗口检查"))
        self.recurring.clicked.connect(self.schedule_recurring)
        row.addWidget(self.recurring)
        return row

    def current_filter(self) -> BoardFilter:
        return BoardFilter(unit_id=self.unit.currentData(), category=self.category.currentData(),
                           team=self.team.currentData(), date_from=_pydate(self.date_from.date()),
                           date_to=_pydate(self.date_to.date()))

    # -- board ---------------------------------------------------------------------------
    def _board_tab(self) -> QWidget:
        tab = QWidget()
        col = QVBoxLayout(tab)
        self.counts = label("", "muted")
        col.addWidget(self.counts)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 200), (1, 130)):  # long unit and category names: tooltips
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setMinimumSectionSize(60)
        self.table.setWordWrap(False)
        col.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.plan = button(tr("安排复查…"), tip=tr("选中同一单位的问题，安排一次复查"))
        self.plan.clicked.connect(self.plan_reinspection)
        self.report = button(tr("附整改报告…"), tip=tr("单位书面整改报告（PDF 或照片），附后问题转为已整改待复查"))
        self.report.clicked.connect(self.attach_report)
        self.extend = button(tr("延期…"))
        self.extend.clicked.connect(self.extend_deadline)
        self.reopen = button(tr("重新打开…"))
        self.reopen.clicked.connect(self.reopen_finding)
        for b in (self.plan, self.report, self.extend, self.reopen):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(label(tr("复查计划"), "muted"))
        self.reinspections = QComboBox()
        self.reinspections.setMinimumWidth(280)
        actions.addWidget(self.reinspections)
        self.do_reinspection = button(tr("开展复查…"), "primary")
        self.do_reinspection.clicked.connect(self.open_reinspection)
        actions.addWidget(self.do_reinspection)
        col.addLayout(actions)
        return tab

    def _flags_tab(self) -> QWidget:
        split = QSplitter()
        self.flags = QListWidget()
        self.flags.currentRowChanged.connect(self._show_flag)
        split.addWidget(self.flags)
        right = QWidget()
        col = QVBoxLayout(right)
        col.addWidget(label(tr("证据链"), "sectionTitle"))
        self.evidence = QPlainTextEdit()
        self.evidence.setReadOnly(True)
        col.addWidget(self.evidence, 1)
        self.accountability = button(tr("起草责任追究建议…"), "primary")
        self.accountability.clicked.connect(self.draft_accountability)
        self.accountability.setEnabled(False)
        col.addWidget(self.accountability, 0, Qt.AlignmentFlag.AlignRight)
        split.addWidget(right)
        split.setSizes([420, 700])
        return split

    def load(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.ctx.tasks.run(data.load_board, self.ctx.store, self.current_filter(), owner=self,
                           on_done=self.show_board, on_error=lambda exc: show_exception(self, exc))

    def show_board(self, board: data.BoardData) -> None:
        self.board = board
        self._fill_combo(self.unit, board.units)
        self._fill_combo(self.category, board.categories)
        self._fill_combo(self.team, [(t, t) for t in board.teams])
        rows = board.rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            left = row.state.days_left
            days = "" if left is None else (tr("逾期 {n} 天", n=-left) if row.state.overdue else tr("{n} 天", n=left))
            values = (row.unit_name, tr(row.category_name), row.description, row.team, kind_name(row.visit_kind),
                      row.found_on.isoformat() if row.found_on else "",
                      row.deadline.isoformat() if row.deadline else "", days, tr(row.status_name),
                      "、".join(row.notices))
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(ID_ROLE, row.finding_id)
                item.setToolTip(value)
                if row.state.overdue:
                    item.setBackground(QBrush(OVERDUE_BG))
                    item.setForeground(QBrush(OVERDUE_FG))
                elif row.status == "verified":
                    item.setForeground(QBrush(VERIFIED_FG))
                self.table.setItem(r, c, item)
        text = tr("共 {n} 个问题，其中逾期 {late} 个（红色）；追责提示 {flags} 条",
                  n=board.total, late=board.stats.overdue, flags=len(board.flags))
        if board.total > len(rows):
            text += tr("（列出前 {shown} 个，可按单位、类别、期间筛选）", shown=len(rows))
        self.counts.setText(text)
        self.flags.clear()
        for flag in board.flags:
            item = QListWidgetItem(flag.summary)
            if flag.reason == "repeat":
                item.setForeground(QBrush(OVERDUE_FG))
            self.flags.addItem(item)
        self.tabs.setTabText(1, tr("追责提示（{n}）", n=len(board.flags)))
        self.evidence.clear()
        self.accountability.setEnabled(False)
        self.reinspections.clear()
        for p in board.reinspections:
            if p.status in ("planned", "in_progress"):
                when = p.planned_for.isoformat() if p.planned_for else ""
                self.reinspections.addItem(tr("{unit}（{day}，{n} 个问题）", unit=p.unit_name, day=when,
                                              n=p.finding_count), p.visit_id)
        self.do_reinspection.setEnabled(self.reinspections.count() > 0)
        self.stats.show_statistics(board.stats)

    def _fill_combo(self, combo: QComboBox, pairs: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        if [combo.itemData(i) for i in range(1, combo.count())] == [k for k, _ in pairs]:
            return
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for key, name in pairs:
            combo.addItem(tr(name), key)
        index = combo.findData(current)
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [str(self.table.item(r, 0).data(ID_ROLE)) for r in rows if self.table.item(r, 0)]

    def _need_selection(self) -> list[str] | None:
        ids = self.selected_ids()
        if not ids:
            QMessageBox.information(self, tr("跟踪问效"), tr("请先在台账中选择问题。"))
            return None
        return ids

    # -- actions -------------------------------------------------------------------------
    def _write(self, fn: object, *args: object, then: object = None) -> None:
        def done(result: object) -> None:
            self.refresh()
            self.visits_changed.emit()
            if callable(then):
                then(result)

        self.ctx.tasks.write(fn, *args, owner=self, on_done=done,  # type: ignore[arg-type]
                             on_error=lambda exc: show_exception(self, exc))

    def plan_reinspection(self) -> DayReasonDialog | None:
        ids = self._need_selection()
        if ids is None:
            return None
        ask = DayReasonDialog(tr("安排复查"), tr("复查日期"), None, data.today() + timedelta(days=1), self)
        self.dialog = ask
        ask.accepted.connect(lambda: self._write(data.plan_reinspection, self.ctx.store, ids, ask.chosen_day()))
        ask.open()
        return ask

    def attach_report(self, files: list[Path] | None = None) -> None:
        ids = self._need_selection()
        if ids is None:
            return
        if not files:
            names, _ = QFileDialog.getOpenFileNames(self, tr("选择整改报告（PDF 或照片）"), "",
                                                    tr("整改报告 (*.pdf *.jpg *.jpeg *.png *.heic *.tif *.tiff)"))
            files = [Path(n) for n in names]
        if files:
            self._write(data.attach_report, self.ctx.store, ids, files)

    def extend_deadline(self) -> DayReasonDialog | None:
        ids = self._need_selection()
        if ids is None:
            return None
        ask = DayReasonDialog(tr("延长整改期限"), tr("新的期限"), tr("延期理由"), data.today() + timedelta(days=15), self)
        self.dialog = ask

        def go() -> None:
            for fid in ids:
                self._write(data.extend_deadline, self.ctx.store, fid, ask.chosen_day(), ask.reason.text())

        ask.accepted.connect(go)
        ask.open()
        return ask

    def reopen_finding(self) -> DayReasonDialog | None:
        ids = self._need_selection()
        if ids is None:
            return None
        ask = DayReasonDialog(tr("重新打开已销号问题"), tr("新的期限"), tr("理由"), data.today() + timedelta(days=15), self)
        self.dialog = ask

        def go() -> None:
            for fid in ids:
                self._write(data.reopen, self.ctx.store, fid, ask.reason.text(), ask.chosen_day())

        ask.accepted.connect(go)
        ask.open()
        return ask

    def open_reinspection(self) -> None:
        visit_id = self.reinspections.currentData()
        if not visit_id:
            return
        self.ctx.tasks.write(data.start_reinspection, self.ctx.store, visit_id, owner=self,
                             on_done=self._show_reinspection, on_error=lambda exc: show_exception(self, exc))

    def _show_reinspection(self, rein: data.Reinspection) -> None:
        dialog = ReinspectionDialog(self.ctx, rein, self)
        dialog.finished.connect(lambda _code: self.refresh())
        dialog.finished_visit.connect(self.visits_changed.emit)
        self.dialog = dialog
        dialog.open()

    def draft_circular(self) -> None:
        self.ctx.tasks.write(data.draft_circular, self.ctx.store, _pydate(self.date_from.date()),
                             _pydate(self.date_to.date()), owner=self,
                             on_done=lambda d: self._show_document("circular", d),
                             on_error=lambda exc: show_exception(self, exc))

    def _show_flag(self, row: int) -> None:
        if self.board is None or not 0 <= row < len(self.board.flags):
            self.evidence.clear()
            self.accountability.setEnabled(False)
            return
        flag = self.board.flags[row]
        self.evidence.setPlainText(tr("正在读取…"))
        self.accountability.setEnabled(True)

        def show(view: data.FlagView | None) -> None:
            if self.flags.currentRow() != row:
                return  # another flag was chosen meanwhile
            self.evidence.setPlainText(view.evidence if view else tr("该追责提示已不存在（记录已变化），请刷新。"))

        self.ctx.tasks.run(data.flag_evidence, self.ctx.store, flag.unit_id, flag.reason, flag.category,
                           self.board.filter, owner=self, on_done=show,
                           on_error=lambda exc: show_exception(self, exc))

    def draft_accountability(self) -> None:
        row = self.flags.currentRow()
        if self.board is None or not 0 <= row < len(self.board.flags):
            return
        flag = self.board.flags[row]
        self.ctx.tasks.write(data.draft_accountability, self.ctx.store, flag.unit_id, flag.reason,
                             flag.category, owner=self,
                             on_done=lambda d: self._show_document("accountability", d),
                             on_error=lambda exc: show_exception(self, exc))

    def _show_document(self, kind: str, draft: data.DraftDocument) -> None:
        dialog = DocumentDialog(self.ctx, kind, draft, self)
        dialog.finished.connect(lambda _code: self._document_closed(dialog))
        self.dialog = dialog
        dialog.open()

    def _document_closed(self, dialog: DocumentDialog) -> None:
        if not dialog.number:  # closed without issuing: the draft is not kept lying around
            self.ctx.tasks.write(data.discard_draft, self.ctx.store, dialog.draft.notice_id, owner=self)
        self.refresh()

    def schedule_recurring(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(tr("周期计划"))
        box.setText(tr("为今后一年安排周期性检查（已安排的不会重复）："))
        penalty = box.addButton(tr("涉企行政处罚案卷：每半年一次"), QMessageBox.ButtonRole.AcceptRole)
        windows = box.addButton(tr("服务窗口：每月一次"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole)
        self.dialog = box

        def chosen(clicked: object) -> None:
            preset = "penalty" if clicked is penalty else "windows" if clicked is windows else None
            if preset is None:
                return
            first = data.today() + timedelta(days=1)
            self._write(data.schedule_preset, self.ctx.store, preset, first, first + timedelta(days=365), "",
                        then=self._scheduled)

        box.buttonClicked.connect(chosen)
        box.open()

    def _scheduled(self, count: object) -> None:
        told = QMessageBox(QMessageBox.Icon.Information, tr("周期计划"), tr("已安排 {n} 次计划检查。", n=count),
                           QMessageBox.StandardButton.Ok, self)
        self.dialog = told
        told.open()
