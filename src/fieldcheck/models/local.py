"""Records of the laptop itself: identity, audit chain and the sync outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fieldcheck.models.base import Base
from fieldcheck.models.coltypes import JSONText, UTCDateTime, utcnow


class LocalIdentity(Base):
    """Who uses this laptop: stamped on audit events and notices until enrolment."""

    __tablename__ = "local_identity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    user_name: Mapped[str] = mapped_column(String(100), default="")
    credential_no: Mapped[str] = mapped_column(String(40), default="")
    inspector_id: Mapped[str | None] = mapped_column(String(36), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LocalSetting(Base):
    """A device-local key/value (sync cursors, UI choices); never replicated."""

    __tablename__ = "local_settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONText(), default=None, nullable=True)


class AuditEvent(Base):
    """Append-only, hash-chained log of every write: editing history is detectable."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    device_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36))
    detail: Mapped[Any] = mapped_column(JSONText(), default=None, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class OutboxOp(Base):
    """One pending change for the server, written in the same transaction as the edit.

    Dropped only after a later pull shows the server applied it (DESIGN §6).
    """

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_id: Mapped[str] = mapped_column(String(36), unique=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(10))  # "upsert" | "delete"
    payload: Mapped[Any] = mapped_column(JSONText())
    base_version: Mapped[Any] = mapped_column(JSONText(), default=None, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
