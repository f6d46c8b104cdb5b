"""Each device's audit chain, held by the bureau: events must continue the head it holds."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fieldcheck.hashing import AUDIT_HASHED, GENESIS, event_hash
from fieldcheck.i18n import tr
from fieldcheck.models.coltypes import utcnow
from fieldcheck.server.errors import ApiError
from fieldcheck.server.tables import AuditHead, ServerAuditEvent
from fieldcheck.sync.protocol import AuditEventWire, AuditPushResponse


def _broken(message: str) -> ApiError:
    return ApiError(409, "audit_chain_broken", tr("审计记录链不连续，已拒收：{reason}", reason=message))


def append_events(
    session: Session, device_id: str, events: list[AuditEventWire],
    continues: frozenset[str] = frozenset(),
) -> AuditPushResponse:
    """Check and store events in one transaction: all of them, or (on a break) none.
    `continues`: the devices this one continues (a laptop restored from a backup rejoined as
    a new device): its chain starts again from the first event and holds their events too."""
    head = session.get(AuditHead, device_id, with_for_update=True)
    if head is None:
        head = AuditHead(device_id=device_id, seq=0, hash=GENESIS)
        session.add(head)
    seq, last = head.seq, head.hash
    received = utcnow()
    rows: list[dict[str, Any]] = []
    for event in sorted(events, key=lambda e: e.seq):
        if event.device_id != device_id and event.device_id not in continues:
            raise ApiError(403, "forbidden", tr("只能上传本机自己的审计记录。"))
        fields = {name: getattr(event, name) for name in AUDIT_HASHED}
        fields["record_hash"] = event.record_hash
        if event_hash(event.prev_hash, fields) != event.hash:
            raise _broken(tr("第 {seq} 条记录的哈希值与内容不符。", seq=event.seq))
        if event.seq <= seq:
            held = session.get(ServerAuditEvent, (device_id, event.seq))
            if held is None or held.hash != event.hash:
                raise _broken(tr("第 {seq} 条记录与服务器已保存的不一致。", seq=event.seq))
            continue
        if event.prev_hash != last:
            raise _broken(tr("第 {seq} 条记录没有接在服务器保存的第 {stored} 条之后。", seq=event.seq, stored=seq))
        rows.append({
            "device_id": device_id, "seq": event.seq, "id": event.id, "at": event.at,
            "actor": event.actor, "action": event.action, "entity": event.entity,
            "entity_id": event.entity_id,
            "detail": json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
            "record_hash": event.record_hash, "prev_hash": event.prev_hash, "hash": event.hash,
            "received_at": received,
        })
        seq, last = event.seq, event.hash
    if rows:  # one statement for the lot, not one ORM object per event
        session.execute(insert(ServerAuditEvent), rows)
    head.seq, head.hash = seq, last
    session.flush()
    return AuditPushResponse(head_seq=seq, head_hash=last)


def audit_head(session: Session, device_id: str) -> AuditPushResponse:
    head = session.scalars(select(AuditHead).where(AuditHead.device_id == device_id)).first()
    if head is None:
        return AuditPushResponse(head_seq=0, head_hash=GENESIS)
    return AuditPushResponse(head_seq=head.seq, head_hash=head.hash)
