"""Photo import in the background with progress; shared by the photo grid, checklist items
and the finding editor of one visit."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from fieldcheck.domain.evidence import ImportReport
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.photos import data

IMAGE_FILTER = "*.jpg *.jpeg *.png *.tif *.tiff *.webp *.heic *.bmp *.JPG *.JPEG *.PNG"


class PhotoImporter(QObject):
    started = Signal(int)  # number of files
    progress = Signal(int, int)
    finished = Signal(object)  # ImportReport
    failed = Signal(object)

    def __init__(self, ctx: AppContext, visit_id: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.widget = parent
        self.ctx = ctx
        self.visit_id = visit_id
        self.running = False
        self.stop = threading.Event()
        self.last_report: ImportReport | None = None
        # One import at a time: two imports of the same file must not race for one row.
        self._queue: list[tuple[list[Path], str, str | None]] = []

    def start(self, paths: list[Path], item_key: str = "", finding_id: str | None = None) -> None:
        """Import files (dropped folders are expanded); the report arrives with `finished`."""
        files = data.expand([Path(p) for p in paths])
        if files:
            self._queue.append((files, item_key, finding_id))
            self._next()

    def _next(self) -> None:
        if self.running or not self._queue:
            return
        files, item_key, finding_id = self._queue.pop(0)
        self.running = True
        self.stop.clear()
        self.started.emit(len(files))
        self.ctx.tasks.run(
            data.import_files, self.ctx.store, self.visit_id, files, item_key, finding_id, self.stop,
            owner=self, on_done=self._done, on_error=self._failed, on_progress=self.progress.emit,
        )

    def cancel(self) -> None:
        """Stop after the photo in hand and drop what is queued; imported photos stay."""
        self._queue.clear()
        self.stop.set()

    def _done(self, report: ImportReport) -> None:
        self.running = False
        self.stop = threading.Event()
        self.last_report = report
        self.finished.emit(report)
        self._next()

    def _failed(self, exc: BaseException) -> None:
        from fieldcheck.ui.common.errors import show_exception

        self.running = False
        self.failed.emit(exc)
        self._next()
        show_exception(self.widget.window(), exc)
