"""kill -9 of the real GUI in the middle of a visit: after a restart, everything the app
showed as saved is in the store, and the store is intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from fieldcheck.domain.changes import verify_chain
from fieldcheck.domain.checklist import answers_of
from fieldcheck.models import Observation, Visit
from fieldcheck.store import open_store

pytestmark = [pytest.mark.gui, pytest.mark.slow]
CHILD = Path(__file__).with_name("kill9_child.py")


def test_kill9_mid_visit_loses_nothing_acknowledged(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, str(CHILD), str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    visit_id, acked = None, 0
    answers_acked = False
    try:
        for line in proc.stdout:
            word, _, rest = line.strip().partition(" ")
            if word == "visit":
                visit_id = rest
            elif rest == "answers":
                answers_acked = True
            elif word == "ack":
                acked = int(rest)
                if acked >= 15:
                    break
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert visit_id and answers_acked and acked >= 15, proc.stderr.read() if proc.stderr else ""

    store = open_store(tmp_path)  # the restart
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    with store.read() as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None and visit.status == "in_progress"
        answers = answers_of(s, visit_id)
        assert answers["staff_on_duty"] == "no" and answers["absence_minutes"] == 20
        assert answers["window_name"] == "社保经办窗口（市人社局）"
        logged = set(s.scalars(select(Observation.text).where(Observation.visit_id == visit_id)))
        assert {f"第{n}条现场观察" for n in range(1, acked + 1)} <= logged
        assert verify_chain(s) == []
