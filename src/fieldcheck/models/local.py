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
    # Set by enrolment: the server account this laptop now belongs to.
    server_url: Mapped[str] = mapped_column(String(300), default="", server_default="")
    username: Mapped[str] = mapped_column(String(100), default="", server_default="")
    role: Mapped[str] = mapped_column(String(20), default="", server_default="")
    team: Mapped[str] = mapped_column(String(100), default="", server_default="")
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# The LocalSetting holding the feed version this laptop has pulled to (sync/apply.py moves it).
FEED_CURSOR_KEY = "sync.cursor"


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
    # SHA-256 of the record state this event wrote ("" for events that wrote no record):
    # a record edited behind the app's back no longer matches its last event.
    record_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class OutboxOp(Base):
    """One pending change for the server, written in the same transaction as the edit.

    It names the fields the edit changed with their new values (`changed`) and the values they
    had before it (`base`), so the server merges field by field instead of overwriting a
    concurrent change. Dropped only after a pull has passed the feed version at which the
    server applied it (`acked_version`, DESIGN §6).
    """

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_id: Mapped[str] = mapped_column(String(36), unique=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "create" | "update"
    changed: Mapped[Any] = mapped_column(JSONText())
    base: Mapped[Any] = mapped_column(JSONText(), default=dict)
    made_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The feed cursor when the edit was made: which of the server's writes the base values
    # could have come from (None: queued before the laptop recorded it).
    seen: Mapped[int | None] = mapped_column(Integer, default=None)
    # Set from the push result: the op is done once a pull has passed this version.
    acked_version: Mapped[int | None] = mapped_column(Integer, default=None)
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
