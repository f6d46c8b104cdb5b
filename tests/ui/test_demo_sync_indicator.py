"""The demo store never syncs by itself, but its sync indicator still tells the truth."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.sync.mount import SyncMount


def test_a_demo_window_says_it_works_on_this_laptop_only(qtbot: QtBot, ctx: AppContext) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    mount = SyncMount(window, replace(ctx, demo=True), start=False)
    qtbot.waitUntil(lambda: mount.controller.indicator.text.startswith("仅本机"), timeout=10_000)
    assert not mount.controller.timer.isActive()  # no automatic sync on the demo store
    mount.shutdown()
