"""Laptops (real local stores) syncing with the real server app, in-process."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import PASSWORD, Bureau, Laptop
from tests.server.conftest import (  # noqa: F401 - fixtures
    cheap_password_hashing,
    postgres_template,
    postgres_url,
)

from fieldcheck.domain import checklist
from fieldcheck.server.app import create_app
from fieldcheck.server.settings import Settings
from fieldcheck.store import Store, open_store
from fieldcheck.sync.commands import enroll
from own_issuer import configure_bureau

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture(params=["sqlite", "postgresql"])
def bureau(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Bureau]:
    """The real server app, on its embedded SQLite and on a fresh PostgreSQL database."""
    url = "" if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))
    app = create_app(Settings(tmp_path / "server", url))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield Bureau(client, app)
    app.state.database.dispose()


@pytest.fixture
def make_laptop(tmp_path: Path, bureau: Bureau) -> Iterator[Any]:
    stores: list[Store] = []

    def make(username: str, name: str = "", team: str = "一组", role: str = "inspector") -> Laptop:
        bureau.add_user(username, role=role, team=team, name=name)
        store = open_store(tmp_path / f"laptop-{username}")
        configure_bureau(store.data_dir)  # a real store issues only under its own issuer
        stores.append(store)
        with store.write() as s:
            checklist.publish_shipped_templates(s)
        enroll(store, "http://127.0.0.1", username, PASSWORD, client=bureau.client)
        return Laptop(store, bureau)

    yield make
    for store in stores:
        store.close()


