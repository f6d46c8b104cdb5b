"""The app's own preferences (the window's size and place, the folder a PDF was saved to
last): an INI file in the data folder, so the app writes nowhere else — not to ~/.config,
not to the registry — and each data folder remembers its own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

PREFS_NAME = "preferences.ini"
_folder: Path | None = None


def use_data_dir(data_dir: Path | None) -> None:
    """Called once the app knows its data folder (before the main window is made)."""
    global _folder
    _folder = data_dir


def prefs_path() -> Path | None:
    return _folder / PREFS_NAME if _folder is not None else None


def prefs() -> QSettings:
    path = prefs_path()
    if path is None:  # a screen made on its own (tests): the platform's store, as Qt keeps it
        return QSettings("FieldCheck", "FieldCheck")
    return QSettings(str(path), QSettings.Format.IniFormat)
