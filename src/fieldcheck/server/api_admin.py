"""Admin-only routes (the command line covers the rest of administration)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from fieldcheck.domain.reports import PeriodError, report_day, report_json, report_period
from fieldcheck.i18n import tr
from fieldcheck.models.coltypes import utcnow
from fieldcheck.server import admin
from fieldcheck.server.deps import AdminDevice, DatabaseDep, SettingsDep
from fieldcheck.server.directory import DirectoryError
from fieldcheck.server.errors import ApiError
from fieldcheck.server.followup import period_report

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


_DAY = {"format": "date", "examples": ["2026-10-01"]}


@router.get("/followup/report")
def followup_report(
    auth: AdminDevice, database: DatabaseDep, settings: SettingsDep,
    day_from: Annotated[str, Query(alias="from", max_length=40, json_schema_extra=_DAY,
                                   description=tr("起始日期（发现问题的检查日），含当日"))],
    day_to: Annotated[str, Query(alias="to", max_length=40, json_schema_extra=_DAY,
                                 description=tr("截止日期，含当日；期限按其结束时（或现在）判断"))],
) -> dict[str, Any]:
    """跟踪问效报表 of every synced record: what `fieldcheck report --format json` prints on a
    laptop holding the same records (repeat offenders with their evidence, overdue findings,
    statistics)."""
    try:
        first, last = report_period(report_day(day_from), report_day(day_to))
    except PeriodError as error:
        raise ApiError(422, "invalid_period", str(error)) from error
    with database.read() as session:
        rep = period_report(session, first, last, utcnow(), settings.zone())
    return report_json(rep)


@router.get("/number-clashes")
def number_clashes(
    auth: AdminDevice, database: DatabaseDep,
    open_only: Annotated[bool, Query(alias="open", description=tr("只列出尚未更正的"))] = False,
) -> list[dict[str, Any]]:
    """文号 printed on two papers, oldest first: what `fieldcheck-server admin number-clashes
    --format json` prints (each notice, the one holding the number, the 更正 once issued)."""
    from fieldcheck.server.clashes import number_clashes as listed

    with database.read() as session:
        return [clash.as_json() for clash in listed(session, open_only=open_only)]
