"""`run_app`: the GUI entry point called by `fieldcheck [--data-dir D] [--demo]`.

The window paints first: until then start-up loads and builds only what that paint needs (Qt's
widgets, the style, the window with its app bar; not even the `Qt` namespace, see
BENCHMARKS.md). Right after the first paint the store's first read starts (boot.py): the visit
list's first page is read with sqlite3 and shown while SQLAlchemy loads and the store is opened
in the background, so start-up stays fast with any number of visits. Once that first page is
on screen (or known to wait for the store), the log file opens (what was logged before is kept
and written first) and the single-instance beacon starts listening. Nothing in the window can
be clicked before the event loop runs, and every click after it waits for the store (boot.py).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from fieldcheck import __version__
from fieldcheck.datadir import DataDirBusy, DataDirLock
from fieldcheck.errors import FieldCheckError
from fieldcheck.i18n import language, tr
from fieldcheck.ui.boot import EXIT_STORE_ERROR, NO_PAINT_MS, Boot, Opened
from fieldcheck.ui.common.hooks import install_exception_hooks
from fieldcheck.ui.common.qt_language import install_qt_translations
from fieldcheck.ui.common.style import apply_style
from fieldcheck.ui.common.tasks import Tasks
from fieldcheck.ui.main_window import MainWindow

log = logging.getLogger(__name__)

EXIT_BUSY = 3  # another FieldCheck program writes the data folder
LOG_BYTES = 1_000_000
LOG_BACKUPS = 5
LATER_AT_MOST_MS = 5000  # nor the log file and the single-instance beacon


class EarlyLog(logging.Handler):
    """Keeps what is logged before the log file opens (after the first paint)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def start_logging() -> EarlyLog:
    """INFO and up is kept from now on; the console keeps showing only warnings."""
    root = logging.getLogger()
    for existing in root.handlers:
        if existing.level == logging.NOTSET:
            existing.setLevel(logging.WARNING)
    early = EarlyLog()
    root.addHandler(early)
    root.setLevel(logging.INFO)
    return early


def setup_logging(data_dir: Path, early: EarlyLog | None = None) -> Path | None:
    """A rotating log file in data_dir/logs; no secret is ever logged. What `early` kept is
    written to it first."""
    from logging.handlers import RotatingFileHandler

    root = logging.getLogger()
    if early is not None:
        root.removeHandler(early)
    try:
        folder = data_dir / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "fieldcheck.log"
        handler = RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS,
                                      encoding="utf-8")
        folder.chmod(0o700)
        path.chmod(0o600)
    except OSError as exc:
        print(tr("无法写入日志文件：{error}", error=exc), file=sys.stderr)
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    for record in early.records if early is not None else []:
        handler.handle(record)
    for existing in root.handlers:  # the console keeps showing only warnings
        if existing.level == logging.NOTSET:
            existing.setLevel(logging.WARNING)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def after_first_paint(window: MainWindow, *steps: Callable[[], object]) -> None:
    """Run `steps` once, in order, right after the window's first paint (or after NO_PAINT_MS
    if it is not painted by then)."""
    done = False

    def run() -> None:
        nonlocal done
        if done:
            return
        done = True
        for step in steps:
            step()

    if window.painted:
        QTimer.singleShot(0, run)
        return
    # Queued, not called: whatever else waits for the first paint hears of it first.
    window.first_painted.connect(lambda: QTimer.singleShot(0, run))
    QTimer.singleShot(NO_PAINT_MS, run)


def make_application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    app.setApplicationName("FieldCheck")
    app.setOrganizationName("FieldCheck")
    app.setApplicationDisplayName(tr("效能监察现场检查"))
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("fieldcheck")  # the installed fieldcheck.desktop: its icon and name
    app.setWindowIcon(QIcon.fromTheme("fieldcheck", app.windowIcon()))  # the .deb's hicolor icon
    install_qt_translations(app, language())
    apply_style(app)
    return app


def build(data_dir: Path, demo: bool) -> tuple[MainWindow, Boot, Tasks]:
    """The window, shown, and the start-up that fills it (tests drive this without exec)."""
    from fieldcheck.ui.common.prefs import use_data_dir

    use_data_dir(data_dir)  # the window's size and the like are kept in the data folder
    tasks = Tasks(QApplication.instance())
    window = MainWindow(demo=demo)
    window.show()
    boot = Boot(data_dir, demo, window, tasks)
    boot.first_screen.connect(lambda first: window.show_first_screen(tasks, first))

    def ready(opened: Opened) -> None:
        from fieldcheck.ui.common.context import AppContext

        window.attach(AppContext(opened.store, tasks, opened.identity, demo))

    boot.ready.connect(ready)
    after_first_paint(window, boot.start)
    return window, boot, tasks


def run_app(data_dir: Path, demo: bool) -> int:
    app = make_application()
    lock = DataDirLock(data_dir)
    try:
        held = lock.try_acquire()
    except FieldCheckError as exc:
        from fieldcheck.ui.common.errors import show_exception

        show_exception(None, exc, block=True)
        return EXIT_STORE_ERROR
    if not held:
        return _second_start(data_dir, lock)
    try:
        early = start_logging()
        log.info("FieldCheck %s starting, data dir %s, demo=%s", __version__, data_dir, demo)
        install_exception_hooks()
        window, boot, tasks = build(data_dir, demo)
        boot.quit_requested.connect(app.exit)
        beacon: QObject | None = None

        def log_file_and_beacon() -> None:
            nonlocal beacon
            if beacon is not None:
                return
            setup_logging(data_dir, early)
            from fieldcheck.ui.single_instance import WindowBeacon

            beacon = WindowBeacon(data_dir, window)

        # Once the first page is on screen (or known to wait for the store), not before it.
        boot.first_read.connect(lambda: QTimer.singleShot(0, log_file_and_beacon))
        QTimer.singleShot(LATER_AT_MOST_MS, log_file_and_beacon)  # a window never painted
        if os.environ.get("FIELDCHECK_EXIT_WHEN_SHOWN"):
            from fieldcheck.ui.startup_probe import report_start

            report_start(app, window, boot)
        code = app.exec()
        if early in logging.getLogger().handlers:  # it ended before the log file was due
            setup_logging(data_dir, early)
        tasks.wait()
        if window.ctx is not None:
            window.ctx.store.close()
            from fieldcheck.domain.startup_check import mark_clean_exit

            mark_clean_exit(data_dir)  # the next start need not run the full check
        log.info("FieldCheck exits with %s", code)
        return code
    finally:
        lock.release()


def _second_start(data_dir: Path, lock: DataDirLock) -> int:
    """The folder is taken: bring its window forward, or say who holds it."""
    from fieldcheck.ui.common.errors import show_exception
    from fieldcheck.ui.single_instance import ask_running_window

    if ask_running_window(data_dir):
        print(tr("FieldCheck 已在使用数据目录 {path}，已切换到正在运行的窗口。", path=data_dir))
        return 0
    try:
        lock.acquire()
    except DataDirBusy as exc:  # a command-line import, or a window that does not answer
        print(tr("错误：{message}", message=exc), file=sys.stderr)
        show_exception(None, exc, block=True)
        return EXIT_BUSY
    lock.release()  # freed meanwhile: the other program just ended
    return run_app(data_dir, demo=False)
