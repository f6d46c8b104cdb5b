"""Typed dependencies of the routes: the database and the calling device."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from fieldcheck.i18n import tr
from fieldcheck.models.coltypes import utcnow
from fieldcheck.server.auth import DeviceAuth, authenticate_device
from fieldcheck.server.blobs import BlobStore
from fieldcheck.server.database import Database
from fieldcheck.server.errors import forbidden
from fieldcheck.server.settings import Settings
from fieldcheck.server.tables import Device

_bearer = HTTPBearer(auto_error=False, description="本机登记时取得的设备令牌")
_SEEN_EVERY = timedelta(minutes=1)


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_blob_store(request: Request) -> BlobStore:
    store: BlobStore = request.app.state.blobs
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
BlobStoreDep = Annotated[BlobStore, Depends(get_blob_store)]


def get_current_device(
    database: DatabaseDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> DeviceAuth:
    header = f"Bearer {credentials.credentials}" if credentials else None
    with database.read() as session:
        auth = authenticate_device(session, header)
        device = session.get(Device, auth.device_id)
        stale = device is not None and (
            device.last_seen is None or utcnow() - device.last_seen > _SEEN_EVERY
        )
    if stale:
        with database.write() as session:
            seen = session.get(Device, auth.device_id)
            if seen is not None:
                seen.last_seen = utcnow()
    return auth


CurrentDevice = Annotated[DeviceAuth, Depends(get_current_device)]


def get_admin_device(auth: CurrentDevice) -> DeviceAuth:
    if auth.user.role != "admin":
        raise forbidden(tr("只有管理员可以使用此功能。"))
    return auth


AdminDevice = Annotated[DeviceAuth, Depends(get_admin_device)]
