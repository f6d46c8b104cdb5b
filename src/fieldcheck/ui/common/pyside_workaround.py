"""Work around a reference-counting bug of PySide6 6.12 on Python 3.11.

Some bindings hand back None (every void method, e.g. setText) or True (Signal.emit)
without a new reference. Since Python 3.12 these singletons are immortal and nothing
happens; on 3.11 each call takes one reference away, and after a few thousand calls the
interpreter aborts with "Fatal Python error: none_dealloc / bool_dealloc". A session of
an inspector makes that many calls in minutes.

None, True and False are never freed anyway, so giving them a reference count no session
can use up is safe. Remove this module once the binding (or the Python floor) is fixed.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

HEADROOM = 1 << 40  # ~10^12 lost references before any trouble
_done = False


def protect_singletons() -> bool:
    """Make None, True and False effectively immortal on Python < 3.12; True if applied."""
    global _done
    if _done or sys.version_info >= (3, 12):
        return False
    for singleton in (None, True, False):
        # CPython 3.11: ob_refcnt is the first field of every object, at id(obj).
        ctypes.c_ssize_t.from_address(id(singleton)).value += HEADROOM
    _done = True
    return True


def binding_leaks_references() -> bool:
    """Whether this PySide6 takes references from None (logged once at start-up)."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("probe")
    return sys.getrefcount(None) - before <= -32
