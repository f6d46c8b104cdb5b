"""`run_app`: the GUI entry point called by `fieldcheck [--data-dir D] [--demo]`.

The window shows first; the visit list's first page is read with sqlite3 and shown while
SQLAlchemy loads and the store is opened in the background (boot.py), so start-up stays
fast with any number of visits.
"""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from fieldcheck import __version__
from fieldcheck.datadir import DataDirBusy, DataDirLock
from fieldcheck.errors import FieldCheckError
from fieldcheck.i18n import language, tr
from fieldcheck.ui.boot import EXIT_STORE_ERROR, Boot, Opened
from fieldcheck.ui.common.errors import install_exception_hooks, show_exception
from fieldcheck.ui.common.qt_language import install_qt_translations
from fieldcheck.ui.common.style import apply_style
from fieldcheck.ui.common.tasks import Tasks
from fieldcheck.ui.main_window import MainWindow
from fieldcheck.ui.single_instance import WindowBeacon, ask_running_window

log = logging.getLogger(__name__)

EXIT_BUSY = 3  # another FieldCheck program writes the data folder
LOG_BYTES = 1_000_000
LOG_BACKUPS = 5


def setup_logging(data_dir: Path) -> Path | None:
    """A rotating log file in data_dir/logs; no secret is ever logged."""
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
    root = logging.getLogger()
    for existing in root.handlers:  # the console keeps showing only warnings
        if existing.level == logging.NOTSET:
            existing.setLevel(logging.WARNING)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


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
    QTimer.singleShot(0, boot.start)
    return window, boot, tasks


def run_app(data_dir: Path, demo: bool) -> int:
    app = make_application()
    install_exception_hooks()
    lock = DataDirLock(data_dir)
    try:
        held = lock.try_acquire()
    except FieldCheckError as exc:
        show_exception(None, exc, block=True)
        return EXIT_STORE_ERROR
    if not held:
        return _second_start(data_dir, lock)
    try:
        setup_logging(data_dir)
        log.info("FieldCheck %s starting, data dir %s, demo=%s", __version__, data_dir, demo)
        window, boot, tasks = build(data_dir, demo)
        WindowBeacon(data_dir, window)
        boot.quit_requested.connect(app.exit)
        if os.environ.get("FIELDCHECK_EXIT_WHEN_SHOWN"):
            from fieldcheck.ui.startup_probe import report_start

            report_start(app, window, boot)
        code = app.exec()
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
