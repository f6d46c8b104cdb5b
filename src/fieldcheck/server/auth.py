"""Passwords (argon2id), device tokens (stored as SHA-256) and enrolment rate limits."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fieldcheck.models.coltypes import utcnow
from fieldcheck.server.errors import api_error, unauthorized
from fieldcheck.server.feed import Viewer
from fieldcheck.server.tables import Device, LoginAttempt, User, continued

_hasher = PasswordHasher()  # argon2id with the library's current parameters
FAILURE_LIMIT = 5
FAILURE_WINDOW = timedelta(minutes=5)
_dummy_hashes: dict[int, str] = {}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _dummy_hash() -> str:
    key = id(_hasher)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = _hasher.hash(secrets.token_hex(16))
    return _dummy_hashes[key]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DeviceAuth:
    device_id: str
    user: User
    # The devices this one continues (the same laptop before it was restored from a backup):
    # their audit events and leased numbers are its own.
    continues: frozenset[str] = frozenset()

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.user.id, self.user.role, self.user.team, self.user.name)


def authenticate_device(session: Session, authorization: str | None) -> DeviceAuth:
    if not authorization or not authorization.startswith("Bearer "):
        raise unauthorized()
    token = authorization.removeprefix("Bearer ").strip()
    if not token or len(token) > 200:
        raise unauthorized()
    device = session.scalars(select(Device).where(Device.token_hash == token_hash(token))).first()
    if device is None:
        raise unauthorized()
    if device.revoked_at is not None:
        raise api_error(403, "device_revoked")
    user = session.get(User, device.user_id)
    if user is None or not user.active:
        raise api_error(403, "device_revoked")
    return DeviceAuth(device.device_id, user, continued(session, device))


def check_password(session: Session, username: str, password: str) -> User | None:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        # A wrong name costs as much as a wrong password: nothing tells names apart.
        password_matches(_dummy_hash(), password)
        return None
    return user if password_matches(user.password_hash, password) else None


def too_many_failures(session: Session, key: str) -> bool:
    since = utcnow() - FAILURE_WINDOW
    count = session.scalar(
        select(func.count()).select_from(LoginAttempt)
        .where(LoginAttempt.key == key, LoginAttempt.at >= since)
    )
    return (count or 0) >= FAILURE_LIMIT


def record_failure(session: Session, key: str) -> None:
    now = utcnow()
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - FAILURE_WINDOW * 12))
    session.add(LoginAttempt(key=key, at=now))


def clear_failures(session: Session, key: str) -> None:
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == key))
