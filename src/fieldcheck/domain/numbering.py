"""Document numbers (文号): blocks per (notice type, year) and a number never printed twice.

A device takes numbers from blocks. Until a server is configured the device is its own
authority and makes blocks itself; the sync engine supplies a `NumberAuthority` that leases
blocks from the server, with no change to the callers. A number is reserved and committed
before its PDF exists; a crash after that burns the number rather than reusing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from fieldcheck.domain.changes import audit
from fieldcheck.domain.people import actor_of
from fieldcheck.errors import FieldCheckError
from fieldcheck.i18n import tr
from fieldcheck.ids import uuid7
from fieldcheck.models import LocalIdentity, NumberBlock, NumberUse
from fieldcheck.models.coltypes import utcnow

DEFAULT_BLOCK_SIZE = 50
LOW_WATER = 5  # warn when this few numbers are left


class NoNumberLeftError(FieldCheckError):
    """No document number is left: only a watermarked draft can be printed."""

    code = "no_number"


@dataclass(frozen=True)
class LeasedBlock:
    first_seq: int
    last_seq: int
    source: str  # "local" or "server"


class NumberAuthority(Protocol):
    """Who hands out blocks of numbers: this device, or the server through sync."""

    # True when a new block can be had without a network (the device is its own authority):
    # then running low is nothing to warn about.
    refills_offline: bool

    def lease_block(self, session: Session, notice_type: str, year: int, size: int) -> LeasedBlock: ...


class LocalAuthority:
    """The device is its own authority: each new block starts after every block it has seen."""

    refills_offline = True

    def lease_block(self, session: Session, notice_type: str, year: int, size: int) -> LeasedBlock:
        if is_enrolled(session):
            # An enrolled laptop's numbers come only from the server's leases (sync/numbers).
            raise NoNumberLeftError(tr("本机已没有可用的文号，只能打印带“草稿”水印的文书。请联网同步以领取新的文号段。"))
        last = session.scalar(
            select(func.max(NumberBlock.last_seq)).where(
                NumberBlock.notice_type == notice_type, NumberBlock.year == year
            )
        )
        first = (last or 0) + 1
        return LeasedBlock(first, first + size - 1, "local")


def is_enrolled(session: Session) -> bool:
    return bool(session.scalar(select(LocalIdentity.server_url)))


def _usable(session: Session, notice_type: str, year: int) -> Any:
    """Blocks of (type, year) with numbers left and not lapsed (a lapsed lease's numbers
    may have been given to nobody else, but the server no longer vouches for them).

    Once the laptop is enrolled it prints only numbers the server leased it: what is left of a
    block it made for itself before could be printed by any other laptop that made the same
    block, and each such pair would be two papers under one 文号."""
    conditions = [
        NumberBlock.notice_type == notice_type,
        NumberBlock.year == year,
        NumberBlock.next_seq <= NumberBlock.last_seq,
        or_(NumberBlock.expires_at.is_(None), NumberBlock.expires_at > utcnow()),
    ]
    if is_enrolled(session):
        conditions.append(NumberBlock.source == "server")
    return and_(*conditions)


def left_in(block: NumberBlock, enrolled: bool) -> int:
    """Numbers left in `block` for this device, by _usable's enrolment rule (an enrolled
    laptop's own blocks give none); a lapsed lease still shows its numbers beside its expiry."""
    if enrolled and block.source != "server":
        return 0
    return max(0, block.last_seq - block.next_seq + 1)


def remaining(session: Session, notice_type: str, year: int) -> int:
    left = session.scalar(
        select(func.sum(NumberBlock.last_seq - NumberBlock.next_seq + 1)).where(
            _usable(session, notice_type, year)
        )
    )
    return int(left or 0)


def is_running_low(
    session: Session, notice_type: str, year: int, authority: NumberAuthority | None
) -> bool:
    """Worth a warning: few numbers left and no way to get more without the server."""
    if authority is not None and authority.refills_offline and not is_enrolled(session):
        return False
    return remaining(session, notice_type, year) <= LOW_WATER


def peek_next(
    session: Session, notice_type: str, year: int, authority: NumberAuthority | None
) -> int | None:
    """The number the next issue will most likely take (another process may take it first);
    None when no block is open and the authority cannot make one here."""
    seq = session.scalar(
        select(NumberBlock.next_seq).where(_usable(session, notice_type, year))
        .order_by(NumberBlock.first_seq).limit(1)
    )
    if seq is None and authority is not None and authority.refills_offline:
        try:
            return authority.lease_block(session, notice_type, year, 1).first_seq
        except NoNumberLeftError:
            return None
    return int(seq) if seq is not None else None


def add_block(
    session: Session, notice_type: str, year: int, authority: NumberAuthority,
    size: int = DEFAULT_BLOCK_SIZE,
) -> NumberBlock:
    leased = authority.lease_block(session, notice_type, year, size)
    return record_block(session, notice_type, year, leased.first_seq, leased.last_seq,
                        source=leased.source, block_id=uuid7(), leased_at=utcnow())


def record_block(
    session: Session, notice_type: str, year: int, first_seq: int, last_seq: int, *,
    source: str, block_id: str, leased_at: datetime, lease_key: str | None = None,
    expires_at: datetime | None = None,
) -> NumberBlock:
    """Keep a block of numbers this device may print (made here, or leased from the server:
    then `block_id` is the server's and a replayed lease finds the block already kept)."""
    existing = session.get(NumberBlock, block_id)
    if existing is not None:
        return existing
    device_id = session.scalars(select(LocalIdentity.device_id)).one()
    block = NumberBlock(
        id=block_id, notice_type=notice_type, year=year, first_seq=first_seq, last_seq=last_seq,
        next_seq=first_seq, device_id=device_id, source=source, leased_at=leased_at,
        lease_key=lease_key, expires_at=expires_at,
    )
    session.add(block)
    session.flush()
    detail: dict[str, Any] = {"type": notice_type, "year": year, "first": first_seq, "last": last_seq}
    if lease_key is not None:
        detail.update(lease_key=lease_key, expires_at=expires_at.isoformat() if expires_at else None)
    audit(session, actor_of(session), "number.lease" if source == "server" else "number.block",
          "number_block", block.id, detail)
    return block


def reserve_number(session: Session, notice_type: str, year: int, notice_id: str) -> int:
    """Take the next number; the caller must commit before printing anything with it.

    The take is one UPDATE ... RETURNING, so two processes can never get the same number.
    """
    blocks = session.scalars(
        select(NumberBlock.id).where(_usable(session, notice_type, year)).order_by(NumberBlock.first_seq)
    ).all()
    for block_id in blocks:
        taken = session.execute(
            update(NumberBlock)
            .where(NumberBlock.id == block_id, NumberBlock.next_seq <= NumberBlock.last_seq)
            .values(next_seq=NumberBlock.next_seq + 1)
            .returning(NumberBlock.next_seq - 1)
        ).scalar()
        if taken is not None:
            session.add(NumberUse(block_id=block_id, notice_type=notice_type, year=year, seq=taken,
                                  notice_id=notice_id, state="reserved", reserved_at=utcnow()))
            session.flush()
            audit(session, actor_of(session), "number.reserve", "notice", notice_id,
                  {"type": notice_type, "year": year, "seq": int(taken), "block": block_id})
            return int(taken)
    raise NoNumberLeftError(tr("本机已没有可用的文号，只能打印带“草稿”水印的文书。请联网同步以领取新的文号段。"))


def mark_used(session: Session, notice_type: str, year: int, seq: int) -> None:
    use = session.scalars(select(NumberUse).where(
        NumberUse.notice_type == notice_type, NumberUse.year == year, NumberUse.seq == seq)).one()
    use.state = "used"
    audit(session, actor_of(session), "number.use", "notice", use.notice_id,
          {"type": notice_type, "year": year, "seq": seq})


def burn_abandoned(session: Session, issued: dict[str, int]) -> list[int]:
    """Numbers reserved by an issue that never completed (a crash) are burnt, never reused.

    `issued` maps each issued notice id to the number it carries.
    """
    rows = session.scalars(select(NumberUse).where(NumberUse.state == "reserved")).all()
    burnt = []
    for use in rows:
        if issued.get(use.notice_id) == use.seq:
            use.state = "used"  # the issue completed; only the bookkeeping was interrupted
        else:
            _burn(session, use)
            burnt.append(use.seq)
    return burnt


def recover_interrupted(session: Session) -> list[int]:
    """Start-up bookkeeping (cheap, and without the PDF engine): numbers reserved by an issue
    that never completed are marked burnt, with an audit event each."""
    from fieldcheck.models import Notice

    rows = session.execute(select(Notice.id, Notice.number_seq).where(Notice.status != "draft"))
    return burn_abandoned(session, {nid: seq for nid, seq in rows if seq is not None})


def burn_reservations_of(session: Session, notice_id: str) -> None:
    """Before a retried issue: whatever an earlier, failed attempt reserved is burnt."""
    query = select(NumberUse).where(NumberUse.notice_id == notice_id, NumberUse.state == "reserved")
    for use in session.scalars(query).all():
        _burn(session, use)


def _burn(session: Session, use: NumberUse) -> None:
    use.state = "burnt"
    audit(session, actor_of(session), "number.burn", "notice", use.notice_id,
          {"type": use.notice_type, "year": use.year, "seq": use.seq})
