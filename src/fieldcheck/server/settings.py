"""One typed settings object for the server, built from the command line or the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

ENV_DATA_DIR = "FIELDCHECK_SERVER_DATA_DIR"
ENV_DATABASE_URL = "FIELDCHECK_SERVER_DATABASE_URL"
ENV_MAX_ACTIVE = "FIELDCHECK_SERVER_MAX_ACTIVE"
ENV_QUEUE_WAIT_MS = "FIELDCHECK_SERVER_QUEUE_WAIT_MS"
ENV_WORKERS = "FIELDCHECK_SERVER_WORKERS"
ENV_TIME_ZONE = "FIELDCHECK_SERVER_TIME_ZONE"
MAX_JSON_BODY = 16 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str = ""
    # Heavy sync requests (push, pull, audit chain) one process works on at once, and how
    # long one more waits in line before it is told to come back (server/admission.py).
    max_active: int = 0  # 0: the machine's cores shared among the worker processes
    queue_wait_ms: int = 100
    workers: int = 1
    # The bureau's calendar (an IANA name such as Asia/Shanghai): the day a finding was found
    # on and the midnight a deadline passes, in reports. Empty: the machine's own zone.
    time_zone: str = ""

    def zone(self) -> tzinfo:
        return zone_of(self.time_zone)

    def active_limit(self) -> int:
        if self.max_active > 0:
            return self.max_active
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        return max(1, (cores or 2) // max(1, self.workers))

    @property
    def url(self) -> str:
        """The database: the embedded SQLite file under the data dir unless one is named."""
        return self.database_url or f"sqlite:///{self.data_dir / 'server.db'}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    def export_to_env(self) -> None:
        """Hand the settings to worker processes started by uvicorn."""
        os.environ[ENV_DATA_DIR] = str(self.data_dir)
        os.environ[ENV_DATABASE_URL] = self.database_url
        os.environ[ENV_MAX_ACTIVE] = str(self.max_active)
        os.environ[ENV_QUEUE_WAIT_MS] = str(self.queue_wait_ms)
        os.environ[ENV_WORKERS] = str(self.workers)
        os.environ[ENV_TIME_ZONE] = self.time_zone

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = os.environ.get(ENV_DATA_DIR)
        if not data_dir:
            raise RuntimeError(f"{ENV_DATA_DIR} is not set")
        return cls(Path(data_dir), os.environ.get(ENV_DATABASE_URL, ""),
                   int(os.environ.get(ENV_MAX_ACTIVE) or cls.max_active),
                   int(os.environ.get(ENV_QUEUE_WAIT_MS) or cls.queue_wait_ms),
                   int(os.environ.get(ENV_WORKERS) or cls.workers),
                   os.environ.get(ENV_TIME_ZONE, ""))


def zone_of(name: str) -> tzinfo:
    """The zone of an IANA name (ZoneInfoNotFoundError or ValueError if there is none); the
    machine's own for an empty name."""
    if name:
        return ZoneInfo(name)
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone
