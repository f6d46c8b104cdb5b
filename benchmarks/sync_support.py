"""What the sync benchmarks share: a real `fieldcheck-server` process on loopback, accounts,
an enrolled laptop store, an httpx client that counts requests and HTTP bytes, and a
PostgreSQL database of their own.

Every process started here is stopped on the way out (its whole process group), and every
address is 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from fieldcheck.store.database import Store, open_store
from fieldcheck.sync.transport import TIMEOUT

PASSWORD = "bench horse 42 battery"
TEAM = "一组"
BENCH_ROLE = "fieldcheck_bench"
PG_ENV = "FIELDCHECK_TEST_PG"
_RAISED = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b.*")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_command() -> list[str]:
    script = Path(sys.executable).parent / "fieldcheck-server"
    return [str(script)] if script.exists() else [sys.executable, "-m", "fieldcheck.server.cli"]


def create_user(data_dir: Path, username: str, database_url: str = "", role: str = "inspector") -> None:
    command = [*_server_command(), "admin", "create-user", "--data-dir", str(data_dir),
               "--username", username, "--role", role, "--team", TEAM]
    if database_url:
        command += ["--database-url", database_url]
    subprocess.run(command, check=True, capture_output=True, timeout=120,
                   env={**os.environ, "FIELDCHECK_PASSWORD": PASSWORD})


@dataclass
class Server:
    url: str
    pid: int
    data_dir: Path
    log_path: Path

    def errors_logged(self, limit: int = 3) -> list[str]:
        """The last lines of the first `limit` tracebacks in the server's log."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        blocks = text.split("Traceback (most recent call last):")[1:]
        out = []
        for block in blocks[:limit]:
            raised = [line for line in block.splitlines() if _RAISED.match(line)]
            out.append((raised[-1] if raised else block.strip().splitlines()[-1])[:600])
        return out


@contextmanager
def running_server(data_dir: Path, database_url: str = "", workers: int = 1,
                   options: tuple[str, ...] = ()) -> Iterator[Server]:
    """`fieldcheck-server` on a free loopback port until the block ends; waits for /health.
    `options`: more of the server's command-line options (FIELDCHECK_BENCH_SERVER_OPTIONS
    adds to them, to try other settings without editing a benchmark)."""
    port = free_port()
    options = (*options, *os.environ.get("FIELDCHECK_BENCH_SERVER_OPTIONS", "").split())
    command = [*_server_command(), "--data-dir", str(data_dir), "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), *options]
    if database_url:
        command += ["--database-url", database_url]
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(process, url, log_path)
            yield Server(url, process.pid, data_dir, log_path)
        finally:
            _stop(process)


def _wait_healthy(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    for _ in range(600):  # 60 s at most
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: "
                               f"{log_path.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not answer /health within 60 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


class Wire:
    """Counts requests and the bytes of each HTTP/1.1 message as sent on the socket: request
    and status lines, headers and bodies (TCP/IP framing not included). For plain HTTP on
    loopback this is the socket's payload in each direction."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.requests = 0
        self.sent = 0
        self.received = 0

    def client(self, base_url: str) -> httpx.Client:
        return httpx.Client(base_url=base_url, timeout=TIMEOUT, event_hooks={
            "request": [self._on_request], "response": [self._on_response]})

    def _on_request(self, request: httpx.Request) -> None:
        self.requests += 1
        target = request.url.raw_path.decode("ascii")
        head = f"{request.method} {target} HTTP/1.1\r\n".encode()
        head += b"".join(k + b": " + v + b"\r\n" for k, v in request.headers.raw) + b"\r\n"
        self.sent += len(head) + len(request.content)

    def _on_response(self, response: httpx.Response) -> None:
        response.read()
        head = f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n".encode()
        head += b"".join(k + b": " + v + b"\r\n" for k, v in response.headers.raw) + b"\r\n"
        self.received += len(head) + len(response.content)


def enrolled_laptop(data_dir: Path, server: Server, username: str) -> Store:
    """A new laptop store enrolled as `username`, with its first sync done (directory pulled,
    number blocks leased), as an inspector's laptop is before the first visit."""
    from fieldcheck.sync.commands import enroll, sync_now

    store = open_store(data_dir)
    enroll(store, server.url, username, PASSWORD)
    sync_now(store)
    return store


# --- PostgreSQL ----------------------------------------------------------------------------


def postgres_admin_url() -> tuple[str, str]:
    """(URL of a role that may create databases, ""), or ("", why not) when there is none."""
    url = os.environ.get(PG_ENV, "")
    if url:
        return url, ""
    if shutil.which("pg_lsclusters") is None:
        return "", "PostgreSQL is not installed (no pg_lsclusters) and FIELDCHECK_TEST_PG is not set"
    clusters = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True,
                              timeout=30).stdout.split()
    if len(clusters) < 4:
        return "", "no PostgreSQL cluster on this machine"
    version, name, port, status = clusters[:4]
    if status != "online":
        started = subprocess.run(["pg_ctlcluster", version, name, "start"], capture_output=True,
                                 text=True, timeout=120)
        if started.returncode != 0:
            return "", f"cannot start PostgreSQL {version}/{name}: {started.stderr.strip()[:200]}"
    password = "bench-" + uuid.uuid5(uuid.NAMESPACE_OID, BENCH_ROLE).hex[:12]
    sql = (f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{BENCH_ROLE}') THEN "
           f"CREATE ROLE {BENCH_ROLE} LOGIN CREATEDB; END IF; END$$; "
           f"ALTER ROLE {BENCH_ROLE} PASSWORD '{password}';")
    made = subprocess.run(["su", "postgres", "-c", f"psql -p {port} -v ON_ERROR_STOP=1 -q"],
                          input=sql, capture_output=True, text=True, timeout=60)
    if made.returncode != 0:
        return "", f"cannot create the benchmark role: {made.stderr.strip()[:200]}"
    return f"postgresql+psycopg://{BENCH_ROLE}:{password}@127.0.0.1:{port}/postgres", ""


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A new, empty database for one benchmark, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = make_url(admin_url)
    name = f"fc_bench_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin.set(database=name).render_as_string(hide_password=False)
        finally:
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()
