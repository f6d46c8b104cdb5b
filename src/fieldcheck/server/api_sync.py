"""Routes of the sync protocol: enrolment, push, pull and audit chains."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.i18n import tr
from fieldcheck.models.coltypes import utcnow
from fieldcheck.server import auth as accounts
from fieldcheck.server.admin import record_admin_action
from fieldcheck.server.audit import append_events, audit_head
from fieldcheck.server.deps import CurrentDevice, DatabaseDep
from fieldcheck.server.errors import ApiError, api_error, forbidden
from fieldcheck.server.feed import lock_feed, pull_page
from fieldcheck.server.merge import Pusher, apply_push
from fieldcheck.server.tables import Device, ServerSetting
from fieldcheck.sync.protocol import (
    MAX_PULL_LIMIT,
    AuditPush,
    AuditPushResponse,
    EnrollRequest,
    EnrollResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    UserInfo,
)

router = APIRouter(prefix="/api/v1")
WRONG_PASSWORD = "用户名或密码不正确。"


@router.post("/enroll", response_model=EnrollResponse)
def enroll(body: EnrollRequest, request: Request, database: DatabaseDep) -> EnrollResponse:
    client = request.client.host if request.client else ""
    key = f"{body.username}|{client}"
    with database.write() as session:
        if accounts.too_many_failures(session, key):
            raise ApiError(429, "rate_limited", tr("登录失败次数过多，请 5 分钟后再试。"))
        user = accounts.check_password(session, body.username, body.password)
        if user is None:
            accounts.record_failure(session, key)
        else:
            accounts.clear_failures(session, key)
    if user is None:
        raise ApiError(401, "unauthorized", tr(WRONG_PASSWORD))
    token = accounts.new_token()
    with database.write() as session:
        device = session.get(Device, body.device_id)
        if device is not None and device.revoked_at is not None:
            raise api_error(403, "device_revoked")
        if body.restored_from:
            _continue_device(session, user.id, body.restored_from, body.device_id, device)
        if device is None:
            device = Device(device_id=body.device_id, user_id=user.id, token_hash="",
                            restored_from=body.restored_from)
            session.add(device)
        device.user_id = user.id
        device.name = body.device_name
        device.app_version = body.app_version
        device.token_hash = accounts.token_hash(token)  # the old token stops working
        device.last_seen = utcnow()
        server_id = session.scalars(
            select(ServerSetting.value).where(ServerSetting.key == "server_id")
        ).one()
    return EnrollResponse(
        device_id=body.device_id, token=token, server_id=server_id,
        user=UserInfo(
            username=user.username, name=user.name, role=user.role,  # type: ignore[arg-type]
            team=user.team, inspector_id=user.inspector_id, credential_no=user.credential_no,
        ),
    )


def _continue_device(session: Session, user_id: str, old_id: str, new_id: str,
                     device: Device | None) -> None:
    """A laptop restored from a backup enrols as a new device continuing its old one: only
    the account's own device, and the old one stops (its token no longer works)."""
    old = session.get(Device, old_id)
    if old is None or old.user_id != user_id or old_id == new_id:
        raise ApiError(403, "forbidden", tr("只能接续本账号自己登记过的另一台设备。"))
    if device is not None and device.restored_from != old_id:
        raise ApiError(409, "device_exists", tr("本机编号已登记为另一台设备，不能再用于接续。"))
    if old.revoked_at is None:
        old.revoked_at = utcnow()
    record_admin_action(session, "enroll", "device.continue",
                        {"user_id": user_id, "restored_from": old_id, "device_id": new_id})


@router.post("/push", response_model=PushResponse)
def push(body: PushRequest, auth: CurrentDevice, database: DatabaseDep) -> Response:
    if body.device_id != auth.device_id:
        raise forbidden(tr("请求中的设备与令牌不一致。"))
    with database.write() as session:
        results = apply_push(session, Pusher(auth.viewer, auth.device_id, body.cursor, auth.continues),
                             body.ops)
    # Serialized once here (the route's response model would validate the results again).
    return Response(content=PushResponse(results=results).model_dump_json(),
                    media_type="application/json")


@router.get("/pull", response_model=PullResponse)
def pull(
    auth: CurrentDevice,
    database: DatabaseDep,
    cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = 500,
) -> Response:
    """A PullResponse, written from the records' stored JSON as it is: a page is most of what
    a busy server sends, and parsing and re-encoding every record would double its cost."""
    with database.read() as session:
        records, next_cursor, more = pull_page(session, auth.viewer, cursor, limit, auth.device_id)
        page = ",".join(
            f'{{"entity":{json.dumps(r.entity)},"id":{json.dumps(r.id)},"version":{int(r.version)},'
            f'"data":{r.data}}}' for r in records)
        audit = audit_head(session, auth.device_id).head_seq
    body = (f'{{"records":[{page}],"cursor":{int(next_cursor)},"more":{"true" if more else "false"},'
            f'"audit_head":{int(audit)}}}')
    return Response(content=body.encode("utf-8"), media_type="application/json")


@router.post("/audit", response_model=AuditPushResponse)
def push_audit(body: AuditPush, auth: CurrentDevice, database: DatabaseDep) -> AuditPushResponse:
    if body.device_id != auth.device_id:
        raise forbidden(tr("只能上传本机自己的审计记录。"))
    with database.write() as session:
        lock_feed(session)  # one writer of a device's chain at a time, across processes
        return append_events(session, auth.device_id, body.events, auth.continues)


@router.get("/audit/head", response_model=AuditPushResponse)
def get_audit_head(auth: CurrentDevice, database: DatabaseDep) -> AuditPushResponse:
    """The last audit event of this device the server holds (seq 0 and GENESIS: none)."""
    with database.read() as session:
        return audit_head(session, auth.device_id)
