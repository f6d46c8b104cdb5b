"""Fixtures of the server suite: a real app on SQLite and on PostgreSQL, accounts, devices.

PostgreSQL tests run against FIELDCHECK_TEST_PG (a superuser URL; each test creates and drops
its own database). Without it they skip on a developer machine, and fail in CI.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

if os.environ.get("CI") != "true":
    pytest.importorskip("fastapi", reason="the server extra is not installed")

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fieldcheck.server import admin
from fieldcheck.server.app import create_app, prepare
from fieldcheck.server.database import Database
from fieldcheck.server.settings import Settings
from fieldcheck.sync.protocol import SCHEMA_HEADER, SCHEMA_VERSION

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PG_ENV = "FIELDCHECK_TEST_PG"
PASSWORD = "correct horse 42"
BACKENDS = ["sqlite", "postgresql"]


def postgres_admin_url() -> str:
    url = os.environ.get(PG_ENV, "")
    if url:
        return url
    if os.environ.get("CI") == "true":
        pytest.fail(f"{PG_ENV} is not set: CI must run the server suite on PostgreSQL")
    pytest.skip(f"PostgreSQL tests need {PG_ENV}=postgresql+psycopg://USER:PW@127.0.0.1:5432/postgres")


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at its production cost takes most of a second per hash; the tests check the
    flow, not the cost."""
    from argon2 import PasswordHasher

    from fieldcheck.server import auth

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="session")
def postgres_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database that each test's database is copied from (faster than migrating)."""
    admin_url = make_url(postgres_admin_url())
    name = f"fc_template_{uuid.uuid4().hex[:16]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin_url.set(database=name).render_as_string(hide_password=False)
        prepare(Settings(tmp_path_factory.mktemp("template"), url)).dispose()
        yield name
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture
def postgres_url(postgres_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database for one test, at the current schema and otherwise empty."""
    admin_url = make_url(postgres_admin_url())
    name = f"fc_test_{uuid.uuid4().hex[:16]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return ""
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def sqlite_only() -> str:
    return ""


@dataclass
class Device:
    """An enrolled laptop as the server sees it: its id, token and a client that sends both."""

    device_id: str
    token: str
    client: TestClient
    user: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self.client.post(path, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def put(self, path: str, **kw: Any) -> Any:
        return self.client.put(path, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def push(self, *ops: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.post("/api/v1/push", json={"device_id": self.device_id, "ops": list(ops)})
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def pull_all(self, cursor: int = 0, limit: int = 1000) -> tuple[list[dict[str, Any]], int]:
        records: list[dict[str, Any]] = []
        for _ in range(1000):
            response = self.get("/api/v1/pull", params={"cursor": cursor, "limit": limit})
            assert response.status_code == 200, response.text
            page = response.json()
            assert page["cursor"] >= cursor
            records.extend(page["records"])
            cursor = page["cursor"]
            if not page["more"]:
                return records, cursor
        raise AssertionError("pull never finished")


@dataclass
class Server:
    settings: Settings
    database: Database
    client: TestClient

    def add_user(self, username: str, role: str = "inspector", team: str = "一组") -> None:
        with self.database.write() as session:
            admin.create_user(session, "test", username=username, password=PASSWORD, role=role,
                              team=team, name=username)

    def enroll(self, username: str, device_id: str | None = None) -> Device:
        device_id = device_id or str(uuid.uuid4())
        response = self.client.post(
            "/api/v1/enroll", headers=SCHEMA,
            json={"username": username, "password": PASSWORD, "device_id": device_id,
                  "device_name": f"{username} 的笔记本"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        headers = {**SCHEMA, "Authorization": f"Bearer {body['token']}"}
        return Device(device_id, body["token"], self.client, body["user"], headers)


SCHEMA = {SCHEMA_HEADER: str(SCHEMA_VERSION)}


def make_server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    settings = Settings(tmp_path / "server", database_url)
    app = create_app(settings)
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        yield Server(settings, app.state.database, client)
    app.state.database.dispose()


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    yield from make_server(tmp_path, database_url)


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[Server]:
    yield from make_server(tmp_path, "")


def new_id() -> str:
    return str(uuid.uuid4())


MADE_AT = "2026-11-27T08:00:00.000000Z"


def op(entity: str, entity_id: str, changed: dict[str, Any], *, kind: str = "create",
       base: dict[str, Any] | None = None, op_id: str | None = None,
       made_by: str = "王建国", seen: int | None = None) -> dict[str, Any]:
    """An op as a laptop sends it; `seen`: the feed version it had pulled to when it made
    the edit (left out, the push's cursor stands in)."""
    made = {
        "op_id": op_id or new_id(), "entity": entity, "entity_id": entity_id, "kind": kind,
        "changed": changed, "base": base or {}, "made_at": MADE_AT, "made_by": made_by,
    }
    if seen is not None:
        made["seen"] = seen
    return made


OpFactory = Callable[..., dict[str, Any]]
