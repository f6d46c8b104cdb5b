"""Errors the API answers with: an HTTP status, a stable code and a message in the server's language."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from fieldcheck.i18n import tr


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


# What the server says of its own refusals, by code; said through tr in the server's language
# (the laptop puts its own words on the codes it knows: sync.transport).
MESSAGES = {
    "unauthorized": "设备凭据无效或已失效，请重新登记本机。",
    "device_revoked": "本机的登记已被管理员撤销，请联系管理员重新登记。",
    "forbidden": "当前账号无权进行此操作。",
    "upgrade_required": "本机的 FieldCheck 版本与服务器不一致，请升级 FieldCheck 后再同步；未同步的数据仍保留在本机。",
    "too_large": "请求内容过大。",
    "busy": "服务器正忙，请稍后自动重试；本机数据未受影响。",
}


def message_of(code: str) -> str:
    return tr(MESSAGES[code])


def api_error(status: int, code: str) -> ApiError:
    return ApiError(status, code, message_of(code))


def unauthorized() -> ApiError:
    return api_error(401, "unauthorized")


def forbidden(message: str | None = None) -> ApiError:
    return ApiError(403, "forbidden", message or message_of("forbidden"))
