"""Helpers of the app's sync tests: a real server process on loopback, laptops, photos."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from fieldcheck.store import Store
from fieldcheck.ui.common.context import AppContext

BIN = Path(sys.executable).parent
PASSWORD = "correct horse 42"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """`fieldcheck-server` on 127.0.0.1; accounts are made in its database directly."""

    def __init__(self, data_dir: Path, cert: tuple[Path, Path] | None = None) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.cert = cert
        scheme = "https" if cert else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self._database: Any = None

    def start(self) -> None:
        args = [str(BIN / "fieldcheck-server"), "--data-dir", str(self.data_dir), "--port", str(self.port)]
        if self.cert:
            args += ["--cert", str(self.cert[0]), "--key", str(self.cert[1])]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):  # bounded: at most ~30 s
            try:
                if httpx.get(f"{self.url}/health", timeout=1, verify=False).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError("server did not start")

    @property
    def database(self) -> Any:
        if self._database is None:
            from fieldcheck.server.app import prepare
            from fieldcheck.server.settings import Settings

            self._database = prepare(Settings(self.data_dir.resolve()))
        return self._database

    def add_user(self, username: str, role: str = "inspector", team: str = "一组", name: str = "") -> None:
        from fieldcheck.server import admin

        with self.database.write() as session:
            admin.create_user(session, "test", username=username, password=PASSWORD, role=role,
                              team=team, name=name or username)

    def revoke(self, device_id: str) -> None:
        from fieldcheck.server import admin

        with self.database.write() as session:
            admin.revoke_device(session, "test", device_id)

    def stop(self) -> None:
        if self._database is not None:
            self._database.dispose()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=20)


@dataclass
class Laptop:
    store: Store
    ctx: AppContext
    username: str



def make_jpeg(path: Path, seed: int, size: tuple[int, int] = (1600, 1200)) -> Path:
    """A real JPEG of some size (noise compresses badly, so uploads take a while)."""
    Image.effect_noise(size, 40 + seed).convert("RGB").save(path, "JPEG", quality=92)
    return path
