"""Where FieldCheck finds its shipped resources and keeps its data."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "FieldCheck"
# Inside an installed package (a wheel or the frozen bundle) the resources sit in the package;
# in a source checkout they are the top-level resources/ folder, copied in at build time.
PACKAGED_NAME = "resources"


def resources_dir() -> Path:
    """The shipped resources (templates, notice texts, translations, demo data).

    FIELDCHECK_RESOURCES beats the copy inside the installed package, which beats the source
    checkout's resources/ folder (an editable install).
    """
    override = os.environ.get("FIELDCHECK_RESOURCES")
    if override:
        return Path(override)
    # A package imported from the file system (site-packages, the frozen bundle) has its
    # resources beside this module.
    packaged = Path(__file__).resolve().parent / PACKAGED_NAME
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "resources"


def default_data_dir(demo: bool = False) -> Path:
    """The data directory: --data-dir beats FIELDCHECK_DATA_DIR beats the platform's default."""
    import platformdirs  # not needed when the folder is named (the GUI's --data-dir)

    override = os.environ.get("FIELDCHECK_DATA_DIR")
    base = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return base.with_name(base.name + "-demo") if demo else base
