"""Follow-up records (跟踪问效): what happened to a finding after the visit.

Each event is append-only and names the finding it moved; the finding keeps its current
status, deadline and the times of its milestones, so a board or a statistic reads one table.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fieldcheck.models.base import Base, Replicated
from fieldcheck.models.coltypes import JSONText, UTCDateTime


class FollowupEvent(Replicated, Base):
    """One step in a finding's follow-up: notified by a notice, deadline extended, a unit's
    整改报告 attached, a re-inspection's result, circulated, escalated, reopened."""

    __tablename__ = "followup_events"
    finding_id: Mapped[str] = mapped_column(ForeignKey("findings.id"), index=True)
    # The finding's own visit: the record reaches the same team as the finding.
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    status_from: Mapped[str] = mapped_column(String(20), default="")
    status_to: Mapped[str] = mapped_column(String(20), default="")
    notice_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    deadline: Mapped[date | None] = mapped_column(Date, default=None)
    previous_deadline: Mapped[date | None] = mapped_column(Date, default=None)
    outcome: Mapped[str] = mapped_column(String(20), default="")  # rectified / partly / not
    reason: Mapped[str] = mapped_column(Text, default="")
    # A 整改报告's files (PDF or photos): [{"sha256", "name", "mime", "size"}].
    files: Mapped[Any] = mapped_column(JSONText(), default=list)
    # After-photos taken on the re-inspection visit (ids of its photos).
    photo_ids: Mapped[Any] = mapped_column(JSONText(), default=list)
    reinspection_visit_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    recorded_by: Mapped[str] = mapped_column(String(100), default="")
