"""What a program that writes a store does first, when nothing else can be writing it (it
holds the data folder's lock): numbers reserved by an issue that never finished are burnt,
and a notice PDF's temporary file left by a crash is removed.

The GUI does the same at start-up (ui/boot.py); a laptop used only from the command line
gets it here.
"""

from __future__ import annotations

import logging
import time

from fieldcheck.domain.numbering import recover_interrupted
from fieldcheck.photos.durable import TEMP_PREFIX
from fieldcheck.store.database import Store

log = logging.getLogger(__name__)

STALE_TEMP_S = 3600.0


def tidy_after_open(store: Store) -> list[int]:
    """Returns the document numbers burnt."""
    with store.write() as s:
        burnt = recover_interrupted(s)
    if burnt:
        log.warning("document numbers burnt by an interrupted issue: %s", burnt)
    remove_notice_temps(store, STALE_TEMP_S)
    return burnt


def remove_notice_temps(store: Store, older_than_s: float) -> int:
    folder = store.data_dir / "notices"
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than_s
    removed = 0
    for temp in folder.glob(f"{TEMP_PREFIX}*"):
        try:
            if temp.stat().st_mtime <= cutoff:
                temp.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
