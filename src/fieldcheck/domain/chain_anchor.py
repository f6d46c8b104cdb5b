"""The audit chain's head, kept outside the database (DESIGN §9).

Deleting the last audit events leaves a chain that is still consistent in itself; what gives
it away is a head recorded elsewhere that the database no longer reaches. After every commit
that extended the chain, its sequence number and hash are written (atomically, by rename)
to `audit-head.json` beside the database; `verify` checks that the database still holds that
event with that hash. The file may lag behind after a crash (it is written after the commit),
never run ahead. The sync anchors the chain on the server as well.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

FILE_NAME = "audit-head.json"


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str


def record_head(db_path: Path, head: ChainHead) -> None:
    """Best effort: the commit is done; a failure here only means the anchor lags."""
    target = db_path.parent / FILE_NAME
    temp = target.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            json.dump({"seq": head.seq, "hash": head.hash}, f)
        os.replace(temp, target)
    except OSError as exc:
        log.warning("could not record the audit chain's head: %s", exc)
        with contextlib.suppress(OSError):
            temp.unlink()


def read_head(data_dir: Path) -> ChainHead | None:
    """The recorded head, None when none was recorded yet; ValueError when it is unreadable."""
    path = data_dir / FILE_NAME
    try:
        raw = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    try:
        data = json.loads(raw)
        return ChainHead(int(data["seq"]), str(data["hash"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(str(exc)) from exc
