"""The app writes only to its data folder: the window's geometry and the last PDF folder are
kept in preferences.ini there, not in ~/.config (a packaged install writes nowhere else)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from fieldcheck.store import open_store
from fieldcheck.ui.app import build
from fieldcheck.ui.common.prefs import PREFS_NAME


def test_window_geometry_is_kept_in_the_data_folder(qtbot: QtBot, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    os.environ["XDG_CONFIG_HOME"] = str(home / ".config")
    try:
        data_dir = tmp_path / "data"
        store = open_store(data_dir)
        store.set_identity("王建国", "清监字第2026001号")
        store.close()
        window, boot, tasks = build(data_dir, demo=False)
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: window.ctx is not None, timeout=20_000)
        window.resize(1300, 800)
        geometry = window.saveGeometry()
        window.close()
        tasks.wait()
        window.ctx.store.close()  # type: ignore[union-attr]
        saved = data_dir / PREFS_NAME
        assert saved.is_file() and "geometry" in saved.read_text(encoding="utf-8")
        assert not (home / ".config").exists()  # nothing written outside the data folder

        kept = QSettings(str(saved), QSettings.Format.IniFormat).value("main_window/geometry")
        assert kept == geometry  # what the next start restores
    finally:
        del os.environ["XDG_CONFIG_HOME"]
