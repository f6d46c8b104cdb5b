"""Errors the API answers with: an HTTP status, a stable code and a Chinese message."""

from __future__ import annotations

from fastapi.responses import JSONResponse


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


UNAUTHORIZED = ("unauthorized", "设备凭据无效或已失效，请重新登记本机。")
DEVICE_REVOKED = ("device_revoked", "本机的登记已被管理员撤销，请联系管理员重新登记。")
FORBIDDEN = ("forbidden", "当前账号无权进行此操作。")
UPGRADE_REQUIRED = (
    "upgrade_required",
    "本机的 FieldCheck 版本与服务器不一致，请升级 FieldCheck 后再同步；未同步的数据仍保留在本机。",
)
TOO_LARGE = ("too_large", "请求内容过大。")


def unauthorized() -> ApiError:
    return ApiError(401, *UNAUTHORIZED)


def forbidden(message: str = FORBIDDEN[1]) -> ApiError:
    return ApiError(403, "forbidden", message)
