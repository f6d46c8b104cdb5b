"""Start-up after the window's first paint, in this order (`Boot.start`):

1. `read_first_screen` (worker, `sqlite3` only, read-only, no module that uses Qt): the visit
   list's first page, today's plan and visits left in progress, shown at once
   (`first_screen`) while the rest loads. Skipped on a new store or one an older version must
   migrate first.
2. `open_and_prepare` (worker), once that first page has been painted (its import of
   SQLAlchemy holds the GIL for long stretches, and the list's paint asks the model for every
   cell): SQLAlchemy and the models are imported, the store is opened
   (and migrated) and checked (`domain.startup_check.open_checked`: the quick form, the full
   one after a session that did not end cleanly); a damaged store stays read-only and goes to
   the integrity gate (`ui/integrity_gate.py`). Only after the check do start-up's own writes
   run (interrupted issues, shipped templates, the demo store).
3. `ready` (GUI thread), once the laptop's user is known: `MainWindow.attach` gives the
   screens the store. Until then nothing can write: a visit opened or 开始检查 clicked
   meanwhile is remembered and done at this point.

A store that cannot be opened (locked, not a database, disk full) is reported clearly and
the app exits non-zero; nothing is created over it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from fieldcheck.i18n import tr

if TYPE_CHECKING:  # imported by the worker that reads the first page, not before the first paint
    from PySide6.QtWidgets import QWidget

    from fieldcheck.domain.startup_check import CheckedStore
    from fieldcheck.store import Store
    from fieldcheck.store.database import Identity
    from fieldcheck.ui.common.tasks import Tasks
    from fieldcheck.ui.main_window import MainWindow
    from fieldcheck.ui.visits.data import FirstScreen, Lister

log = logging.getLogger(__name__)

EXIT_STORE_ERROR = 2
DEMO_USER = ("演示用户", "演示证号0001")
NO_PAINT_MS = 1000  # a window that is never painted (started minimised) does not hold start-up


@dataclass
class Opened:
    store: Store
    identity: Identity
    warnings: list[BaseException] = field(default_factory=list)
    checked: CheckedStore | None = None  # what the start-up check found


def read_first_screen(data_dir: Path) -> tuple[Lister, FirstScreen] | None:
    """Worker, step 1: what the visit list shows first, read with `sqlite3` before the store is
    open (no SQLAlchemy import). None when the file is missing, new, or not at this version's
    schema; then the list appears once the store is open, as it always did.

    Nothing here may import a module that uses Qt: PySide6 builds its types and enums on first
    use, and two threads doing that at once can find a namespace half-built
    (`Qt has no attribute 'ItemDataRole'`)."""
    from fieldcheck.datadir import DB_NAME
    from fieldcheck.domain.visit_list import VisitFilter
    from fieldcheck.store import SCHEMA_HEAD
    from fieldcheck.ui.visits.data import PAGE_SIZE, FileLister, first_screen

    lister = FileLister.open(data_dir / DB_NAME, SCHEMA_HEAD)
    if lister is None:
        return None
    return lister, first_screen(lister, VisitFilter(), PAGE_SIZE, date.today())


def open_and_prepare(data_dir: Path, demo: bool) -> Opened:
    """Worker, step 2: the slow part of start-up (SQLAlchemy import, migrations, the check
    before writes, template publishing)."""
    from fieldcheck.domain.shipped import shipped_templates_published
    from fieldcheck.domain.startup_check import open_checked
    from fieldcheck.errors import FieldCheckError

    checked = open_checked(data_dir)  # quick check; the full one after an unclean end
    store = checked.store
    if checked.damaged:  # opened read-only: nothing below may write to it
        return Opened(store, checked.identity(), checked=checked)
    warnings: list[BaseException] = []
    from fieldcheck.domain.numbering import recover_interrupted

    with store.write() as s:
        burnt = recover_interrupted(s)  # an issue that crashed mid-way spent its number
    if burnt:
        log.warning("document numbers burnt by an interrupted issue: %s", burnt)
    if demo and not store.identity().is_set:
        store.set_identity(tr(DEMO_USER[0]), tr(DEMO_USER[1]))
    try:
        with store.read() as s:
            published = shipped_templates_published(s)
        if not published:
            from fieldcheck.domain.checklist import publish_shipped_templates

            with store.write() as s:
                publish_shipped_templates(s)
    except FieldCheckError as exc:  # a broken template must not keep the inspector out
        log.warning("templates not published: %s", exc)
        warnings.append(exc)
    if demo:
        from fieldcheck.domain.demo import ensure_demo_store
        from fieldcheck.domain.notice_settings import mark_demo_store

        mark_demo_store(data_dir)  # the fictional issuer may print numbers here

        with store.write() as s:
            added = ensure_demo_store(s)
        if added:
            from fieldcheck.domain.demo_quarter import tell_quarter

            tell_quarter(store)
    return Opened(store, store.identity(), warnings)


class Boot(QObject):
    first_screen = Signal(object)  # (Lister, FirstScreen): read before the store is open
    first_read = Signal()  # step 1 is over (shown, nothing to show, or failed); step 2 starts
    ready = Signal(object)  # Opened, once the laptop user is known
    quit_requested = Signal(int)

    def __init__(self, data_dir: Path, demo: bool, window: MainWindow, tasks: Tasks) -> None:
        super().__init__(window)
        self.data_dir, self.demo, self.window, self.tasks = data_dir, demo, window, tasks
        self.exit_code: int | None = None
        self.identity_dialog: QWidget | None = None
        self.opening = False

    def start(self) -> None:
        self.tasks.run(read_first_screen, self.data_dir, owner=self,
                       on_done=self._first_read, on_error=self._first_failed)

    def _first_read(self, first: tuple[Lister, FirstScreen] | None) -> None:
        if first is None:
            self._open()
            return
        self.first_screen.emit(first)
        # Step 2 imports SQLAlchemy on a worker, holding the GIL for long stretches, while the
        # list's paint calls the model once per cell: the first page is painted first.
        self.window.after_next_paint(self._open)
        QTimer.singleShot(NO_PAINT_MS, self._open)  # a window that is not painted (minimised)

    def _first_failed(self, exc: BaseException) -> None:
        # Only a head start was lost: opening the store reports what is wrong, in words.
        log.warning("first page not read before the store opened: %r", exc)
        self._open()

    def _open(self) -> None:
        if self.opening:
            return
        self.opening = True
        self.tasks.run(open_and_prepare, self.data_dir, self.demo, owner=self,
                       on_done=self._opened, on_error=self._failed)
        self.first_read.emit()

    def _failed(self, exc: BaseException) -> None:
        from fieldcheck.ui.common.errors import show_exception

        log.error("store could not be opened: %s", exc)
        dialog = show_exception(self.window, exc)
        dialog.finished.connect(lambda _r: self._quit(EXIT_STORE_ERROR))

    def _quit(self, code: int) -> None:
        self.exit_code = code
        self.quit_requested.emit(code)

    def _opened(self, opened: Opened) -> None:
        from fieldcheck.ui.common.errors import show_exception
        from fieldcheck.ui.integrity_gate import stops_start

        if stops_start(self, opened):  # a damaged store: the person chooses what happens
            return
        for warning in opened.warnings:
            show_exception(self.window, warning)
        if opened.identity.is_set:
            self.ready.emit(opened)
            return
        from fieldcheck.ui.identity.dialog import IdentityDialog

        dialog = IdentityDialog(opened.store, self.tasks, self.window)
        self.identity_dialog = dialog
        dialog.saved.connect(lambda identity: self.ready.emit(Opened(opened.store, identity)))
        dialog.rejected.connect(lambda: self._quit(0))
        dialog.open()
