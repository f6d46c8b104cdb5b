"""Start-up milestones for benchmarks/bench_startup.py (only with FIELDCHECK_EXIT_WHEN_SHOWN=1).

Prints, as each is painted: `FIELDCHECK_WINDOW` (the main window), `FIELDCHECK_SHOWN` (the
visit list with its first rows). Once the store is open it quits, or, with
FIELDCHECK_OPEN_VISIT=<id>, first opens that visit on its 照片 tab, waits for every thumbnail and prints
`FIELDCHECK_RSS <kB>` (resident memory) before quitting.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from fieldcheck.ui.boot import Boot
from fieldcheck.ui.main_window import MainWindow


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _say(line: str) -> None:
    print(line, flush=True)


def report_start(app: QApplication, window: MainWindow, boot: Boot) -> None:
    QTimer.singleShot(0, lambda: _say("FIELDCHECK_WINDOW"))  # after the first paint
    said = False
    opened = False

    def list_shown(_busy: bool = False) -> None:
        nonlocal said
        model = window.visits.model if window.visits is not None else None
        if not said and model is not None and model.rowCount() > 0:
            said = True
            QTimer.singleShot(0, lambda: (_say("FIELDCHECK_SHOWN"), finish()))

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
            window.visits.model.loading_changed.connect(list_shown)
            list_shown()

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
