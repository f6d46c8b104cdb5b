"""A busy server (a real `fieldcheck-server` process on loopback, one sync request at a time,
no line): the laptop told "busy" waits the time it was given and sends the same request
again; one that runs out of patience stops with the server's word and keeps its outbox; the
health check and the public verify page are answered while every slot is taken."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sync_helpers import start_visit
from test_sync_faults import ServerProcess, _export, _Helper, _laptop, serving

from fieldcheck.domain import observations
from fieldcheck.models import OutboxOp
from fieldcheck.store import Store
from fieldcheck.sync.commands import connection_for, sync_now
from fieldcheck.sync.credentials import load_token
from fieldcheck.sync.engine import SyncEngine
from fieldcheck.sync.protocol import SCHEMA_HEADER, SCHEMA_VERSION
from fieldcheck.sync.transport import SyncError
from fieldcheck.ui.sync.data import SERVER_BUSY, SyncStopped, run_sync

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    yield from serving(tmp_path, "", "--max-active", "1", "--queue-wait-ms", "0")


def _with_work(tmp_path: Path, server: ServerProcess, user: str, count: int) -> Store:
    store = _laptop(tmp_path, server, user)
    visit_id = start_visit(_Helper(store))  # type: ignore[arg-type]
    with store.write() as s:
        for n in range(count):
            observations.add_observation(s, visit_id, f"{user} 第 {n} 条观察记录")
    return store


def _pending(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(OutboxOp).where(
            OutboxOp.status == "pending")) or 0)


def _until(condition: Callable[[], bool], what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.05)


def _in_thread(run: Callable[[], object]) -> tuple[threading.Thread, dict[str, Any]]:
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["report"] = run()
        except BaseException as exc:  # handed to the test thread
            out["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    return thread, out


def test_a_laptop_told_busy_comes_back_and_both_laptops_land_exactly_once(
        tmp_path: Path, server: ServerProcess) -> None:
    wang = _with_work(tmp_path, server, "wang", 30)
    li = _with_work(tmp_path, server, "li", 20)
    headers = {SCHEMA_HEADER: str(SCHEMA_VERSION), "Authorization": f"Bearer {load_token(li.data_dir)}"}

    # Another program holds the server database's write lock: wang's push is let in and
    # waits for it inside the server, holding the only slot.
    lock = sqlite3.connect(tmp_path / "server" / "server.db", isolation_level=None, timeout=30)
    lock.execute("BEGIN IMMEDIATE")
    try:
        first, first_out = _in_thread(lambda: sync_now(wang))

        def slot_taken() -> bool:
            answer = httpx.get(f"{server.url}/api/v1/pull", params={"cursor": 0}, headers=headers,
                               timeout=30)
            return answer.status_code == 503
        _until(slot_taken, "wang's push holds the only slot")
        busy = httpx.get(f"{server.url}/api/v1/pull", params={"cursor": 0}, headers=headers, timeout=30)
        assert busy.status_code == 503 and int(busy.headers["retry-after"]) >= 1
        assert busy.json()["error"]["code"] == "busy"
        # Answered while every slot is taken (a request put in line would time out here).
        assert httpx.get(f"{server.url}/health", timeout=30).status_code == 200
        assert httpx.get(f"{server.url}/verify/00000000-0000-7000-8000-000000000000",
                         headers={"Accept": "application/json"}, timeout=30).status_code == 404

        # li runs out of patience: the server's word, and the outbox is kept whole.
        impatient = connection_for(li)
        impatient.busy_patience_s = 0.5
        with pytest.raises(SyncError) as info:
            SyncEngine(li, impatient).run()
        impatient.close()
        assert info.value.code == "busy" and info.value.status == 503
        assert "服务器正忙" in str(info.value)
        assert _pending(li) == 23  # unit, visit, answer... and the 20 observations: none lost

        # The app closing while li waits its turn: the wait ends at once, nothing is lost.
        stop = threading.Event()
        told: list[int] = []
        closing, closing_out = _in_thread(lambda: run_sync(li, stop, lambda done, _t: told.append(done)))
        _until(lambda: SERVER_BUSY in told, "the app heard that the server is busy")  # its sync bar says so
        assert closing.is_alive()
        stop.set()
        closing.join(timeout=10)
        assert not closing.is_alive() and isinstance(closing_out.get("error"), SyncStopped)
        assert _pending(li) == 23

        # li with the usual patience waits its turn.
        patient = connection_for(li)
        second, second_out = _in_thread(lambda: SyncEngine(li, patient).run())
        _until(lambda: patient.busy_waits >= 1, "li was told to come back")
        assert first.is_alive() and second.is_alive()
    finally:
        lock.execute("COMMIT")
        lock.close()
    first.join(timeout=120)
    second.join(timeout=120)
    patient.close()
    assert "error" not in first_out and "error" not in second_out, (first_out, second_out)
    wang_report, li_report = first_out["report"], second_out["report"]
    assert li_report.busy_waits >= 1 and li_report.busy_seconds > 0
    assert wang_report.pushed == 33 and li_report.pushed == 23
    assert _pending(wang) == 0 and _pending(li) == 0

    sync_now(wang)
    sync_now(li)
    assert _export(wang) == _export(li)  # everything arrived once, on both laptops
