"""A notices dialog on a real store, and helpers to wait for its background work."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from ui_notices_helpers import Answers, wait_idle

from fieldcheck.domain import findings
from fieldcheck.store import Store
from fieldcheck.ui.common import dialogs
from fieldcheck.ui.notices import NoticesDialog, printing
from fieldcheck.ui.settings import dialog as settings_dialog


@pytest.fixture
def finding_visit(store: Store, visit_id: str) -> str:
    """The started visit with one finding (what a 整改通知书 is about)."""
    with store.write() as s:
        findings.record_finding(
            s, visit_id, category="overtime", description="不动产登记办件超承诺时限 3 个工作日",
            legal_basis="《清河市行政效能监察办法》第十二条", requirement="立即整改并书面报告",
            deadline=date.today() + timedelta(days=30))
    return visit_id


@pytest.fixture
def many_findings_visit(store: Store, visit_id: str) -> str:
    with store.write() as s:
        for n in range(1, 11):
            findings.record_finding(
                s, visit_id, category="overtime",
                description=f"第{n}号窗口办件超过承诺时限，群众反映多次往返仍未办结，"
                            "窗口工作人员未履行一次性告知义务",
                requirement="立即整改，书面报告整改情况", deadline=date.today() + timedelta(days=30))
    return visit_id


@pytest.fixture
def open_dialog(qtbot: Any, store: Store) -> Iterator[Any]:
    made: list[NoticesDialog] = []

    def make(visit_id: str, **kwargs: Any) -> NoticesDialog:
        dialog = NoticesDialog(None, store, visit_id, **kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        made.append(dialog)
        wait_idle(qtbot, dialog)
        return dialog

    yield make
    for dialog in made:
        dialog.tasks.wait()


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal file or print dialog would hang a test: each must be answered by the test."""

    def unexpected(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("a modal dialog opened that the test did not answer")

    monkeypatch.setattr(printing, "ask_save_path", unexpected)
    monkeypatch.setattr(printing, "choose_printer", unexpected)
    monkeypatch.setattr(settings_dialog, "ask_open_path", unexpected)
    monkeypatch.setattr(dialogs, "confirm", unexpected)
    monkeypatch.setattr(dialogs, "ask_text", unexpected)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    given = Answers()
    monkeypatch.setattr(dialogs, "confirm", given.confirm)
    monkeypatch.setattr(dialogs, "ask_text", given.ask_text)
    return given
