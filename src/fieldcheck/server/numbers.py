"""Blocks of document numbers (文号) leased to devices per notice type and year (DESIGN §5).

A block is handed out once: the counter row of its type and year is locked while the block is
cut, so blocks never overlap across devices or server processes. The same (device, lease_key)
returns the same block, so a lost response costs no numbers.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldcheck.i18n import tr
from fieldcheck.models.coltypes import utcnow
from fieldcheck.server.errors import ApiError
from fieldcheck.server.feed import WIRE_TIME, wire_time
from fieldcheck.server.tables import NumberCounter, NumberLease
from fieldcheck.sync.protocol import LeaseRequest, LeaseResponse

NOTICE_TYPES = frozenset({
    "record", "rectification", "recommendation", "service", "circular", "accountability",
})
LEASE_DAYS = 180
# A document's year is the bureau's calendar year (China Standard Time).
BUREAU_TZ = timezone(timedelta(hours=8))


def bureau_day(wire: str) -> date:
    """The day a stored moment (wire time, UTC) falls on in the bureau's calendar, as its
    papers are dated."""
    return datetime.strptime(wire, WIRE_TIME).replace(tzinfo=UTC).astimezone(BUREAU_TZ).date()


def lease_expiry(year: int, now: datetime) -> datetime:
    end_of_year = datetime(year + 1, 1, 1, tzinfo=BUREAU_TZ).astimezone(UTC)
    return min(end_of_year, now + timedelta(days=LEASE_DAYS))


def lease_block(session: Session, device_id: str, request: LeaseRequest) -> LeaseResponse:
    existing = _existing(session, device_id, request.lease_key)
    if existing is not None:
        return existing
    if request.notice_type not in NOTICE_TYPES:
        raise ApiError(422, "invalid_request", tr("未知的文书类型：{type}", type=request.notice_type))
    now = utcnow()
    expires = lease_expiry(request.year, now)
    if expires <= now:
        raise ApiError(409, "year_closed", tr("{year}年已结束，不能再领取该年度的文号。", year=request.year))
    counter = lock_counter(session, request.notice_type, request.year)
    existing = _existing(session, device_id, request.lease_key)  # a twin request won the lock
    if existing is not None:
        return existing
    first = counter.next_seq
    counter.next_seq = first + request.size
    lease = NumberLease(
        block_id=str(uuid.uuid4()), device_id=device_id, lease_key=request.lease_key,
        notice_type=request.notice_type, year=request.year, first_seq=first,
        last_seq=first + request.size - 1, leased_at=now, expires_at=expires,
    )
    session.add(lease)
    try:
        session.flush()
    except IntegrityError as error:  # same key, another type: that lease stands
        raise ApiError(409, "lease_key_used", tr("该领取编号已用于另一批文号。")) from error
    return _response(lease)


def lock_counter(session: Session, notice_type: str, year: int) -> NumberCounter:
    values = {"notice_type": notice_type, "year": year, "next_seq": 1}
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        stmt = postgresql.insert(NumberCounter).values(**values).on_conflict_do_nothing()
    elif bind.dialect.name == "sqlite":
        stmt = sqlite.insert(NumberCounter).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - only the two supported databases
        stmt = insert(NumberCounter).values(**values)
    session.execute(stmt)
    return session.scalars(
        select(NumberCounter)
        .where(NumberCounter.notice_type == notice_type, NumberCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _existing(session: Session, device_id: str, lease_key: str) -> LeaseResponse | None:
    lease = session.scalars(
        select(NumberLease).where(
            NumberLease.device_id == device_id, NumberLease.lease_key == lease_key
        )
    ).first()
    return _response(lease) if lease is not None else None


def _response(lease: NumberLease) -> LeaseResponse:
    return LeaseResponse(
        block_id=lease.block_id, lease_key=lease.lease_key, notice_type=lease.notice_type,
        year=lease.year, first_seq=lease.first_seq, last_seq=lease.last_seq,
        leased_at=wire_time(lease.leased_at), expires_at=wire_time(lease.expires_at),
    )
