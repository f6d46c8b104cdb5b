"""GUI test fixtures: a real store in tmp_path, the app's style, and a context for screens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldcheck.store import Store, open_store
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.tasks import Tasks

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True, scope="session")
def private_qt_settings() -> None:
    """Window geometry and other QSettings go to a test location, not the tester's home."""
    from PySide6.QtCore import QStandardPaths

    QStandardPaths.setTestModeEnabled(True)


@pytest.fixture(autouse=True)
def no_unanswered_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal question would hang a test: each must be answered by the test that causes it."""
    from fieldcheck.ui.common import dialogs

    def unexpected(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a modal question opened that the test did not answer")

    monkeypatch.setattr(dialogs, "confirm", unexpected)
    monkeypatch.setattr(dialogs, "ask_text", unexpected)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    from fieldcheck.domain.checklist import publish_shipped_templates

    opened = open_store(tmp_path / "data")
    opened.set_identity("王建国", "清监字第2026001号")
    with opened.write() as s:
        publish_shipped_templates(s)
    yield opened
    opened.close()


@pytest.fixture
def ctx(qapp: object, store: Store) -> Iterator[AppContext]:
    from fieldcheck.ui.common.style import apply_style

    apply_style(qapp)  # type: ignore[arg-type]
    tasks = Tasks()
    yield AppContext(store, tasks, store.identity())
    tasks.wait()
