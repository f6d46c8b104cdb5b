"""kill -9 at the worst moments, with a real server process on loopback: the laptop mid-push,
mid-pull and mid-upload, the server mid-transaction. After a restart and a sync, nothing is
lost and nothing is duplicated: a second laptop ends with exactly the same records."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select
from sync_helpers import PASSWORD, start_visit

from fieldcheck.domain import checklist, evidence, observations
from fieldcheck.domain.export import export_records, write_canonical_json
from fieldcheck.models import Observation, OutboxOp
from fieldcheck.store import Store, open_store
from fieldcheck.sync.commands import enroll, sync_now

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
OBSERVATIONS = 700  # two pushes of at most 500 ops


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    def __init__(self, data_dir: Path, database_url: str = "", *options: str) -> None:
        self.data_dir = data_dir
        self.options = list(options)
        self.database = ["--database-url", database_url] if database_url else []
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(BIN / "fieldcheck-server"), "--data-dir", str(self.data_dir), *self.database,
             "--port", str(self.port), *self.options],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):  # bounded: at most ~30 s
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def add_user(self, username: str) -> None:
        subprocess.run([str(BIN / "fieldcheck-server"), "admin", "create-user", "--data-dir",
                        str(self.data_dir), *self.database, "--username", username, "--role", "inspector",
                        "--team", "一组", "--name", username],
                       check=True, env={**os.environ, "FIELDCHECK_PASSWORD": PASSWORD},
                       stdout=subprocess.DEVNULL)


@pytest.fixture
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    backend = getattr(request, "param", "sqlite")
    url = "" if backend == "sqlite" else str(request.getfixturevalue("postgres_url"))
    yield from serving(tmp_path, url)


def serving(tmp_path: Path, url: str, *options: str) -> Iterator[ServerProcess]:
    """A server process with wang and li of 一组, killed when the test ends."""
    srv = ServerProcess(tmp_path / "server", url, *options)
    srv.start()
    srv.add_user("wang")
    srv.add_user("li")
    try:
        yield srv
    finally:
        srv.kill()


def _laptop(tmp_path: Path, server: ServerProcess, user: str) -> Store:
    store = open_store(tmp_path / user)
    with store.write() as s:
        checklist.publish_shipped_templates(s)
    enroll(store, server.url, user, PASSWORD)
    return store


class _Helper:
    """Just enough of sync_helpers.Laptop to start a visit on a store."""

    def __init__(self, store: Store) -> None:
        self.store = store


def _busy_laptop(tmp_path: Path, server: ServerProcess, photos: int = 0) -> tuple[Store, str]:
    store = _laptop(tmp_path, server, "wang")
    visit_id = start_visit(_Helper(store))  # type: ignore[arg-type]
    with store.write() as s:
        for n in range(OBSERVATIONS):
            observations.add_observation(s, visit_id, f"第 {n} 条观察记录")
    if photos:
        paths = []
        for n in range(photos):
            path = tmp_path / f"photo{n}.jpg"
            Image.effect_noise((1800, 1400), 60 + n).convert("RGB").save(path, "JPEG", quality=95)
            paths.append(path)
        assert len(evidence.import_photos(store, visit_id, paths).added) == photos
    return store, visit_id


def _export(store: Store) -> str:
    out = io.StringIO()
    with store.read() as s:
        write_canonical_json(export_records(s), out)
    return out.getvalue()


def _sync_cli(store: Store) -> subprocess.Popen[str]:
    return subprocess.Popen([str(BIN / "fieldcheck"), "sync", "--data-dir", str(store.data_dir)],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)


def _kill_when(proc: subprocess.Popen[str], stage: str) -> bool:
    """SIGKILL the sync as soon as it reports progress of `stage`; False if it finished first."""
    assert proc.stderr is not None
    for line in proc.stderr:  # ends when the process exits
        if line.startswith(stage):
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            return True
    proc.wait(timeout=30)
    return False


def _finish_and_compare(tmp_path: Path, server: ServerProcess, store: Store, visit_id: str) -> None:
    store.close()
    store = open_store(store.data_dir)
    sync_now(store)
    sync_now(store)
    other = _laptop(tmp_path, server, "li")
    sync_now(other)
    assert _export(store) == _export(other)
    with other.read() as s:
        count = s.scalar(select(func.count()).select_from(Observation).where(Observation.visit_id == visit_id))
    assert count == OBSERVATIONS  # every observation, exactly once
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxOp)) == 0
    for sha in {p["sha256"] for p in json.loads(_export(other))["photo"]}:
        assert other.blobs.verify(sha)
    store.close()
    other.close()


@pytest.mark.parametrize("stage", ["push", "pull"])
def test_laptop_killed_mid_sync_loses_and_repeats_nothing(tmp_path: Path, server: ServerProcess, stage: str) -> None:
    store, visit_id = _busy_laptop(tmp_path, server)
    if stage == "pull":
        sync_now(store)  # everything pushed; a second laptop's pull is what gets killed
        store.close()
        puller = _laptop(tmp_path, server, "li")
        puller.close()
        killed = _kill_when(_sync_cli(puller), "pull")
        assert killed
        puller = open_store(puller.data_dir)
        sync_now(puller)
        with puller.read() as s:
            count = s.scalar(select(func.count()).select_from(Observation))
        assert count == OBSERVATIONS
        puller.close()
        return
    store.close()
    assert _kill_when(_sync_cli(store), "push")
    _finish_and_compare(tmp_path, server, store, visit_id)


def test_laptop_killed_mid_upload_resumes_the_photo(tmp_path: Path, server: ServerProcess) -> None:
    store, visit_id = _busy_laptop(tmp_path, server, photos=3)
    store.close()
    assert _kill_when(_sync_cli(store), "photos_up")
    _finish_and_compare(tmp_path, server, store, visit_id)


@pytest.mark.parametrize("server", ["sqlite", "postgresql"], indirect=True)
def test_server_killed_mid_transaction_keeps_exactly_once(tmp_path: Path, server: ServerProcess) -> None:
    store, visit_id = _busy_laptop(tmp_path, server)
    store.close()
    proc = _sync_cli(store)
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("push"):
            server.kill()  # the next batch is on its way or inside the server's transaction
            break
    proc.wait(timeout=60)
    assert proc.returncode != 0  # the laptop says the sync failed
    server.start()
    _finish_and_compare(tmp_path, server, store, visit_id)


def test_enroll_and_sync_from_a_terminal(tmp_path: Path, server: ServerProcess) -> None:
    def run(*args: str, password: str = PASSWORD) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(BIN / "fieldcheck"), *args], capture_output=True, text=True,
                              env={**os.environ, "FIELDCHECK_PASSWORD": password}, timeout=120)

    laptop = str(tmp_path / "terminal")
    wrong = run("enroll", "--data-dir", laptop, "--server", server.url, "--user", "wang", password="nope-nope")
    assert wrong.returncode != 0 and "用户名或密码不正确" in wrong.stderr and wrong.stdout == ""
    right = run("enroll", "--data-dir", laptop, "--server", server.url, "--user", "wang")
    assert right.returncode == 0 and "本机已登记" in right.stdout and "wang" in right.stdout
    done = run("sync", "--data-dir", laptop)
    assert done.returncode == 0 and "同步完成" in done.stdout and "已领取文号段" in done.stdout
    server.kill()
    down = run("sync", "--data-dir", laptop)
    assert down.returncode != 0 and "无法连接服务器" in down.stderr
