"""The main window only assembles: an app bar, the visit list, and one visit workspace.

It appears before the store is open (start-up work runs in the background, see boot.py).
The visit list may come first, read before the store is open (`show_first_screen`); every
screen that needs the store is built in `attach`. A visit opened or 开始检查 clicked before
then is remembered and done in `attach`, so no click is lost or fails.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.i18n import tr
from fieldcheck.ui.common.prefs import prefs
from fieldcheck.ui.common.widgets import button, label

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox  # its enums cost a little before the first paint

    from fieldcheck.ui.common.context import AppContext
    from fieldcheck.ui.common.tasks import Tasks
    from fieldcheck.ui.followup.screen import FollowupScreen
    from fieldcheck.ui.start_visit.dialog import StartVisitDialog
    from fieldcheck.ui.sync.mount import SyncMount
    from fieldcheck.ui.visit.workspace import VisitWorkspace
    from fieldcheck.ui.visits.data import FirstScreen, Lister
    from fieldcheck.ui.visits.screen import VisitsScreen


class MainWindow(QMainWindow):
    # Once, when the window's first paint is done (the app bar and every child included):
    # start-up's other work waits for it (ui/app.py), so nothing delays the first paint.
    # Building the window must not touch `Qt` (PySide6 builds that namespace's ~180 enums on
    # first use, ~40 ms here).
    first_painted = Signal()

    def __init__(self, demo: bool = False) -> None:
        super().__init__()
        self.painted = False
        self._after_paint: list[Callable[[], object]] = []
        self.ctx: AppContext | None = None
        self.visits: VisitsScreen | None = None
        self.workspace: VisitWorkspace | None = None
        self.start_dialog: StartVisitDialog | None = None
        self.demo = demo
        self.sync: SyncMount | None = None
        self.followup: FollowupScreen | None = None
        self.pending: Callable[[], object] | None = None  # asked for before the store was open
        self.closed = False
        self.show_title(tr("检查列表"))
        self.setMinimumSize(1200, 720)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._app_bar(demo))
        self.stack = QStackedWidget()
        self.loading = label(tr("正在打开本机数据库…"), "startHint")  # centred by the style sheet
        self.stack.addWidget(self.loading)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self._restore_geometry()

    def show_title(self, what: str) -> None:
        """What is on screen; Qt adds the application's name (applicationDisplayName)."""
        self.setWindowTitle(what + (" — " + tr("演示数据") if self.demo else ""))

    def _app_bar(self, demo: bool) -> QWidget:
        bar = QFrame()  # a frame paints its style sheet background by itself
        bar.setObjectName("appBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(20, 10, 20, 10)
        row.addWidget(label(tr("效能监察现场检查"), "appTitle"))
        subtitle = tr("演示数据（虚构城市，仅供练习）") if demo else tr("离线工作台")
        row.addWidget(label(subtitle, "appSubtitle"))
        row.addStretch(1)
        self.user = label("", "appSubtitle")
        row.addWidget(self.user)
        self.settings = button(tr("文书设置…"), tip=tr("发文机关、机关代字、印章等"))
        self.settings.clicked.connect(self.open_settings)
        self.settings.setVisible(False)
        row.addWidget(self.settings)
        self.followup_button = button(tr("跟踪问效"), tip=tr("整改台账、复查、通报、追责提示、统计"))
        self.followup_button.clicked.connect(self.show_followup)
        self.followup_button.setEnabled(False)
        row.addWidget(self.followup_button)
        self.about = button(tr("关于"), tip=tr("版本、构建与数据目录"))
        self.about.clicked.connect(self.open_about)
        row.addWidget(self.about)
        self.verify = button(tr("核验数据…"), tip=tr("逐一核对数据库、审计链、照片原件和已签发文书"))
        self.verify.clicked.connect(self.verify_data)
        self.verify.setVisible(False)
        row.addWidget(self.verify)
        self.home = button(tr("检查列表"))
        self.home.clicked.connect(self.show_list)
        self.home.setEnabled(False)
        row.addWidget(self.home)
        return bar

    def show_first_screen(self, tasks: Tasks, first: tuple[Lister, FirstScreen]) -> None:
        """The visit list as read before the store is open (ui/boot.py, step 1)."""
        if self.visits is not None:
            return
        lister, screen = first
        self._add_visits_screen(tasks, lister)
        assert self.visits is not None
        self.visits.show_first(screen)

    def _add_visits_screen(self, tasks: Tasks, lister: Lister) -> None:
        from fieldcheck.ui.visits.screen import VisitsScreen

        self.visits = VisitsScreen(tasks, lister)
        self.visits.open_visit.connect(self.open_visit)
        self.visits.start_requested.connect(self.start_visit)
        self.stack.addWidget(self.visits)
        self.stack.setCurrentWidget(self.visits)

    def attach(self, ctx: AppContext) -> None:
        """The store is open and the user known: build the screens."""
        from fieldcheck.ui.visits.data import StoreLister

        self.ctx = ctx
        self.user.setText(tr("使用人：{name}　{no}", name=ctx.identity.user_name,
                             no=ctx.identity.credential_no))
        if self.visits is None:
            self._add_visits_screen(ctx.tasks, StoreLister(ctx.store))
            assert self.visits is not None
            self.visits.attach(ctx)
            self.visits.load()
        else:
            self.visits.attach(ctx)
            if ctx.demo:
                self.visits.refresh()  # start-up may just have filled the demo store
        self.home.setEnabled(True)
        self.followup_button.setEnabled(True)
        self.settings.setVisible(find_spec("fieldcheck.ui.settings") is not None)
        self.verify.setVisible(True)
        self.sync = None
        # The sync bar's modules (notices; the HTTP client only at the first sync) load on a
        # worker, off the first paint.
        ctx.tasks.run(_load_sync_modules, owner=self, on_done=lambda _none: self._mount_sync(ctx))
        if self.pending is not None:
            pending, self.pending = self.pending, None
            self.visits.busy.setText("")
            pending()

    def _mount_sync(self, ctx: AppContext) -> None:
        from fieldcheck.ui.sync.mount import SyncMount

        if self.closed:
            return  # closed while the modules loaded: no sync may start on a closing window
        self.sync = SyncMount(self, ctx, start=not ctx.demo)
        if self.workspace is not None:
            self.sync.attach_visit(self.workspace, self.workspace.visit_id)

    def _later(self, action: Callable[[], object]) -> None:
        """Before the store is open: do `action` as soon as it is (the last request wins)."""
        self.pending = action
        if self.visits is not None:
            self.visits.busy.setText(tr("正在打开本机数据库，稍候自动继续…"))

    def open_visit(self, visit_id: str) -> VisitWorkspace | None:
        from fieldcheck.ui.visit.workspace import VisitWorkspace

        if self.ctx is None:
            self._later(lambda: self.open_visit(visit_id))
            return None
        self._close_workspace()
        self.workspace = VisitWorkspace(self.ctx, visit_id)
        self.workspace.back_requested.connect(self.show_list)
        self.workspace.visit_changed.connect(self._visit_changed)
        self.workspace.unit_shown.connect(self.show_title)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        if self.sync is not None:
            self.sync.attach_visit(self.workspace, visit_id)
        return self.workspace

    def _visit_changed(self, _visit_id: str) -> None:
        if self.visits is not None:
            self.visits.refresh()

    def _close_workspace(self) -> None:
        if self.workspace is not None:
            self.workspace.close_workspace()
            self.stack.removeWidget(self.workspace)
            self.workspace.deleteLater()
            self.workspace = None

    def show_list(self) -> None:
        if self.visits is None:
            return
        self._close_workspace()
        self.stack.setCurrentWidget(self.visits)
        self.show_title(tr("检查列表"))
        self.visits.refresh()

    def show_followup(self) -> FollowupScreen:
        """跟踪问效: built once, refreshed each time it is shown."""
        from fieldcheck.ui.followup.screen import FollowupScreen

        assert self.ctx is not None
        self._close_workspace()
        if self.followup is None:
            self.followup = FollowupScreen(self.ctx)
            self.followup.visits_changed.connect(lambda: self.visits.refresh() if self.visits else None)
            self.stack.addWidget(self.followup)
        self.stack.setCurrentWidget(self.followup)
        self.show_title(tr("跟踪问效"))
        self.followup.load()
        return self.followup

    def start_visit(self) -> StartVisitDialog | None:
        from fieldcheck.ui.start_visit.dialog import StartVisitDialog

        if self.ctx is None:
            self._later(self.start_visit)
            return None
        self.start_dialog = StartVisitDialog(self.ctx, self)
        self.start_dialog.started.connect(self.open_visit)
        self.start_dialog.open()
        return self.start_dialog

    def verify_data(self) -> None:
        from fieldcheck.ui.integrity_gate import verify_on_demand

        if self.ctx is not None:
            verify_on_demand(self, self.ctx)

    def open_settings(self) -> None:
        from fieldcheck.ui.settings import open_settings_dialog

        assert self.ctx is not None
        open_settings_dialog(self, self.ctx.store.data_dir, self.ctx)

    def open_about(self) -> QMessageBox:
        from fieldcheck.ui.common.about import open_about

        return open_about(self, self.ctx.store.data_dir if self.ctx is not None else None)

    def _restore_geometry(self) -> None:
        saved = prefs().value("main_window/geometry")
        if isinstance(saved, QByteArray) and not saved.isEmpty():
            self.restoreGeometry(saved)
        else:
            self.resize(1440, 900)

    def after_next_paint(self, action: Callable[[], object]) -> None:
        """Run `action` once the window's next paint is done: what is on screen now is seen
        before slower work starts."""
        self._after_paint.append(action)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        waiting, self._after_paint = self._after_paint, []
        if not self.painted:
            self.painted = True
            waiting.insert(0, self.first_painted.emit)
        for action in waiting:
            QTimer.singleShot(0, action)  # after the children's paint

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed = True
        if self.workspace is not None:
            self.workspace.close_workspace()
        prefs().setValue("main_window/geometry", self.saveGeometry())
        if self.sync is not None:
            self.sync.shutdown()  # a running sync stops at its next committed step
        if self.ctx is not None:
            self.ctx.tasks.wait()  # queued saves reach the disk before the process ends
        super().closeEvent(event)


def _load_sync_modules() -> None:
    """Worker: import what the sync bar needs (Qt-free modules only)."""
    import fieldcheck.ui.sync.data  # noqa: F401
