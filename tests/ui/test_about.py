"""关于 names the version, the build (or that this is a source run) and the data folder."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from fieldcheck import __version__
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.main_window import MainWindow


def test_about_shows_version_build_and_data_folder(qtbot: QtBot, ctx: AppContext) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.attach(ctx)
    window.about.click()
    box = window.findChild(QMessageBox, "aboutBox")
    assert box is not None and box.isVisible()
    text = box.text()
    assert __version__ in text and "源码运行" in text
    assert str(ctx.store.data_dir) in text
    box.close()
    if window.sync is not None:
        window.sync.shutdown()
