"""Admission of the heavy sync requests: a few at a time per process, the rest told when to
come back.

When a whole team's laptops sync in the same minute, taking every push and pull at once only
makes each of them wait for all the others: they share the cores, pooled connections and the
feed lock, and a request that has waited long enough is timed out by its client and sent again.
Here each process works on at most `limit` heavy requests (push, pull, audit chain) at a time;
one that finds them all busy waits in line, in arrival order, for at most `wait_s`, and is then
answered 503 `busy` with a time to try again (Retry-After in seconds, `retry_after_ms` in the
body), estimated from the line and the recent time per request. The laptop waits that long,
with jitter, and sends the same request again (it is idempotent: nothing of a refused request
was read beyond its body). Everything else (health, the public verify page, files, leases,
admin) is never held back, so a QR code scanned during a burst is answered at once.
"""

from __future__ import annotations

import asyncio
import json
import math
import time

from starlette.types import ASGIApp, Receive, Scope, Send

from fieldcheck.server.errors import message_of

HEAVY_PATHS = frozenset({"/api/v1/push", "/api/v1/pull", "/api/v1/audit"})
BUSY_CODE = "busy"
MIN_RETRY_MS = 50
MAX_RETRY_MS = 10_000


class Admission:
    """ASGI middleware; `limit` heavy requests per process, a line that waits `wait_s`."""

    def __init__(self, app: ASGIApp, limit: int, wait_s: float) -> None:
        self.app = app
        self.limit = max(1, limit)
        self.wait_s = max(0.0, wait_s)
        self._slots: asyncio.Semaphore | None = None  # made on the serving loop
        self._waiting = 0
        self._mean_s = 0.1  # recent time per admitted request (moving average)
        self.admitted = 0
        self.refused = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in HEAVY_PATHS:
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        slots = self._slots
        if slots.locked():
            self._waiting += 1
            try:
                await asyncio.wait_for(slots.acquire(), self.wait_s)
            except TimeoutError:
                self.refused += 1
                await self._busy(send)
                return
            finally:
                self._waiting -= 1
        else:
            await slots.acquire()
        self.admitted += 1
        started = time.monotonic()
        try:
            await self.app(scope, receive, send)
        finally:
            slots.release()
            self._mean_s += (time.monotonic() - started - self._mean_s) * 0.2

    def retry_after_ms(self) -> int:
        """Time for the line ahead (and this request) to be worked off, at the recent pace."""
        ahead = self._waiting + self.limit + 1
        estimate = ahead * self._mean_s / self.limit * 1000
        return int(min(MAX_RETRY_MS, max(MIN_RETRY_MS, estimate)))

    async def _busy(self, send: Send) -> None:
        retry_ms = self.retry_after_ms()
        body = json.dumps({"error": {"code": BUSY_CODE, "message": message_of(BUSY_CODE),
                                     "retry_after_ms": retry_ms}}, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 503, "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(max(1, math.ceil(retry_ms / 1000))).encode()),
        ]})
        await send({"type": "http.response.body", "body": body})
