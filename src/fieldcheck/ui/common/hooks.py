"""Uncaught exceptions of the GUI thread and of other threads reach the person.

Installed before the window's first paint, so it imports only QtCore: the dialog
(`errors.show_exception`, which needs QtWidgets' dialog classes) is imported when the first
exception arrives.
"""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Carries an exception from any thread to the GUI thread."""

    raised = Signal(object)

    @Slot(object)
    def show(self, exc: BaseException) -> None:
        from fieldcheck.ui.common.errors import show_exception

        show_exception(None, exc)


_relay: _Relay | None = None


def install_exception_hooks() -> None:
    """Route uncaught exceptions of the GUI thread and of other threads to show_exception."""
    global _relay
    _relay = _Relay()
    _relay.raised.connect(_relay.show)

    def gui_hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        exc.__traceback__ = tb
        assert _relay is not None
        _relay.raised.emit(exc)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        log.error("uncaught exception in thread %s", getattr(args.thread, "name", "?"),
                  exc_info=args.exc_value)
        assert _relay is not None
        _relay.raised.emit(args.exc_value)

    sys.excepthook = gui_hook
    threading.excepthook = thread_hook
