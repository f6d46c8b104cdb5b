"""Guard against a Qt binding that leaks references to None/True (PySide6 6.12.0 on
Python 3.11 aborted the interpreter after about a thousand signal emits)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    changed = Signal(int)


def test_void_calls_and_emits_keep_singleton_refcounts() -> None:
    emitter = _Emitter()
    received: list[int] = []
    emitter.changed.connect(received.append)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for n in range(5000):
        emitter.setObjectName("probe")  # a method returning nothing
        emitter.changed.emit(n)
    assert len(received) == 5000
    # Allow small drift from unrelated objects; a leaking binding loses thousands.
    assert abs(sys.getrefcount(None) - none_before) < 100
    assert abs(sys.getrefcount(True) - true_before) < 100
