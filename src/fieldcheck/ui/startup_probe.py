"""Start-up milestones for benchmarks/bench_startup.py (only with FIELDCHECK_EXIT_WHEN_SHOWN=1).

Prints, once each has been painted: `FIELDCHECK_WINDOW` (the main window's first paint),
`FIELDCHECK_SHOWN` (the visit list with its first page, or with no visits at all on an empty
store). Once the list is shown and the store is open it quits, or, with
FIELDCHECK_OPEN_VISIT=<id>, first opens that visit on its 照片 tab, waits for every thumbnail
and prints `FIELDCHECK_RSS <kB>` (resident memory) before quitting.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from fieldcheck.ui.boot import Boot
from fieldcheck.ui.main_window import MainWindow

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _say(line: str) -> None:
    print(line, flush=True)


class _NextPaint(QObject):
    """Calls `then` once, as soon as `widget` has painted next."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        from PySide6.QtCore import QEvent  # not before the first paint: a large enum to build

        super().__init__(widget)
        self.paint, self.widget, self.then = QEvent.Type.Paint, widget, then
        widget.installEventFilter(self)
        widget.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.widget and event.type() == self.paint:
            self.widget.removeEventFilter(self)
            QTimer.singleShot(0, self.then)  # after the rest of this paint
        return False


def report_start(app: QApplication, window: MainWindow, boot: Boot) -> None:
    window.first_painted.connect(lambda: _say("FIELDCHECK_WINDOW"))
    watching = said = opened = False

    def list_loaded(_busy: bool = False) -> None:
        nonlocal watching
        if window.visits is None or watching:
            return
        model = window.visits.model
        if model.loaded and not model.loading:  # rows, or a store without visits
            watching = True
            _NextPaint(window.visits.table.viewport(), shown)

    def shown() -> None:
        nonlocal said
        said = True
        _say("FIELDCHECK_SHOWN")
        finish()

    def finish() -> None:  # once the list is shown and the store is open, whichever is last
        if said and opened:
            _after_ready(app, window)

    def store_open() -> None:
        nonlocal opened
        opened = True
        watch_list()
        finish()

    def watch_list() -> None:
        if window.visits is not None:
            window.visits.model.loading_changed.connect(list_loaded)
            list_loaded()

    boot.first_screen.connect(lambda _first: watch_list())
    boot.ready.connect(lambda _opened: store_open())


def _after_ready(app: QApplication, window: MainWindow) -> None:
    visit_id = os.environ.get("FIELDCHECK_OPEN_VISIT")
    if not visit_id:
        QTimer.singleShot(0, lambda: app.exit(0))
        return
    workspace = window.open_visit(visit_id)
    assert workspace is not None
    workspace.tabs.setCurrentWidget(workspace.photos)
    poll = QTimer(window)

    def check() -> None:
        model = workspace.photos.model
        if model.rows and model.thumbnails_ready():
            poll.stop()
            QTimer.singleShot(0, lambda: (_say(f"FIELDCHECK_RSS {rss_kb()} {len(model.rows)}"),
                                          app.exit(0)))

    poll.timeout.connect(check)
    poll.start(100)
