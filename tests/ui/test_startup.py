"""Start-up: the first-run identity dialog, and stores that cannot be opened."""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from fieldcheck.store import open_store
from fieldcheck.ui.app import build, run_app
from fieldcheck.ui.boot import EXIT_STORE_ERROR
from fieldcheck.ui.common.errors import open_error_dialogs
from fieldcheck.ui.identity.dialog import IdentityDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def restore_hooks() -> Iterator[None]:
    """run_app installs exception hooks and a log handler: put everything back."""
    hooks = (sys.excepthook, threading.excepthook)
    handlers = list(logging.getLogger().handlers)
    level = logging.getLogger().level
    yield
    sys.excepthook, threading.excepthook = hooks
    for handler in logging.getLogger().handlers[:]:
        if handler not in handlers:
            logging.getLogger().removeHandler(handler)
            handler.close()
    logging.getLogger().setLevel(level)


def test_identity_dialog_stores_the_laptop_user(qtbot: QtBot, tmp_path: Path) -> None:
    from fieldcheck.ui.common.tasks import Tasks

    store = open_store(tmp_path / "data")
    assert not store.identity().is_set
    tasks = Tasks()
    dialog = IdentityDialog(store, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()  # no name yet: refused, with a message
    assert dialog.problem.isVisible() and dialog.isVisible()
    dialog.name.setText("李志强")
    dialog.credential.setText("清监字第2026007号")
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.ok.click()
    identity = store.identity()
    assert identity.is_set and saved.args[0] == identity
    assert (identity.user_name, identity.credential_no) == ("李志强", "清监字第2026007号")
    tasks.wait()
    store.close()


def test_first_start_asks_who_uses_the_laptop_then_shows_the_list(qtbot: QtBot, tmp_path: Path) -> None:
    window, boot, tasks = build(tmp_path / "fresh", demo=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: boot.identity_dialog is not None and boot.identity_dialog.isVisible(),
                    timeout=10_000)
    dialog = boot.identity_dialog
    assert isinstance(dialog, IdentityDialog)
    dialog.name.setText("赵卫东")
    dialog.credential.setText("清监字第2026009号")
    dialog.accept()
    qtbot.waitUntil(lambda: window.visits is not None, timeout=5000)
    assert window.ctx is not None and window.ctx.identity.user_name == "赵卫东"
    assert "赵卫东" in window.user.text()
    tasks.wait()
    window.ctx.store.close()


def test_demo_start_fills_the_demo_store(qtbot: QtBot, tmp_path: Path) -> None:
    window, boot, tasks = build(tmp_path / "demo", demo=True)
    qtbot.addWidget(window)
    # A new demo store also tells its last quarter (notices issued and printed): allow for it.
    qtbot.waitUntil(lambda: window.visits is not None, timeout=180_000)
    assert window.visits is not None
    qtbot.waitUntil(lambda: window.visits.model.total > 0, timeout=10_000)
    from sqlalchemy import select

    from fieldcheck.models import Notice

    with window.ctx.store.read() as s:  # type: ignore[union-attr]
        assert {n.type for n in s.scalars(select(Notice).where(Notice.status == "issued"))} == {
            "rectification", "circular"}
    assert window.ctx is not None and window.ctx.identity.is_set
    tasks.wait()
    window.ctx.store.close()


def _expect_store_error(qtbot: QtBot, data_dir: Path, words: str) -> None:
    window, boot, tasks = build(data_dir, demo=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(open_error_dialogs()), timeout=15_000)
    dialog = open_error_dialogs()[0]
    assert words in dialog.message.text()
    with qtbot.waitSignal(boot.quit_requested) as quit_:
        dialog.accept()
    assert quit_.args == [EXIT_STORE_ERROR] and boot.exit_code == EXIT_STORE_ERROR
    assert window.ctx is None  # no screen was built on a store that is not open
    tasks.wait()


def test_a_file_that_is_not_a_database_is_reported_and_left_alone(qtbot: QtBot, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    bogus = data_dir / "fieldcheck.db"
    bogus.write_bytes(b"this is a spreadsheet, not a database\n" * 100)
    before = bogus.read_bytes()
    _expect_store_error(qtbot, data_dir, "不是")
    assert bogus.read_bytes() == before


def test_a_store_locked_by_another_program_is_reported(qtbot: QtBot, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    open_store(data_dir).close()
    other = sqlite3.connect(data_dir / "fieldcheck.db")
    other.execute("BEGIN EXCLUSIVE")
    try:
        _expect_store_error(qtbot, data_dir, "占用")
    finally:
        other.rollback()
        other.close()


def test_run_app_exits_non_zero_when_the_store_cannot_open(qtbot: QtBot, tmp_path: Path, restore_hooks: None) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "fieldcheck.db").write_bytes(b"\x00garbage" * 64)
    closer = QTimer()
    closer.timeout.connect(lambda: [d.accept() for d in open_error_dialogs()])
    closer.start(50)
    try:
        assert run_app(data_dir, demo=False) == EXIT_STORE_ERROR
    finally:
        closer.stop()
    assert (data_dir / "logs" / "fieldcheck.log").exists()
