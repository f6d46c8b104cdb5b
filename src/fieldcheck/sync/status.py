"""What the laptop knows about its sync, for the status indicator and the scheduler.

Qt-free. The outcome of the last sync attempt is kept in local settings (never replicated),
so a laptop whose device was revoked still says so, and stops trying, after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldcheck.domain.planning import PLANNER_ROLES
from fieldcheck.models import Conflict, LocalIdentity, LocalSetting, OutboxOp, Rejection
from fieldcheck.models.coltypes import UTCDateTime, utcnow
from fieldcheck.store.database import Store

LAST_OK = "sync.last_ok_at"
REVOKED = "sync.revoked"

# Codes that mean "no network to the server just now": the laptop is offline, not broken.
OFFLINE_CODES = frozenset({"unreachable", "timeout"})


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server_url: str
    username: str
    user_name: str
    role: str
    team: str
    pending: int  # changes not yet pushed
    last_change: int  # highest outbox seq: moves whenever an edit is made
    open_conflicts: int
    rejections: int
    last_ok_at: datetime | None
    revoked: bool

    @property
    def can_plan(self) -> bool:
        return self.enrolled and self.role in PLANNER_ROLES


def read_status(session: Session) -> SyncStatus:
    ident = session.scalars(select(LocalIdentity)).one()
    pending = session.scalar(select(func.count()).select_from(OutboxOp)
                             .where(OutboxOp.status == "pending")) or 0
    last_change = session.scalar(select(func.max(OutboxOp.seq))) or 0
    conflicts = session.scalar(select(func.count()).select_from(Conflict).where(
        Conflict.status == "open", Conflict.deleted.is_(False))) or 0
    rejections = session.scalar(select(func.count()).select_from(Rejection).where(
        Rejection.deleted.is_(False))) or 0
    return SyncStatus(
        enrolled=bool(ident.server_url), server_url=ident.server_url, username=ident.username,
        user_name=ident.user_name, role=ident.role, team=ident.team, pending=int(pending),
        last_change=int(last_change), open_conflicts=int(conflicts), rejections=int(rejections),
        last_ok_at=_time(_value(session, LAST_OK)), revoked=bool(_value(session, REVOKED)),
    )


def record_success(store: Store, at: datetime | None = None) -> None:
    with store.write() as s:
        s.merge(LocalSetting(key=LAST_OK, value=UTCDateTime().process_bind_param(at or utcnow(), None)))
        s.query(LocalSetting).filter(LocalSetting.key == REVOKED).delete()


def record_revoked(store: Store) -> None:
    """The server refused this device's token for good: stop syncing until re-enrolment.
    Nothing else changes: the outbox and every unsynced record stay as they are."""
    with store.write() as s:
        s.merge(LocalSetting(key=REVOKED, value=True))


def clear_revoked(store: Store) -> None:
    with store.write() as s:
        s.query(LocalSetting).filter(LocalSetting.key == REVOKED).delete()


@dataclass(frozen=True)
class Schedule:
    """When the app syncs by itself (seconds)."""

    every: float = 300.0  # every few minutes
    settle: float = 8.0  # after the last edit, once typing has paused this long
    retry_after_failure: float = 60.0  # edits do not hammer a server that is not there


def sync_due(*, now: float, last_attempt: float | None, last_failed: bool, changed_at: float | None,
             has_pending: bool, schedule: Schedule = Schedule()) -> bool:
    """Whether a background sync should start now (times from a monotonic clock).

    At start (no attempt yet); every `schedule.every`; and when changes are waiting and the
    last edit is `settle` old, but not sooner than `retry_after_failure` after a failure.
    """
    if last_attempt is None:
        return True
    since = now - last_attempt
    if since >= schedule.every:
        return True
    if not has_pending or changed_at is None or now - changed_at < schedule.settle:
        return False
    if last_failed:
        return since >= schedule.retry_after_failure
    return changed_at > last_attempt


def _value(session: Session, key: str) -> object:
    row = session.get(LocalSetting, key)
    return None if row is None else row.value


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    return UTCDateTime().process_result_value(value, None)  # type: ignore[arg-type,no-any-return]


