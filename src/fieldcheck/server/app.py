"""The FastAPI application: routes, the schema-version and size guards, and error bodies."""

from __future__ import annotations

import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldcheck.i18n import tr
from fieldcheck.server import api_admin, api_files, api_sync, verify
from fieldcheck.server.admission import Admission
from fieldcheck.server.blobs import BlobStore
from fieldcheck.server.database import Database
from fieldcheck.server.directory import publish_shipped_templates
from fieldcheck.server.errors import ApiError, error_response, message_of
from fieldcheck.server.settings import MAX_JSON_BODY, Settings
from fieldcheck.server.tables import ServerSetting
from fieldcheck.sync.protocol import MAX_BLOB_CHUNK, SCHEMA_HEADER, SCHEMA_VERSION

_HTTP_CODES = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}
_HTTP_MESSAGES = {
    401: "需要登录。",
    404: "请求的地址不存在。",
    405: "不支持该请求方法。",
    413: "请求内容过大。",
}


def prepare(settings: Settings) -> Database:
    """Migrate the database and publish the shipped templates; returns the database."""
    settings.blob_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.url)
    database.migrate()
    with database.write() as session:
        if session.get(ServerSetting, "server_id") is None:
            session.add(ServerSetting(key="server_id", value=str(uuid.uuid4())))
        publish_shipped_templates(session)
    return database


def create_app(settings: Settings, *, migrate: bool = True) -> FastAPI:
    database = prepare(settings) if migrate else Database(settings.url)
    app = FastAPI(
        title="FieldCheck 服务器", version=str(SCHEMA_VERSION),
        description="效能监察现场检查：笔记本与监察机关服务器之间的同步接口。",
    )
    app.state.settings = settings
    app.state.database = database
    app.state.blobs = BlobStore(settings.blob_dir)
    for module in (api_sync, api_files, api_admin, verify):
        app.include_router(module.router)

    @app.get("/health")
    def health() -> dict[str, str]:
        with database.read() as session:
            session.scalars(select(ServerSetting.key).limit(1)).first()
        return {"status": "ok"}

    _install_error_handlers(app)
    # Added first, so it runs inside the guard: a request is read whole before it waits.
    app.add_middleware(Admission, limit=settings.active_limit(),
                       wait_s=settings.queue_wait_ms / 1000)
    app.add_middleware(RequestGuard)
    return app


def create_app_from_env() -> FastAPI:
    """Factory for uvicorn worker processes: the parent migrated before starting them."""
    return create_app(Settings.from_env(), migrate=False)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def on_api_error(_request: Request, error: ApiError) -> JSONResponse:
        return error_response(error.status, error.code, error.message)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        where = "; ".join(
            ".".join(str(p) for p in e.get("loc", ())) for e in error.errors()[:5]
        )
        return error_response(422, "invalid_request", tr("请求格式不正确：{where}", where=where))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, "http_error")
        known = _HTTP_MESSAGES.get(error.status_code)
        message = tr(known) if known else tr("请求无法处理。")
        return error_response(error.status_code, code, message)

    @app.exception_handler(Exception)
    async def on_crash(_request: Request, _error: Exception) -> JSONResponse:
        return error_response(500, "internal_error", tr("服务器内部错误，请稍后重试；本机数据不受影响。"))


class _TooLarge(Exception):
    pass


class RequestGuard:
    """Every /api request names the protocol version it speaks and stays within its size
    limit (blob chunks: MAX_BLOB_CHUNK; anything else: MAX_JSON_BODY)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if headers.get(SCHEMA_HEADER.lower(), "").strip() != str(SCHEMA_VERSION):
            await _send_error(send, 426, "upgrade_required", message_of("upgrade_required"))
            return
        limit = MAX_BLOB_CHUNK if scope["path"].startswith("/api/v1/blobs/") else MAX_JSON_BODY
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _send_error(send, 413, "too_large", message_of("too_large"))
            return
        try:
            body = await _read_body(receive, limit)
        except _TooLarge:
            await _send_error(send, 413, "too_large", message_of("too_large"))
            return
        await self.app(scope, _replay(body, receive), send)


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        total += len(chunk)
        if total > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _send_error(send: Send, status: int, code: str, message: str) -> None:
    response = error_response(status, code, message)
    await send({"type": "http.response.start", "status": status, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


