"""Where FieldCheck finds its shipped resources and keeps its data."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "FieldCheck"


def resources_dir() -> Path:
    """The shipped resources/ folder (templates, notice texts, translations, demo data)."""
    override = os.environ.get("FIELDCHECK_RESOURCES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "resources"


def default_data_dir(demo: bool = False) -> Path:
    """The data directory: --data-dir beats FIELDCHECK_DATA_DIR beats the platform's default."""
    override = os.environ.get("FIELDCHECK_DATA_DIR")
    base = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return base.with_name(base.name + "-demo") if demo else base
