"""Talking to the bureau's server: one httpx client, errors a person can act on.

The httpx client is injected (STYLE: "Service code") so tests run the same engine against the
real app in-process and against a uvicorn process on loopback.
"""

from __future__ import annotations

import ipaddress
import random
import ssl
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from fieldcheck.errors import FieldCheckError
from fieldcheck.i18n import tr
from fieldcheck.sync.protocol import SCHEMA_HEADER, SCHEMA_VERSION

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# How long a sync keeps coming back to a server that answers "busy" (503, server/admission.py)
# before it gives up with that message; the next automatic sync tries again.
BUSY_PATIENCE_S = 300.0
BUSY_DEFAULT_MS = 1000


class SyncError(FieldCheckError):
    """The server could not be reached or refused the request; nothing local was lost."""

    code = "sync"

    def __init__(self, message: str, code: str = "sync", status: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, insecure: bool = False) -> str:
    """The server address, refused when it would send passwords and records in clear text."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError(tr("服务器地址无效：{url}（应形如 https://server.example.cn）", url=url), "bad_url")
    if parts.scheme == "http" and not is_loopback(url) and not insecure:
        raise SyncError(tr("拒绝以不加密的 http 连接 {url}：请使用 https，或在确知网络可信时加 --insecure。",
                           url=url), "insecure")
    return url.strip().rstrip("/")


class ServerConnection:
    """Requests to one server with this device's token; every failure becomes a SyncError."""

    def __init__(self, base_url: str, token: str | None = None, *,
                 client: httpx.Client | None = None, insecure: bool = False) -> None:
        self.base_url = check_url(base_url, insecure)
        self.token = token
        # A plain-http (loopback) client needs no TLS context: loading the CA bundle costs
        # more than a whole no-change sync.
        tls = self.base_url.startswith("https://")
        self._client = client or httpx.Client(base_url=self.base_url, timeout=TIMEOUT, verify=tls)
        self._owned = client is None
        self.busy_waits = 0  # times the server said "busy, come back later", and time spent so
        self.busy_seconds = 0.0
        self.busy_patience_s = BUSY_PATIENCE_S
        self.pause: Callable[[float], None] = time.sleep  # the app's may end the wait early

    def close(self) -> None:
        if self._owned:
            self._client.close()

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {SCHEMA_HEADER: str(SCHEMA_VERSION)}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def send(self, method: str, path: str, *, json: Any = None, content: bytes | None = None,
             params: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> httpx.Response:
        """One request; a "busy" answer is waited out (the time the server asked for, with
        jitter so a team's laptops do not come back in step) and the same request sent again,
        for up to `busy_patience_s`: the server read nothing of it but its body."""
        waited = 0.0
        while True:
            response = self._send_once(method, path, json=json, content=content, params=params,
                                       headers=headers)
            delay = busy_delay(response)
            if delay is None or waited + delay > self.busy_patience_s:
                break
            self.pause(delay)
            waited += delay
            self.busy_waits += 1
            self.busy_seconds += delay
        if response.status_code >= 400:
            raise error_from(response)
        return response

    def _send_once(self, method: str, path: str, *, json: Any, content: bytes | None,
                   params: dict[str, Any] | None, headers: dict[str, str] | None) -> httpx.Response:
        try:
            response = self._client.request(method, path, json=json, content=content, params=params,
                                            headers=self._headers(headers))
        except httpx.TimeoutException as exc:
            raise SyncError(tr("服务器 {url} 响应超时，稍后会自动重试；本机数据未受影响。", url=self.base_url),
                            "timeout") from exc
        except httpx.ConnectError as exc:
            if isinstance(exc.__cause__, ssl.SSLError) or "CERTIFICATE" in str(exc).upper():
                raise SyncError(tr("服务器 {url} 的证书无法验证：请联系管理员确认服务器地址和证书。",
                                   url=self.base_url), "certificate") from exc
            raise SyncError(tr("无法连接服务器 {url}：请检查网络后重试；本机数据未受影响。", url=self.base_url),
                            "unreachable") from exc
        except httpx.HTTPError as exc:
            raise SyncError(tr("与服务器 {url} 的连接中断：{error}", url=self.base_url, error=exc),
                            "unreachable") from exc
        return response

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.send(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise SyncError(tr("服务器返回了无法识别的内容（HTTP {status}）。", status=response.status_code),
                            "bad_response", response.status_code) from exc


_MESSAGES = {
    "unauthorized": "用户名或密码不正确，或本机的登录凭据已失效。",
    "device_revoked": "本机的同步授权已被管理员撤销：同步已停止，未同步的内容仍保存在本机。请联系管理员重新登记本机。",
    "upgrade_required": "服务器要求更新版本的 FieldCheck：请升级后再同步，未同步的内容仍保存在本机。",
    "rate_limited": "登录尝试过于频繁，请稍后再试。",
    "busy": "服务器正忙，已等待多时仍未轮到本机：稍后会自动重试，本机数据未受影响。",
    "forbidden": "当前账号无权执行此操作。",
}


def busy_delay(response: httpx.Response) -> float | None:
    """Seconds to wait before sending again, when the server answered "busy"; else None."""
    if response.status_code != 503:
        return None
    try:
        error = response.json()["error"]
        if error["code"] != "busy":
            return None
        asked = float(error.get("retry_after_ms", BUSY_DEFAULT_MS)) / 1000
    except (ValueError, KeyError, TypeError):
        return None
    return max(0.01, min(asked, 30.0)) * random.uniform(0.5, 1.5)


def error_from(response: httpx.Response) -> SyncError:
    code, message = "server_error", ""
    try:
        body = response.json()
        code = str(body["error"]["code"])
        message = str(body["error"]["message"])
    except (ValueError, KeyError, TypeError):
        pass
    if code in _MESSAGES:
        message = tr(_MESSAGES[code])
    elif response.status_code >= 500 or not message:
        message = tr("服务器出错（HTTP {status}），稍后会自动重试；本机数据未受影响。", status=response.status_code)
    return SyncError(message, code, response.status_code)
