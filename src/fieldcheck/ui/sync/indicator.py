"""The status bar's sync corner: the indicator (a click explains it), photo progress, open
conflicts, 立即同步, and the menu of the sync screens."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QMenu, QMessageBox, QProgressBar, QPushButton, QWidget

from fieldcheck.i18n import tr
from fieldcheck.sync.status import SyncStatus
from fieldcheck.ui.common.style import ACCENT, MUTED, NAVY
from fieldcheck.ui.common.widgets import button
from fieldcheck.ui.sync.controller import Indicator

COLOURS = {"local": MUTED, "offline": "#8a6100", "syncing": NAVY, "ok": "#2e7d32",
           "waiting": NAVY, "error": ACCENT, "revoked": ACCENT}


class SyncCorner(QWidget):
    sync_requested = Signal()
    enrol_requested = Signal()
    conflicts_requested = Signal()
    plan_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current = Indicator("local", "")
        self.details: QMessageBox | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 6, 0)
        row.setSpacing(8)
        self.state = QPushButton()
        self.state.setObjectName("syncIndicator")
        self.state.setFlat(True)
        self.state.clicked.connect(self.explain)
        self.bar = QProgressBar()
        self.bar.setFixedWidth(120)
        self.bar.setFixedHeight(8)
        self.bar.setTextVisible(False)
        self.bar.hide()
        self.conflicts = button("", "danger", tip=tr("两台电脑改了同一内容：选择保留哪一个"))
        self.conflicts.clicked.connect(self.conflicts_requested)
        self.conflicts.hide()
        self.now = button(tr("立即同步"))
        self.now.clicked.connect(self.sync_requested)
        self.menu_button = button(tr("服务器…"))
        self.menu = QMenu(self)
        self.enrol_action = self.menu.addAction(tr("登记本机…"), self.enrol_requested.emit)
        self.conflicts_action = self.menu.addAction(tr("冲突与被拒的更改…"), self.conflicts_requested.emit)
        self.plan_action = self.menu.addAction(tr("为检查组安排计划…"), self.plan_requested.emit)
        self.plan_action.setVisible(False)
        self.menu_button.setMenu(self.menu)
        for widget in (self.state, self.bar, self.conflicts, self.now, self.menu_button):
            row.addWidget(widget)

    def show_indicator(self, indicator: Indicator) -> None:
        self.current = indicator
        colour = COLOURS.get(indicator.kind, MUTED)
        self.state.setText("● " + indicator.text)
        self.state.setStyleSheet(f"QPushButton {{ color: {colour}; border: none; padding: 2px 6px; }}"
                                 f"QPushButton:hover {{ text-decoration: underline; }}")
        self.state.setToolTip(indicator.detail or indicator.text)
        self.bar.setVisible(indicator.kind == "syncing" and indicator.total > 0)
        if indicator.total:
            self.bar.setRange(0, indicator.total)
            self.bar.setValue(indicator.done)
        self.now.setEnabled(indicator.kind not in ("syncing", "local", "revoked"))

    def show_status(self, status: SyncStatus) -> None:
        n = status.open_conflicts
        self.conflicts.setText(tr("{n} 个冲突待处理", n=n))
        self.conflicts.setVisible(n > 0)
        self.enrol_action.setText(tr("重新登记本机…") if status.enrolled else tr("登记本机…"))
        self.plan_action.setVisible(status.can_plan)
        self.now.setVisible(status.enrolled)

    def explain(self) -> None:
        """A click on the indicator: what it means and what to do (not enrolled: enrol)."""
        if self.current.kind == "local":
            self.enrol_requested.emit()
            return
        if self.current.kind in ("ok", "waiting", "offline") and not self.current.detail:
            self.sync_requested.emit()
            return
        icon = (QMessageBox.Icon.Warning if self.current.kind in ("error", "revoked", "offline")
                else QMessageBox.Icon.Information)
        box = QMessageBox(icon, tr("同步状态"), self.current.text, parent=self.window())
        box.setInformativeText(self.current.detail)
        self.details = box
        box.open()
