"""Schemathesis against /openapi.json of the real app, in process: no request makes a 5xx,
and every error keeps the stable shape. Bounded: a few dozen examples per operation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings

from fieldcheck.server import auth

from .conftest import Device, Server, make_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Device]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        servers = make_server(Path(tmp_path_factory.mktemp("fuzz")), "")
        server = next(servers)
        server.add_user("root", role="admin", team="一组")
        device = server.enroll("root")
        yield server, device
        next(servers, None)


def test_no_server_errors(fuzzed: tuple[Server, Device]) -> None:
    server, device = fuzzed
    headers = device.headers
    schema = schemathesis.openapi.from_asgi("/openapi.json", server.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    seen: list[tuple[str, int]] = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def no_server_error(case: Any) -> None:
            if isinstance(case.body, dict):  # reach past the "not your device" check
                if "device_id" in case.body and "events" in case.body or "ops" in case.body:
                    case.body["device_id"] = device.device_id
                if "notice_type" in case.body:
                    case.body["notice_type"] = "record"
            response = case.call(headers={**(case.headers or {}), **headers})
            seen.append((f"{case.method} {case.path}", response.status_code))
            assert response.status_code < 500, (case.method, case.path, response.text[:500])
            if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
                body = response.json()
                if "error" in body:
                    assert set(body["error"]) == {"code", "message"}

        no_server_error()

    # The fuzzing reached the routes themselves, not only the guards in front of them.
    assert any(200 <= status < 300 for label, status in seen if label.startswith("POST /api"))
