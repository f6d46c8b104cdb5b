"""The one way to run work off the GUI thread (after Anki's QueryOp and Picard's thread.py).

`Tasks.run(fn, *args, on_done=..., on_error=...)` calls `fn(*args)` on a worker thread and
delivers its result or exception on the GUI thread. Worker functions never touch widgets:
they open their own Session (`store.read()` / `store.write()`), and hand back ids or plain
dataclasses, never ORM objects bound to a session.

Database writes go to a pool of one thread (`write=True`) so they commit in the order the
person made them; reads, scans, imports and thumbnails share the general pool.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int], None]
PROGRESS_INTERVAL_S = 0.1  # batch progress: hundreds of signals back to back freeze painting


class _Delivery(QObject):
    """Lives on the GUI thread; its slots run there when the worker emits.

    Everything a task refers to (its function, arguments, callbacks, owner, the Tasks) is
    released here, on the GUI thread, once the result is delivered: the worker drops its own
    references before it emits, and Tasks keeps this object's Python side until Qt has
    destroyed it on the GUI thread. A Qt object whose last reference fell on a worker thread
    would be destroyed there (a crash at random, seen at the end of tests)."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)

    def __init__(
        self,
        tasks: Tasks,
        owner: QObject | None,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_progress: Callable[[int, int], None] | None,
        work: tuple[Callable[..., Any], tuple[Any, ...]],
    ) -> None:
        super().__init__()
        self._tasks: Tasks | None = tasks
        self._owner = owner
        self._on_done = on_done
        self._on_error = on_error
        self._on_progress = on_progress
        self._work: tuple[Callable[..., Any], tuple[Any, ...]] | None = work
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_failed)
        self.progress.connect(self._deliver_progress)

    def _release(self) -> None:
        tasks, self._tasks = self._tasks, None
        self._owner = self._on_done = self._on_error = self._on_progress = None
        self._work = None
        assert tasks is not None
        tasks._finished(self)

    def _owner_alive(self) -> bool:
        return self._owner is None or shiboken6.isValid(self._owner)

    @Slot(object)
    def _deliver_done(self, result: object) -> None:
        try:
            if self._on_done is not None and self._owner_alive():
                self._on_done(result)
        finally:
            self._release()

    @Slot(object)
    def _deliver_failed(self, exc: BaseException) -> None:
        try:
            if not self._owner_alive():
                log.warning("result of a closed screen dropped: %r", exc)
            elif self._on_error is not None:
                self._on_error(exc)
            else:
                from fieldcheck.ui.common.errors import show_exception

                show_exception(_window_of(self._owner), exc)
        finally:
            self._release()

    @Slot(int, int)
    def _deliver_progress(self, done: int, total: int) -> None:
        if self._on_progress is not None and self._owner_alive():
            self._on_progress(done, total)


class _Job(QRunnable):
    def __init__(self, delivery: _Delivery, with_progress: bool) -> None:
        super().__init__()
        self._delivery = delivery
        self._with_progress = with_progress
        self._last_progress = 0.0

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last_progress >= PROGRESS_INTERVAL_S:
            self._last_progress = now
            self._delivery.progress.emit(done, total)

    def run(self) -> None:
        work = self._delivery._work
        assert work is not None
        fn, args = work
        del work
        try:
            if self._with_progress:
                result = fn(*args, progress=self._progress)
            else:
                result = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - every failure is delivered, none is lost
            del fn, args  # before the delivery can release the last reference (see _Delivery)
            if not _is_expected(exc):
                log.error("background task failed", exc_info=exc)
            if self._deliverable():
                self._delivery.failed.emit(exc)
        else:
            del fn, args
            if self._deliverable():
                self._delivery.done.emit(result)

    def _deliverable(self) -> bool:
        """False when the app tore its task objects down while this ran (closing): emitting
        on a deleted QObject would crash the process; the work itself is already committed."""
        if shiboken6.isValid(self._delivery):
            return True
        log.warning("background task finished after its screen was closed; result dropped")
        return False


def _is_expected(exc: BaseException) -> bool:
    from fieldcheck.errors import FieldCheckError

    return isinstance(exc, FieldCheckError)


def _window_of(owner: QObject | None) -> Any:
    window = getattr(owner, "window", None)
    return window() if callable(window) else None


class Tasks(QObject):
    """Background work for the whole app; `pending` counts tasks not yet delivered."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max(2, min(4, QThreadPool.globalInstance().maxThreadCount())))
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._live: set[_Delivery] = set()
        self._retired: set[_Delivery] = set()  # delivered, until Qt has destroyed them here

    @property
    def pending(self) -> int:
        return len(self._live)

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        owner: QObject | None = None,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        write: bool = False,
    ) -> None:
        """Run fn(*args) in the background; with on_progress, fn also gets `progress=`.

        Callbacks run on the GUI thread, and not at all once `owner` has been deleted.
        Without on_error, a failure is shown with show_exception.
        """
        delivery = _Delivery(self, owner, on_done, on_error, on_progress, (fn, args))
        self._live.add(delivery)
        job = _Job(delivery, with_progress=on_progress is not None)
        (self._writer if write else self._pool).start(job)

    def write(self, fn: Callable[..., Any], *args: Any, **callbacks: Any) -> None:
        """Shorthand for a database write: serialised, in the order asked."""
        self.run(fn, *args, write=True, **callbacks)

    def _finished(self, delivery: _Delivery) -> None:
        self._live.discard(delivery)
        self._retired = {d for d in self._retired if shiboken6.isValid(d)}
        self._retired.add(delivery)
        delivery.deleteLater()
        if not self._live:
            self.idle.emit()

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until every queued write and task has run (used when the app closes)."""
        writes_done = self._writer.waitForDone(msecs)
        return self._pool.waitForDone(msecs) and writes_done
