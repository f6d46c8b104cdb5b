"""The server's own tables: accounts, devices, the change feed and what the sync needs.

Replicated records are stored generically (entity, id, JSON data) rather than in the laptop's
typed tables: the server merges fields and hands them on, it does not query inside them
beyond the few columns kept beside the data (scope, visit, notice numbers, photo hashes).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from fieldcheck.models.coltypes import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ServerBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Team(ServerBase):
    __tablename__ = "teams"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class User(ServerBase):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # inspector / leader / supervisor / admin
    team: Mapped[str] = mapped_column(String(100), default="")
    inspector_id: Mapped[str] = mapped_column(String(36))
    credential_no: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Device(ServerBase):
    __tablename__ = "devices"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    app_version: Mapped[str] = mapped_column(String(40), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # The device this one continues: the same laptop restored from a backup, enrolled anew.
    restored_from: Mapped[str | None] = mapped_column(String(36), default=None)


def continued(session: Session, device: Device) -> frozenset[str]:
    """The devices `device` continues (restored_from, followed back; none for most)."""
    found: list[str] = []
    current: Device | None = device
    for _ in range(50):  # a chain of restores, bounded whatever the table holds
        previous = current.restored_from if current is not None else None
        if not previous or previous == device.device_id or previous in found:
            break
        found.append(previous)
        current = session.get(Device, previous)
    return frozenset(found)


class FeedCounter(ServerBase):
    """One row: the last feed version handed out. Incremented inside the committing
    transaction, so its row lock orders commits and a cursor never passes uncommitted data."""

    __tablename__ = "feed_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Record(ServerBase):
    __tablename__ = "records"
    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(BigInteger, unique=True)
    # Team that receives it; None: every device (directories).
    scope: Mapped[str | None] = mapped_column(String(100), default=None)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    visit_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    origin_user_id: Mapped[str | None] = mapped_column(String(36), default=None)
    field_meta: Mapped[str] = mapped_column(Text, default="{}")
    blob_sha256: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    # The device whose push wrote this version and whose copy is known to equal it: its
    # pulls skip the record (the push result already gave it the server's time stamp).
    settled_device: Mapped[str | None] = mapped_column(String(36), default=None)


class NoticeNumber(ServerBase):
    """A printed document number belongs to one notice: two laptops never share a 文号."""

    __tablename__ = "notice_numbers"
    notice_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    number: Mapped[str] = mapped_column(String(60), primary_key=True)
    notice_id: Mapped[str] = mapped_column(String(36), index=True)


class AppliedOp(ServerBase):
    __tablename__ = "ops"
    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    result: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Blob(ServerBase):
    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int | None] = mapped_column(BigInteger, default=None)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NumberCounter(ServerBase):
    __tablename__ = "number_counters"
    notice_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_seq: Mapped[int] = mapped_column(Integer, default=1)


class NumberLease(ServerBase):
    __tablename__ = "number_leases"
    __table_args__ = (UniqueConstraint("device_id", "lease_key"),)
    block_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    lease_key: Mapped[str] = mapped_column(String(36))
    notice_type: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    first_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)
    leased_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditHead(ServerBase):
    __tablename__ = "audit_heads"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class ServerAuditEvent(ServerBase):
    __tablename__ = "audit_events"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[str] = mapped_column(String(36))
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36))
    detail: Mapped[str] = mapped_column(Text)
    record_hash: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AdminAudit(ServerBase):
    __tablename__ = "admin_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    who: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str] = mapped_column(Text, default="")


class LoginAttempt(ServerBase):
    """Failed enrolments, in the database so every worker process counts the same."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ServerSetting(ServerBase):
    """Facts about this server itself (its id, handed to enrolling laptops)."""

    __tablename__ = "server_settings"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
