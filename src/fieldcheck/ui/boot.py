"""Start-up after the window shows: open the store off the GUI thread, publish templates,
fill the demo store, and ask who uses the laptop on first start.

A store that cannot be opened (locked, not a database, disk full) is reported clearly and
the app exits non-zero; nothing is created over it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from fieldcheck.i18n import tr
from fieldcheck.ui.common.tasks import Tasks

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from fieldcheck.domain.startup_check import CheckedStore
    from fieldcheck.store import Store
    from fieldcheck.store.database import Identity

log = logging.getLogger(__name__)

EXIT_STORE_ERROR = 2
DEMO_USER = ("演示用户", "演示证号0001")


@dataclass
class Opened:
    store: Store
    identity: Identity
    warnings: list[BaseException] = field(default_factory=list)
    checked: CheckedStore | None = None  # what the start-up check found


def open_and_prepare(data_dir: Path, demo: bool) -> Opened:
    """Worker: the slow part of start-up (SQLAlchemy import, migrations, template publishing)."""
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

        with store.write() as s:
            ensure_demo_store(s)
    return Opened(store, store.identity(), warnings)


class Boot(QObject):
    ready = Signal(object)  # Opened, once the laptop user is known
    quit_requested = Signal(int)

    def __init__(self, data_dir: Path, demo: bool, window: QWidget, tasks: Tasks) -> None:
        super().__init__(window)
        self.data_dir, self.demo, self.window, self.tasks = data_dir, demo, window, tasks
        self.exit_code: int | None = None
        self.identity_dialog: QWidget | None = None

    def start(self) -> None:
        self.tasks.run(open_and_prepare, self.data_dir, self.demo, owner=self,
                       on_done=self._opened, on_error=self._failed)

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
