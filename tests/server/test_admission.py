"""The server's admission of heavy sync requests (server/admission.py): a few at a time, the
line in arrival order, the rest told when to come back, and nothing else held back."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fieldcheck.server.admission import Admission


class Gate:
    """An inner app that holds each request until the test opens its gate."""

    def __init__(self) -> None:
        self.entered: list[str] = []
        self.gates: dict[str, asyncio.Event] = {}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        name = dict(scope["headers"])[b"x-name"].decode()
        self.entered.append(name)
        gate = self.gates.setdefault(name, asyncio.Event())
        await gate.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": name.encode()})

    def open(self, name: str) -> None:
        self.gates.setdefault(name, asyncio.Event()).set()


async def call(app: Admission, path: str, name: str) -> tuple[int, dict[str, str], bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "path": path, "method": "POST", "headers": [(b"x-name", name.encode())]}
    await app(scope, receive, send)
    start = sent[0]
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, b"".join(m.get("body", b"") for m in sent[1:])


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_a_full_house_makes_the_next_request_wait_then_tells_it_when_to_come_back() -> None:
    async def scenario() -> None:
        inner = Gate()
        app = Admission(inner, limit=2, wait_s=0.2)
        first = asyncio.create_task(call(app, "/api/v1/push", "a"))
        second = asyncio.create_task(call(app, "/api/v1/pull", "b"))
        await settle()
        assert inner.entered == ["a", "b"]

        status, headers, body = await call(app, "/api/v1/audit", "c")  # both slots busy
        assert status == 503 and inner.entered == ["a", "b"]  # never reached the routes
        assert int(headers["retry-after"]) >= 1
        error = json.loads(body)["error"]
        assert error["code"] == "busy" and "稍后" in error["message"]
        assert 50 <= error["retry_after_ms"] <= 10_000
        assert headers["content-type"] == "application/json"

        inner.open("a")
        inner.open("b")
        assert (await first)[0] == 200 and (await second)[0] == 200
        inner.open("d")
        assert (await call(app, "/api/v1/push", "d"))[0] == 200  # free again: admitted at once
        assert (app.admitted, app.refused) == (3, 1)

    asyncio.run(scenario())


def test_the_line_is_served_in_arrival_order_within_its_wait() -> None:
    async def scenario() -> None:
        inner = Gate()
        app = Admission(inner, limit=1, wait_s=5.0)
        tasks = [asyncio.create_task(call(app, "/api/v1/push", name)) for name in "abcd"]
        await settle()
        assert inner.entered == ["a"]
        for name in "abcd":
            inner.open(name)
            await settle()
        assert [(await t)[2].decode() for t in tasks] == list("abcd")
        assert inner.entered == list("abcd") and app.refused == 0

    asyncio.run(scenario())


def test_health_verify_files_and_leases_pass_while_every_slot_is_taken() -> None:
    async def scenario() -> None:
        inner = Gate()
        app = Admission(inner, limit=1, wait_s=0.0)
        held = asyncio.create_task(call(app, "/api/v1/pull", "held"))
        await settle()
        for path in ("/health", "/verify/x", "/api/v1/blobs/check", "/api/v1/numbers/lease",
                     "/api/v1/admin/devices", "/api/v1/enroll", "/api/v1/audit/head"):
            inner.open(path)
            status, _headers, _body = await call(app, path, path)
            assert status == 200, path
        assert (await call(app, "/api/v1/push", "late"))[0] == 503
        inner.open("held")
        await held

    asyncio.run(scenario())


def test_the_time_to_come_back_grows_with_the_line_and_the_recent_pace() -> None:
    app = Admission(Gate(), limit=2, wait_s=0.0)
    app._mean_s = 0.1
    short = app.retry_after_ms()
    app._waiting = 20
    longer = app.retry_after_ms()
    app._mean_s = 1.0
    slow = app.retry_after_ms()
    assert 50 <= short < longer < slow <= 10_000
