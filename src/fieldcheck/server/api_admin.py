"""Admin-only routes (the command line covers the rest of administration)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from fieldcheck.server import admin
from fieldcheck.server.deps import AdminDevice, DatabaseDep
from fieldcheck.server.directory import DirectoryError
from fieldcheck.server.errors import ApiError

router = APIRouter(prefix="/api/v1/admin")


class DeviceInfo(BaseModel):
    device_id: str
    username: str
    name: str
    created_at: str
    last_seen: str | None
    revoked: bool


@router.get("/devices", response_model=list[DeviceInfo])
def list_devices(auth: AdminDevice, database: DatabaseDep) -> list[DeviceInfo]:
    with database.read() as session:
        rows = admin.list_devices(session)
    return [
        DeviceInfo(
            device_id=r.device_id, username=r.username, name=r.name,
            created_at=r.created_at.isoformat(),
            last_seen=r.last_seen.isoformat() if r.last_seen else None,
            revoked=r.revoked_at is not None,
        )
        for r in rows
    ]


@router.post("/devices/{device_id}/revoke", status_code=204)
def revoke_device(device_id: str, auth: AdminDevice, database: DatabaseDep) -> None:
    try:
        with database.write() as session:
            admin.revoke_device(session, auth.user.username, device_id)
    except DirectoryError as error:
        raise ApiError(404, "not_found", str(error)) from error
