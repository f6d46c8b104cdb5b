"""Child process of test_kill9_gui.py: works a visit through the real GUI, printing "ack"
after each step the app reports as saved, until the parent kills it with SIGKILL."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from PySide6.QtCore import QStandardPaths  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from test_whole_visit import answer_first_items, start_adhoc_visit  # noqa: E402
from ui_helpers import type_chinese  # noqa: E402

from fieldcheck.domain.checklist import publish_shipped_templates  # noqa: E402
from fieldcheck.store import open_store  # noqa: E402
from fieldcheck.ui.common.context import AppContext  # noqa: E402
from fieldcheck.ui.common.style import apply_style  # noqa: E402
from fieldcheck.ui.common.tasks import Tasks  # noqa: E402
from fieldcheck.ui.main_window import MainWindow  # noqa: E402
from fieldcheck.ui.visit.workspace import OBSERVATIONS  # noqa: E402


class Bot:
    """The few qtbot calls the shared GUI steps use, for a plain process."""

    def waitUntil(self, condition: Callable[[], Any], timeout: int = 10_000) -> None:  # noqa: N802
        end = time.monotonic() + timeout / 1000
        while not condition():
            if time.monotonic() > end:
                raise TimeoutError("condition not met")
            QTest.qWait(10)

    def keyClick(self, widget: Any, key: Any) -> None:  # noqa: N802
        QTest.keyClick(widget, key)

    @contextmanager
    def waitSignal(self, signal: Any, timeout: int = 5000) -> Iterator[None]:  # noqa: N802
        seen: list[object] = []
        signal.connect(lambda *args: seen.append(args))
        yield
        self.waitUntil(lambda: bool(seen), timeout)


def main() -> None:
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication(sys.argv)
    apply_style(app)
    store = open_store(Path(sys.argv[1]))
    store.set_identity("王建国", "清监字第2026001号")
    with store.write() as s:
        publish_shipped_templates(s)
    tasks = Tasks()
    ctx = AppContext(store, tasks, store.identity())
    window = MainWindow()
    window.show()
    window.attach(ctx)
    bot = Bot()
    ws = start_adhoc_visit(bot, window)  # type: ignore[arg-type]
    print("visit", ws.visit_id, flush=True)
    answer_first_items(bot, ctx, ws)  # type: ignore[arg-type]
    print("ack answers", flush=True)
    ws.tabs.setCurrentIndex(OBSERVATIONS)
    n = 0
    while True:
        n += 1
        type_chinese(ws.observations.entry, f"第{n}条现场观察")
        QTest.keyClick(ws.observations.entry, "\r")
        bot.waitUntil(lambda n=n: len(ws.observations.rows) == n)
        print("ack", n, flush=True)


if __name__ == "__main__":
    main()
