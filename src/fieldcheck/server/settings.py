"""One typed settings object for the server, built from the command line or the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_DATA_DIR = "FIELDCHECK_SERVER_DATA_DIR"
ENV_DATABASE_URL = "FIELDCHECK_SERVER_DATABASE_URL"
MAX_JSON_BODY = 16 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str = ""

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

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = os.environ.get(ENV_DATA_DIR)
        if not data_dir:
            raise RuntimeError(f"{ENV_DATA_DIR} is not set")
        return cls(Path(data_dir), os.environ.get(ENV_DATABASE_URL, ""))
