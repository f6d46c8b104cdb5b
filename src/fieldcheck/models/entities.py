"""The records of an inspection: units, inspectors, templates, visits and what a visit collects."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldcheck.models.base import Base, Replicated
from fieldcheck.models.coltypes import JSONText, UTCDateTime


class Unit(Replicated, Base):
    """被检查单位: a department, service window, enterprise or key project."""

    __tablename__ = "units"
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), default=None)
    code: Mapped[str] = mapped_column(String(40), default="")  # 统一社会信用代码
    address: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    # Units whose duties this one took over (a merger names several, each part of a split
    # names the old unit): their follow-up history counts as this unit's.
    predecessor_ids: Mapped[list[str]] = mapped_column(
        JSONText(), default=list, server_default="[]")


class Inspector(Replicated, Base):
    """检查员 / 效能监督员."""

    __tablename__ = "inspectors"
    name: Mapped[str] = mapped_column(String(100))
    credential_no: Mapped[str] = mapped_column(String(40), default="")  # 检查证号
    team: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(20), default="inspector")


class TemplateVersion(Replicated, Base):
    """A published checklist template version; immutable once published."""

    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("key", "version"),)
    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[Any] = mapped_column(JSONText())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Visit(Replicated, Base):
    """检查: one visit to one unit, worked against one pinned template version."""

    __tablename__ = "visits"
    # The list's order and its search read `list_day` and the index ix_visits_list, both kept
    # by the store itself (migration 0008) and not mapped here: no code writes them.
    kind: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    template_version_id: Mapped[str | None] = mapped_column(
        ForeignKey("template_versions.id"), default=None
    )
    team: Mapped[str] = mapped_column(String(100), default="")
    lead_inspector_id: Mapped[str | None] = mapped_column(ForeignKey("inspectors.id"), default=None)
    member_ids: Mapped[list[str]] = mapped_column(JSONText(), default=list)
    planned_for: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    place: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"), default=None)
    title: Mapped[str] = mapped_column(String(200), default="")
    # Why it was cancelled / last reopened: on the record, so the bureau sees it too.
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    reopen_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Unit name and finding texts joined, so Chinese substring search is one indexed-table scan.
    search_text: Mapped[str] = mapped_column(Text, default="")

    unit: Mapped[Unit] = relationship(lazy="joined")
    template_version: Mapped[TemplateVersion | None] = relationship()


class Answer(Replicated, Base):
    """One checklist answer: one register per (visit, item)."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("visit_id", "item_key"),)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(80))
    value: Mapped[Any] = mapped_column(JSONText(), default=None, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(100), default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Observation(Replicated, Base):
    """A timed log line of an unannounced visit: "10:15 窗口无人"."""

    __tablename__ = "observations"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text)
    quick_code: Mapped[str] = mapped_column(String(40), default="")
    recorded_by: Mapped[str] = mapped_column(String(100), default="")


class Finding(Replicated, Base):
    """问题: a problem found, followed until it is rectified."""

    __tablename__ = "findings"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(20), default="minor")
    responsible: Mapped[str] = mapped_column(String(200), default="")
    item_key: Mapped[str] = mapped_column(String(80), default="")
    requirement: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(20), default="open")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Milestones of the follow-up (set by domain/followup.py from its events).
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    rectified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Photo(Replicated, Base):
    """Evidence photo linked to a visit; the original bytes live content-addressed by sha256."""

    __tablename__ = "photos"
    __table_args__ = (UniqueConstraint("visit_id", "sha256"),)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    finding_id: Mapped[str | None] = mapped_column(ForeignKey("findings.id"), default=None)
    item_key: Mapped[str] = mapped_column(String(80), default="")
    caption: Mapped[str] = mapped_column(Text, default="")
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    gps_lat: Mapped[float | None] = mapped_column(Float, default=None)
    gps_lon: Mapped[float | None] = mapped_column(Float, default=None)
    size: Mapped[int] = mapped_column(Integer, default=0)
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    mime: Mapped[str] = mapped_column(String(40), default="")
    original_name: Mapped[str] = mapped_column(String(260), default="")
