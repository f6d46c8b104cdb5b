"""One way to show errors, one way to run background work."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, QThread
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from fieldcheck.errors import ValidationError
from fieldcheck.ui.common.errors import ErrorDialog, open_error_dialogs, show_exception
from fieldcheck.ui.common.hooks import install_exception_hooks
from fieldcheck.ui.common.tasks import Tasks

pytestmark = pytest.mark.gui


@pytest.fixture
def hooks_restored() -> Iterator[None]:
    saved = (sys.excepthook, threading.excepthook)
    yield
    sys.excepthook, threading.excepthook = saved


def test_a_validation_error_lists_its_problems(qtbot: QtBot) -> None:
    dialog = show_exception(None, ValidationError("检查还不能结束", ["必答条目未填写：A", "问题 1：未选择问题类别"]))
    qtbot.addWidget(dialog)
    assert dialog.message.text() == "检查还不能结束"
    assert dialog.problem_texts() == ["必答条目未填写：A", "问题 1：未选择问题类别"]
    assert dialog in open_error_dialogs()
    dialog.accept()


def test_an_unexpected_error_offers_to_copy_its_details(qtbot: QtBot) -> None:
    try:
        raise KeyError("boom")
    except KeyError as exc:
        dialog = ErrorDialog(None, exc)
    qtbot.addWidget(dialog)
    assert "boom" not in dialog.message.text()  # a calm message, not a traceback
    dialog.copy_details()
    copied = QGuiApplication.clipboard().text()
    assert "KeyError" in copied and "boom" in copied and "Traceback" in copied


def test_exceptions_of_other_threads_reach_the_person(qtbot: QtBot, hooks_restored: None) -> None:
    install_exception_hooks()

    def fail() -> None:
        raise ValidationError("后台线程的错误")

    thread = threading.Thread(target=fail)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: any(d.message.text() == "后台线程的错误" for d in open_error_dialogs()))
    for dialog in open_error_dialogs():
        dialog.accept()


def test_tasks_deliver_on_the_gui_thread(qtbot: QtBot) -> None:
    tasks = Tasks()
    gui = QThread.currentThread()
    seen: dict[str, object] = {}

    def work(x: int, progress) -> int:
        seen["worker_is_gui"] = QThread.currentThread() is gui
        for n in range(1, 4):
            progress(n, 3)
        return x * 2

    def done(result: int) -> None:
        seen["result"] = result
        seen["done_is_gui"] = QThread.currentThread() is gui

    tasks.run(work, 21, on_done=done, on_progress=lambda d, t: seen.setdefault("progress", []).append(d))  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: tasks.pending == 0)
    assert seen["result"] == 42 and seen["done_is_gui"] is True and seen["worker_is_gui"] is False
    assert seen["progress"][-1] == 3  # type: ignore[index]


def test_failures_are_delivered_and_dead_owners_are_skipped(qtbot: QtBot) -> None:
    tasks = Tasks()
    errors: list[BaseException] = []

    def fail() -> None:
        raise ValidationError("不行")

    tasks.write(fail, on_error=errors.append)
    owner = QObject()
    called: list[object] = []
    tasks.run(lambda: 1, owner=owner, on_done=called.append)
    owner.deleteLater()
    del owner
    qtbot.waitUntil(lambda: tasks.pending == 0)
    assert [str(e) for e in errors] == ["不行"]
    assert called in ([], [1])  # never a call into a deleted object


def test_writes_run_in_the_order_asked(qtbot: QtBot) -> None:
    tasks = Tasks()
    order: list[int] = []
    for n in range(20):
        tasks.write(order.append, n)
    qtbot.waitUntil(lambda: tasks.pending == 0)
    assert order == list(range(20))


def test_what_a_task_refers_to_is_released_on_the_gui_thread(qtbot: QtBot) -> None:
    """A Qt object whose last reference falls on a worker thread is destroyed there, which can
    crash the app at random: a task's arguments and callbacks are released on the GUI thread,
    whichever thread finishes last."""
    released: list[str] = []

    class Held:
        def __del__(self) -> None:
            released.append(threading.current_thread().name)

    tasks = Tasks()
    results: list[int] = []
    for n in range(20):
        argument, captured = Held(), Held()
        tasks.run(lambda _held, n=n: n, argument,
                  on_done=lambda result, _held=captured: results.append(result))
        del argument, captured
    qtbot.waitUntil(lambda: len(results) == 20)
    assert tasks.wait()
    qtbot.waitUntil(lambda: len(released) == 40)
    assert set(released) == {threading.main_thread().name}
    assert sorted(results) == list(range(20))
