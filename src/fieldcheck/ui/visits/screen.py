"""The visit list screen: today's plan on top, then every visit, filtered and searchable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.domain.visit_list import VisitRow
from fieldcheck.i18n import tr
from fieldcheck.ui.common.labels import kind_name, kinds, statuses
from fieldcheck.ui.common.style import ACCENT, NAVY
from fieldcheck.ui.common.tasks import Tasks
from fieldcheck.ui.common.widgets import Badge, button, card, label
from fieldcheck.ui.common.wrapping import balanced_lines
from fieldcheck.ui.visits import data
from fieldcheck.ui.visits.data import FirstScreen, Lister, StoreLister
from fieldcheck.ui.visits.filters import VisitFilterBar
from fieldcheck.ui.visits.model import ROW_ROLE, VisitTableModel

if TYPE_CHECKING:  # the context holds the store, which pulls in SQLAlchemy
    from fieldcheck.ui.common.context import AppContext

CARD_WIDTH = 300
PLAN_HEIGHT = 96  # the plan strip with no cards (its hint)
CARD_MARGIN = 12
PLAN_CARDS = 8  # more than a day's work; the rest are in the list (filter 计划, today)
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def day_text(day: date | None, today: date) -> str:
    if day is None:
        return tr("日期未定")
    when = tr("{m}月{d}日", m=day.month, d=day.day) + " " + tr(WEEKDAYS[day.weekday()])
    return tr("今天（{when}）", when=when) if day == today else when


class PlanCard(QFrame):
    """One of today's planned visits: kind, unit, when, team and where, and a start button."""

    def __init__(self, row: VisitRow, on_open: Callable[[str], None]) -> None:
        super().__init__()
        self.setObjectName("card")
        self.setFixedWidth(CARD_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(CARD_MARGIN, 10, CARD_MARGIN, 10)
        layout.setSpacing(4)
        top = QHBoxLayout()
        middle = Qt.AlignmentFlag.AlignVCenter
        top.addWidget(Badge(kind_name(row.kind), NAVY), 0, middle)
        if row.confidential:
            top.addWidget(Badge(tr("保密"), ACCENT), 0, middle)
        top.addStretch(1)
        self.go = button(tr("查看并开始"), "primary")
        self.go.clicked.connect(lambda: on_open(row.id))
        top.addWidget(self.go)
        layout.addLayout(top)
        self.name = label("", "itemLabel")
        self.name.ensurePolished()  # the style sheet's bold face, to measure with
        metrics = self.name.fontMetrics()
        lines = balanced_lines(row.unit_name, metrics.horizontalAdvance, CARD_WIDTH - 2 * CARD_MARGIN - 4)
        self.name.setText("\n".join(lines))
        self.name.setToolTip(row.unit_name)
        layout.addWidget(self.name)
        facts = [tr("时间：{day}", day=day_text(row.planned_for, date.today()))]
        if row.team:
            facts.append(tr("检查组：{team}", team=row.team))
        where = "　".join(p for p in (row.place, row.unit_address) if p)
        if where:
            facts.append(tr("地点：{where}", where=where))
        self.facts = label("\n".join(facts), "muted", wrap=True)
        layout.addWidget(self.facts)
        layout.addStretch(1)


class ContinueBanner(QFrame):
    """After a restart: the visit left in progress, one click away."""

    def __init__(self, on_open: Callable[[str], None]) -> None:
        super().__init__()
        self.setObjectName("continueBanner")
        self.visit_id = ""
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 12, 8)
        self.text = label("", wrap=True)
        row.addWidget(self.text, 1)
        self.go = button(tr("继续检查"), "primary")
        self.go.clicked.connect(lambda: on_open(self.visit_id))
        row.addWidget(self.go)
        self.hide()

    def show_rows(self, rows: list[VisitRow]) -> None:
        if not rows:
            self.hide()
            return
        row = rows[0]
        started = row.started_at.astimezone().strftime("%m-%d %H:%M") if row.started_at else ""
        text = tr("有一项检查尚未结束：{unit}（{kind}，{started} 开始）。", unit=row.unit_name,
                  kind=kind_name(row.kind), started=started)
        if len(rows) > 1:
            text += tr("另有 {n} 项进行中的检查，可在下方列表中筛选“进行中”查看。", n=len(rows) - 1)
        self.visit_id = row.id
        self.text.setText(text)
        self.show()


class VisitsScreen(QWidget):
    open_visit = Signal(str)
    start_requested = Signal()

    def __init__(self, tasks: Tasks, lister: Lister, parent: QWidget | None = None) -> None:
        """Built at start-up on a FileLister, before the store is open; `attach` follows."""
        super().__init__(parent)
        self.tasks = tasks
        self.lister = lister
        self.ctx: AppContext | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(12)
        self.continue_banner = ContinueBanner(self.open_visit.emit)
        layout.addWidget(self.continue_banner)
        layout.addWidget(self._plan_panel())
        layout.addWidget(self._list_panel(), 1)
        self.filters.changed.connect(self.model.set_filter)
        self.model.total_changed.connect(self._show_total)
        self.model.loading_changed.connect(self._show_busy)

    def _plan_panel(self) -> QFrame:
        panel = card("panel")
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(16, 12, 16, 12)
        head = QHBoxLayout()
        self.plan_title = label(tr("今日计划"), "pageTitle")
        head.addWidget(self.plan_title)
        head.addStretch(1)
        start = button(tr("开始检查…"), "primary", tip=tr("从计划开始，或开始一次临时检查"))
        start.clicked.connect(self.start_requested)
        head.addWidget(start)
        layout.addLayout(head)
        self.plan_row = QHBoxLayout()
        self.plan_row.setSpacing(10)
        holder = QWidget()
        holder.setLayout(self.plan_row)
        scroll = QScrollArea()
        scroll.setWidget(holder)
        scroll.setWidgetResizable(True)
        scroll.setFixedHeight(PLAN_HEIGHT)
        self.plan_scroll = scroll
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(scroll)
        return panel

    def _list_panel(self) -> QFrame:
        panel = card("panel")
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        head = QHBoxLayout()
        head.addWidget(label(tr("全部检查"), "pageTitle"))
        self.count = label("", "muted")
        head.addWidget(self.count)
        self.busy = label("", "muted")
        head.addWidget(self.busy)
        head.addStretch(1)
        layout.addLayout(head)
        self.filters = VisitFilterBar()
        layout.addWidget(self.filters)
        self.model = VisitTableModel(self.tasks, self.lister, panel)
        self.table = QTableView()
        self.table.setObjectName("visitTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(34)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()

        def fit(names: list[str], least: int) -> int:  # translated names differ in length
            return max([least, *(metrics.horizontalAdvance(n) + 24 for n in names)])

        widths = ((1, fit([n for _k, n in kinds()], 80)), (2, fit([n for _k, n in statuses()], 90)),
                  (3, 120), (4, 160), (5, 70), (6, fit([tr("保密"), tr("密级")], 70)))
        for column, width in widths:
            self.table.setColumnWidth(column, width)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.doubleClicked.connect(self._activated)
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)
        return panel

    def _show_total(self, total: int) -> None:
        self.count.setText(tr("共 {n} 条", n=total))

    def _show_busy(self, busy: bool) -> None:
        self.busy.setText(tr("正在读取…") if busy else "")

    def _activated(self, index: QModelIndex) -> None:
        row: VisitRow | None = self.model.data(index, ROW_ROLE)
        if row is not None:
            self.open_visit.emit(row.id)

    @classmethod
    def for_store(cls, ctx: AppContext, parent: QWidget | None = None) -> VisitsScreen:
        screen = cls(ctx.tasks, StoreLister(ctx.store), parent)
        screen.attach(ctx)
        return screen

    def attach(self, ctx: AppContext) -> None:
        """The store is open: read through it from now on, and offer its units as filters."""
        self.ctx = ctx
        self.lister = self.model.lister = StoreLister(ctx.store)
        self.tasks.run(data.unit_choices, ctx.store, owner=self, on_done=self.filters.set_units)

    def show_first(self, first: FirstScreen) -> None:
        """Show what start-up read before this screen existed."""
        self.model.show_first(first.filter, first.page)
        self._show_plan(first.plan)
        self.continue_banner.show_rows(first.in_progress)

    def load(self) -> None:
        """Read the list and today's plan (in the background)."""
        self.model.set_filter(self.filters.current())
        self.load_plan()

    def refresh(self) -> None:
        self.model.reload()
        self.load_plan()

    def load_plan(self) -> None:
        self.tasks.run(self.lister.todays_plan, date.today(), owner=self, on_done=self._show_plan)
        self.tasks.run(self.lister.in_progress, owner=self, on_done=self.continue_banner.show_rows)

    def _fit_plan_strip(self) -> None:
        """As tall as the tallest card (and its scroll bar), so no card is cut off."""
        cards = self.findChildren(PlanCard)
        tallest = max((max(card.sizeHint().height(), card.heightForWidth(CARD_WIDTH))
                       for card in cards if not card.isHidden()), default=0)
        bar = self.plan_scroll.horizontalScrollBar().sizeHint().height()
        self.plan_scroll.setFixedHeight(max(PLAN_HEIGHT, tallest + bar + 6) if tallest else PLAN_HEIGHT)

    def _show_plan(self, rows: list[VisitRow]) -> None:
        while self.plan_row.count():
            item = self.plan_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # out of _fit_plan_strip's measure until it is deleted
                widget.deleteLater()
        self.plan_title.setText(tr("今日计划（{n}）", n=len(rows)))
        for row in rows[:PLAN_CARDS]:
            self.plan_row.addWidget(PlanCard(row, self.open_visit.emit))
        if len(rows) > PLAN_CARDS:
            self.plan_row.addWidget(label(tr("另有 {n} 项今日计划，可在下方列表中筛选“计划”查看。",
                                             n=len(rows) - PLAN_CARDS), "emptyHint"))
        self._fit_plan_strip()
        # Again once laid out: a screen shown straight after it was built (start-up's first
        # screen) measures its cards before the style has reached every label.
        QTimer.singleShot(0, self._fit_plan_strip)
        if not rows:
            self.plan_row.addWidget(label(tr("今天没有计划中的检查。可点击右侧“开始检查…”进行临时检查。"), "emptyHint"))
        self.plan_row.addStretch(1)
