"""The bureau's administration: accounts, teams and devices; every action is recorded."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.i18n import tr
from fieldcheck.ids import uuid7
from fieldcheck.models.coltypes import utcnow
from fieldcheck.server.auth import hash_password
from fieldcheck.server.directory import INSPECTOR_ROLES, DirectoryError, put_inspector
from fieldcheck.server.tables import AdminAudit, Device, Team, User

ROLES = tuple(INSPECTOR_ROLES)


def record_admin_action(session: Session, who: str, action: str, detail: dict[str, Any]) -> None:
    session.add(AdminAudit(
        who=who, action=action, detail=json.dumps(detail, ensure_ascii=False, sort_keys=True)
    ))


def create_team(session: Session, who: str, name: str) -> None:
    name = name.strip()
    if not name or len(name) > 100:
        raise DirectoryError(tr("检查组名称不能为空，且不超过 100 字。"))
    if session.get(Team, name) is not None:
        raise DirectoryError(tr("检查组“{name}”已存在。", name=name))
    session.add(Team(name=name))
    record_admin_action(session, who, "team.create", {"team": name})


def create_user(
    session: Session, who: str, *, username: str, password: str, role: str, team: str = "",
    name: str = "", credential_no: str = "",
) -> User:
    """An account and its inspector record (which every device receives)."""
    if role not in ROLES:
        raise DirectoryError(tr("未知的角色：{role}（可选：{roles}）", role=role, roles="、".join(ROLES)))
    if not username.strip() or len(username) > 100:
        raise DirectoryError(tr("用户名不能为空，且不超过 100 字。"))
    if len(password) < 8:
        raise DirectoryError(tr("密码至少 8 位。"))
    if session.scalars(select(User).where(User.username == username)).first() is not None:
        raise DirectoryError(tr("用户名“{username}”已存在。", username=username))
    if team and session.get(Team, team) is None:
        session.add(Team(name=team))
        record_admin_action(session, who, "team.create", {"team": team})
    user = User(
        id=str(uuid.uuid4()), username=username, name=name or username,
        password_hash=hash_password(password), role=role, team=team, inspector_id=uuid7(),
        credential_no=credential_no, active=True,
    )
    session.add(user)
    session.flush()
    put_inspector(
        session, user.inspector_id, name=user.name, credential_no=credential_no, team=team,
        role=role,
    )
    record_admin_action(session, who, "user.create", {"username": username, "role": role,
                                                      "team": team})
    return user


@dataclass(frozen=True)
class UserRow:
    username: str
    name: str
    role: str
    team: str
    active: bool


def list_users(session: Session) -> list[UserRow]:
    users = session.scalars(select(User).order_by(User.username))
    return [UserRow(u.username, u.name, u.role, u.team, u.active) for u in users]


@dataclass(frozen=True)
class DeviceRow:
    device_id: str
    username: str
    name: str
    created_at: datetime
    last_seen: datetime | None
    revoked_at: datetime | None
    restored_from: str | None = None  # the device this one continues (restored from a backup)


def list_devices(session: Session) -> list[DeviceRow]:
    rows = session.execute(
        select(Device, User.username).join(User, User.id == Device.user_id)
        .order_by(Device.created_at)
    )
    return [
        DeviceRow(d.device_id, username, d.name, d.created_at, d.last_seen, d.revoked_at,
                  d.restored_from)
        for d, username in rows
    ]


def revoke_device(session: Session, who: str, device_id: str) -> None:
    device = session.get(Device, device_id)
    if device is None:
        raise DirectoryError(tr("找不到设备：{device}", device=device_id))
    if device.revoked_at is None:
        device.revoked_at = utcnow()
    record_admin_action(session, who, "device.revoke", {"device_id": device_id})


def readmit_device(session: Session, who: str, device_id: str) -> None:
    """Let a revoked laptop enrol again (with its user's password); its old token stays dead,
    and the work it kept while revoked syncs once it is enrolled."""
    device = session.get(Device, device_id)
    if device is None:
        raise DirectoryError(tr("找不到设备：{device}", device=device_id))
    device.revoked_at = None
    device.token_hash = ""  # no token matches: the laptop must enrol again
    record_admin_action(session, who, "device.readmit", {"device_id": device_id})
