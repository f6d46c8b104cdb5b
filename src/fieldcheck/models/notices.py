"""Records of official notices (文书): the notices, their signatures and document numbers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fieldcheck.models.base import Base, Replicated
from fieldcheck.models.coltypes import JSONText, UTCDateTime


class Notice(Replicated, Base):
    """文书: a draft, or an issued notice frozen with its content snapshot and PDF hash."""

    __tablename__ = "notices"
    type: Mapped[str] = mapped_column(String(30))
    # None for a notice of no one visit: a 通报 of a period.
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"), index=True, default=None)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), default=None)
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft/issued/voided
    # Unique per server (checked there) and per device (number_uses): not a local constraint,
    # so a pull can never be blocked by another laptop's offline number.
    number: Mapped[str | None] = mapped_column(String(60), default=None, index=True)
    number_year: Mapped[int | None] = mapped_column(Integer, default=None)
    number_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    content: Mapped[Any] = mapped_column(JSONText(), default=None, nullable=True)
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    issued_by: Mapped[str] = mapped_column(String(100), default="")
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("notices.id"), default=None)
    void_reason: Mapped[str] = mapped_column(Text, default="")
    correction_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Signature(Replicated, Base):
    """A signature on a notice, or a recorded refusal to sign with reason and witness."""

    __tablename__ = "signatures"
    notice_id: Mapped[str] = mapped_column(ForeignKey("notices.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # inspector / recipient / witness
    name: Mapped[str] = mapped_column(String(100), default="")
    strokes: Mapped[Any] = mapped_column(JSONText(), default=None, nullable=True)
    png: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    refused: Mapped[bool] = mapped_column(Boolean, default=False)
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    witness_name: Mapped[str] = mapped_column(String(100), default="")


class NumberBlock(Base):
    """A range of document numbers this device may print, per notice type and year.

    `source` is "local" while the device is its own authority, "server" for a leased
    block. `next_seq` only moves forward and is committed before a number is printed.
    """

    __tablename__ = "number_blocks"
    __table_args__ = (UniqueConstraint("notice_type", "year", "first_seq"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    notice_type: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    first_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)
    next_seq: Mapped[int] = mapped_column(Integer)
    device_id: Mapped[str] = mapped_column(String(36))
    source: Mapped[str] = mapped_column(String(10), default="local")
    leased_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # A server lease: the key that makes the lease request idempotent, and when it lapses.
    lease_key: Mapped[str | None] = mapped_column(String(36), default=None)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class NumberUse(Base):
    """A number taken from a block: reserved (committed) before the PDF exists, so a crash
    between printing and saving burns the number instead of printing it twice."""

    __tablename__ = "number_uses"
    __table_args__ = (UniqueConstraint("notice_type", "year", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    block_id: Mapped[str] = mapped_column(ForeignKey("number_blocks.id"))
    notice_type: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    notice_id: Mapped[str] = mapped_column(String(36))
    state: Mapped[str] = mapped_column(String(10), default="reserved")  # reserved / used / burnt
    reserved_at: Mapped[datetime] = mapped_column(UTCDateTime())
