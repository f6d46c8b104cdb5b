"""Laptops (real stores, the app's screens) against a real server process on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sync_app_helpers import PASSWORD, Laptop, ServerProcess

from fieldcheck.store import open_store
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.tasks import Tasks

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True, scope="session")
def private_qt_settings() -> None:
    from PySide6.QtCore import QStandardPaths

    QStandardPaths.setTestModeEnabled(True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = ServerProcess(tmp_path_factory.mktemp("server"))
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


_counter = iter(range(1_000_000))


@pytest.fixture
def make_laptop(qapp: Any, tmp_path: Path, server: ServerProcess) -> Iterator[Any]:
    """A laptop with its own store and account (enrolled unless told otherwise)."""
    from fieldcheck.domain.checklist import publish_shipped_templates
    from fieldcheck.sync.commands import enroll
    from fieldcheck.ui.common.style import apply_style

    apply_style(qapp)
    made: list[Laptop] = []

    def make(role: str = "inspector", team: str = "一组", name: str = "", enrolled: bool = True) -> Laptop:
        username = f"u{next(_counter)}_{role}"
        server.add_user(username, role=role, team=team, name=name or username)
        store = open_store(tmp_path / username)
        store.set_identity(name or username, "")
        with store.write() as s:
            publish_shipped_templates(s)
        if enrolled:
            enroll(store, server.url, username, PASSWORD)
        laptop = Laptop(store, AppContext(store, Tasks(), store.identity()), username)
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        laptop.ctx.tasks.wait(30_000)
        laptop.store.close()
