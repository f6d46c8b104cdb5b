"""Records the sync makes: conflicts to resolve and operations the server refused.

Both replicate like any record, so every device of the team sees the same open conflicts and
the person who made a refused change sees why (DESIGN §6, invariants 2 and 6).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fieldcheck.models.base import Base, Replicated
from fieldcheck.models.coltypes import JSONText, UTCDateTime


class Conflict(Replicated, Base):
    """Two devices changed one field differently: the server kept the first, this holds both."""

    __tablename__ = "conflicts"
    visit_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(60))
    kept_value: Mapped[Any] = mapped_column(JSONText(), default=None, nullable=True)
    kept_by: Mapped[str] = mapped_column(String(100), default="")
    kept_at: Mapped[str] = mapped_column(String(40), default="")
    other_value: Mapped[Any] = mapped_column(JSONText(), default=None, nullable=True)
    other_by: Mapped[str] = mapped_column(String(100), default="")
    other_at: Mapped[str] = mapped_column(String(40), default="")
    other_device: Mapped[str] = mapped_column(String(36), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")  # open / resolved
    resolution: Mapped[Any] = mapped_column(JSONText(), default=None, nullable=True)
    resolved_by: Mapped[str] = mapped_column(String(100), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Rejection(Replicated, Base):
    """An operation the server refused for good, with its reason; the change itself is kept."""

    __tablename__ = "rejections"
    visit_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    op_id: Mapped[str] = mapped_column(String(36))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36))
    code: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text, default="")
    changed: Mapped[Any] = mapped_column(JSONText(), default=None, nullable=True)
    device_id: Mapped[str] = mapped_column(String(36), default="")
    made_by: Mapped[str] = mapped_column(String(100), default="")
    made_at: Mapped[str] = mapped_column(String(40), default="")
