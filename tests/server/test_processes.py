"""Real server processes on loopback: several processes on one PostgreSQL database keep the
feed, number leases and idempotency correct; the command line starts and administers it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from fieldcheck.server import admin, cli
from fieldcheck.server.database import Database
from fieldcheck.sync.transport import busy_delay

from .conftest import PASSWORD, SCHEMA, op

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(data_dir: Path, database_url: str, workers: int = 1) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "fieldcheck.server.cli", "--data-dir", str(data_dir),
               "--port", str(port), "--workers", str(workers)]
    if database_url:
        command += ["--database-url", database_url]
    log = (data_dir.parent / f"server-{port}.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise AssertionError(f"server exited: {process.returncode}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            raise AssertionError("server did not answer /health")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
        log.close()


def enroll(base: str, username: str) -> httpx.Client:
    device_id = str(uuid.uuid4())
    response = httpx.post(f"{base}/api/v1/enroll", headers=SCHEMA, timeout=30, json={
        "username": username, "password": PASSWORD, "device_id": device_id})
    assert response.status_code == 200, response.text
    token = response.json()["token"]
    client = httpx.Client(base_url=base, timeout=60,
                          headers={**SCHEMA, "Authorization": f"Bearer {token}"})
    client.device_id = device_id  # type: ignore[attr-defined]
    return client


def test_two_server_processes_on_one_postgres(tmp_path: Path, postgres_url: str) -> None:
    database = Database(postgres_url)
    database.migrate()
    with database.write() as session:
        for name in ("wang", "li", "zhao"):
            admin.create_user(session, "test", username=name, password=PASSWORD,
                              role="inspector", team="一组")
    database.dispose()
    with running_server(tmp_path / "a", postgres_url, workers=2) as first, \
            running_server(tmp_path / "b", postgres_url) as second:
        devices = [enroll(first, "wang"), enroll(second, "li"), enroll(first, "zhao")]
        # Each device talks to both processes alternately.
        clients = [(d, httpx.Client(base_url=base, headers=d.headers, timeout=60))
                   for d in devices for base in (first, second)]

        def lease(pair: tuple[httpx.Client, httpx.Client], key: str) -> dict[str, Any]:
            device, client = pair
            response = client.post("/api/v1/numbers/lease", json={
                "lease_key": key, "notice_type": "record", "year": 2099, "size": 3})
            assert response.status_code == 200, response.text
            return dict(response.json())

        keys = [str(uuid.uuid4()) for _ in range(24)]
        jobs = [(clients[i % len(clients)], keys[i // 2]) for i in range(48)]
        with ThreadPoolExecutor(8) as pool:
            blocks = list(pool.map(lambda job: lease(*job), jobs))
        by_block = {b["block_id"]: b for b in blocks}
        numbers = [n for b in by_block.values() for n in range(b["first_seq"], b["last_seq"] + 1)]
        assert len(numbers) == len(set(numbers)), "two devices were given the same number"

        unit_id, visit_id = str(uuid.uuid4()), str(uuid.uuid4())
        setup = devices[0].post("/api/v1/push", json={"device_id": devices[0].device_id, "ops": [  # type: ignore[attr-defined]
            op("unit", unit_id, {"name": "清河市政务服务中心", "kind": "service_window"}),
            op("visit", visit_id, {"kind": "open", "unit_id": unit_id, "team": "一组"}),
        ]})
        assert setup.status_code == 200

        def push(index: int) -> list[dict[str, Any]]:
            device, client = clients[index % len(clients)]
            answer = op("answer", str(uuid.uuid4()),
                        {"visit_id": visit_id, "item_key": f"q{index}", "value": index},
                        op_id=f"00000000-0000-4000-8000-{index % 20:012d}")
            for _ in range(200):  # a "busy" answer is waited out and sent again, as laptops do
                response = client.post("/api/v1/push", json={"device_id": device.device_id,  # type: ignore[attr-defined]
                                                              "ops": [answer]})
                delay = busy_delay(response)
                if delay is None:
                    break
                time.sleep(delay)
            assert response.status_code == 200, response.text
            return list(response.json()["results"])

        with ThreadPoolExecutor(8) as pool:
            results = [r for batch in pool.map(push, range(60)) for r in batch]
        assert all(r["status"] == "applied" for r in results)
        by_op: dict[str, set[int]] = {}
        for r in results:
            by_op.setdefault(r["op_id"], set()).add(r["version"])
        assert len(by_op) == 20 and all(len(v) == 1 for v in by_op.values())  # exactly once

        # A laptop of the team that pushed none of them (a pusher's own settled writes are
        # not sent back to it) reads the feed through the other process.
        reader = enroll(second, "zhao")
        records: list[dict[str, Any]] = []
        cursor = 0
        for _ in range(100):
            page = reader.get("/api/v1/pull", params={"cursor": cursor, "limit": 7}).json()
            assert page["cursor"] >= cursor
            records.extend(page["records"])
            cursor = page["cursor"]
            if not page["more"]:
                break
        answers = [r for r in records if r["entity"] == "answer"]
        assert len(answers) == 20
        versions = [r["version"] for r in records]
        assert versions == sorted(set(versions))
        for client in (*devices, *(c for _, c in clients)):
            client.close()


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def test_command_line_administers_and_serves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "server"
    monkeypatch.setenv("FIELDCHECK_PASSWORD", PASSWORD)

    def run(*args: str) -> Ran:
        code = cli.main(["admin", *args, "--data-dir", str(data_dir)])
        out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    created = run("create-user", "--username", "wang", "--role", "inspector", "--team", "一组",
                  "--name", "王建国", "--credential", "清监字第2026001号")
    assert created.returncode == 0, created.stderr
    assert "wang" in run("list-users").stdout
    assert run("create-user", "--username", "wang", "--role", "inspector").returncode == 1
    assert run("create-team", "二组").returncode == 0
    units = tmp_path / "units.csv"
    units.write_text(
        "name,kind,code,address,contact,phone,parent\n"
        "清河市政务服务中心,department,91110000MA001,清河路1号,张三,0100000,\n"
        "不动产登记窗口,service_window,,,,,91110000MA001\n", encoding="utf-8")
    imported = run("import-units", str(units))
    assert imported.returncode == 0 and "新增 2" in imported.stdout, imported.stderr
    assert "更新 0" in run("import-units", str(units)).stdout
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert run("publish-template", str(broken)).returncode == 1
    with running_server(data_dir, "") as base:
        wang = enroll(base, "wang")
        records = wang.get("/api/v1/pull").json()["records"]
        names = {r["data"].get("name") for r in records if r["entity"] == "unit"}
        assert names == {"清河市政务服务中心", "不动产登记窗口"}
        inspector = next(r for r in records if r["entity"] == "inspector")
        assert inspector["data"]["credential_no"] == "清监字第2026001号"
        devices = run("list-devices").stdout
        assert wang.device_id in devices  # type: ignore[attr-defined]
        assert run("revoke-device", wang.device_id).returncode == 0  # type: ignore[attr-defined]
        assert wang.get("/api/v1/pull").status_code == 403
        wang.close()
