"""Applying a push: each op once, merged field by field against its base values.

Who may write what: every account may add to and correct the unit directory (a unit added in
the field); a visit and its children may be written by its team, by whoever made the visit,
and by supervisors and admins. Inspectors and leaders plan or move visits only within their
own team (or none); supervisors and admins plan for any team, confidential plans included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from fieldcheck.i18n import tr
from fieldcheck.server.feed import (
    ABSENT,
    HELD,
    SEES_ALL_TEAMS,
    Placement,
    Viewer,
    begin_new_records,
    can_see,
    end_new_records,
    field_meta,
    get_record,
    lock_feed,
    record_data,
    reemit,
    rescope_visit,
    wire_time,
    write_record,
)
from fieldcheck.server.numbers import NOTICE_TYPES, lock_counter
from fieldcheck.server.records import (
    conflict_id,
    new_record_data,
    placement_of,
    rejection_id,
)
from fieldcheck.server.tables import AppliedOp, Blob, NoticeNumber, NumberLease, Record
from fieldcheck.sync.entities import (
    IMMUTABLE,
    NOTICE_AFTER_ISSUE,
    NUMBER_CLASH,
    SERVER_CREATED,
    SERVER_OWNED,
    STAMPS,
    check_value,
)
from fieldcheck.sync.protocol import Op, OpResult

FROZEN_NOTICE = frozenset({"issued", "voided"})


@dataclass(frozen=True)
class Pusher:
    viewer: Viewer
    device_id: str
    cursor: int = 0  # the feed version the device has pulled to
    # The devices it continues (restored from a backup): their leased numbers are its.
    continues: frozenset[str] = frozenset()

    def devices(self) -> frozenset[str]:
        return self.continues | {self.device_id}


class Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class _Outcome:
    status: str
    version: int | None = None
    conflicts: list[str] = field(default_factory=list)
    settled_at: str | None = None  # the record equals the device's copy, stamped then
    clash: Refused | None = None  # an issued notice's number another notice or device holds


def apply_push(session: Session, pusher: Pusher, ops: list[Op]) -> list[OpResult]:
    """Apply ops in order inside the caller's transaction; results line up with `ops`.

    Nothing is flushed while the ops are merged (records the push creates are found through
    the transaction's held records), so the new rows go to the database in one batch at the
    end, with the applied-op rows and the document numbers claimed.
    """
    lock_feed(session)
    done = {row.op_id: row for row in session.scalars(
        select(AppliedOp).where(AppliedOp.op_id.in_([op.op_id for op in ops])))}
    _preload(session, ops)
    deferred: set[tuple[str, str]] = set()
    results: list[OpResult] = []
    applied: list[dict[str, Any]] = []
    claims = _Claims()
    session.info[_CLAIMS] = claims
    begin_new_records(session)
    try:
        with session.no_autoflush:
            for op in ops:
                stored = done.get(op.op_id)
                if stored is not None:
                    results.append(OpResult.model_validate_json(stored.result))
                    continue
                key = (op.entity, op.entity_id)
                if key in deferred:
                    results.append(_deferred(op, tr("同一记录之前的修改尚在等待照片上传。")))
                    continue
                result = _apply_one(session, pusher, op)
                if result.status == "deferred":
                    deferred.add(key)
                else:
                    applied.append({"op_id": op.op_id, "device_id": pusher.device_id,
                                    "result": result.model_dump_json()})
                results.append(result)
        session.flush()
        end_new_records(session)
        claims.store(session)
        if applied:
            session.execute(insert(AppliedOp), applied)
    finally:
        session.info.pop(_CLAIMS, None)
    return results


def _preload(session: Session, ops: list[Op]) -> None:
    """Load the push's records and their visits in a few queries (into the identity map),
    instead of one query per op."""
    wanted: dict[str, set[str]] = {}
    for op in ops:
        wanted.setdefault(op.entity, set()).add(op.entity_id)
        visit_id = op.changed.get("visit_id")
        if isinstance(visit_id, str):
            wanted.setdefault("visit", set()).add(visit_id)
        notice_id = op.changed.get("notice_id")
        if isinstance(notice_id, str):
            wanted.setdefault("notice", set()).add(notice_id)
    absent: set[tuple[str, str]] = set()
    held: dict[tuple[str, str], Record] = session.info.setdefault(HELD, {})
    for entity, ids in wanted.items():
        for chunk in _chunks(sorted(ids), 500):
            rows = session.scalars(
                select(Record).where(Record.entity == entity, Record.id.in_(chunk))).all()
            held.update(((entity, r.id), r) for r in rows)
            found = {r.id for r in rows}
            absent.update((entity, i) for i in chunk if i not in found)
    session.info[ABSENT] = absent


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _deferred(op: Op, message: str) -> OpResult:
    return OpResult(op_id=op.op_id, status="deferred", code="blob_missing", message=message)


def _apply_one(session: Session, pusher: Pusher, op: Op) -> OpResult:
    record = get_record(session, op.entity, op.entity_id)
    try:
        _check_op(op, record)
        if record is None:
            if op.entity == "photo" and not _blob_complete(session, op.changed.get("sha256")):
                return _deferred(op, tr("照片文件尚未上传完成，记录暂缓接收。"))
            outcome = _create(session, pusher, op)
        else:
            outcome = _merge(session, pusher, op, record)
    except Refused as refused:
        version = _record_rejection(session, pusher, op, record, refused)
        if record is not None:  # the device holds its refused value: send it the server's
            version = max(version, reemit(session, record))
        return OpResult(
            op_id=op.op_id, status="rejected", version=version, code=refused.code,
            message=refused.message,
        )
    status = "conflict" if outcome.conflicts else "applied"
    message = (tr("以下字段与服务器上的修改冲突，已保留服务器的值并生成冲突记录：{fields}",
                  fields="、".join(outcome.conflicts)) if outcome.conflicts else "")
    code = ""
    if outcome.clash is not None:
        code, message = outcome.clash.code, outcome.clash.message
        outcome.version = max(outcome.version or 0, _record_rejection(
            session, pusher, op, get_record(session, op.entity, op.entity_id), outcome.clash))
    return OpResult(op_id=op.op_id, status=status, version=outcome.version, code=code,
                    message=message, settled=outcome.settled_at is not None,
                    updated_at=outcome.settled_at)


def _check_op(op: Op, record: Record | None) -> None:
    if op.entity in SERVER_OWNED:
        raise Refused("server_owned", tr("该类记录由服务器统一管理，不能在本机修改。"))
    if op.entity in SERVER_CREATED:
        allowed = SERVER_CREATED[op.entity]
        if record is None or any(name not in allowed for name in op.changed):
            raise Refused("server_owned", tr("冲突记录由服务器生成，本机只能处理（解决）它。"))
    if "id" in op.changed and op.changed["id"] != op.entity_id:
        raise Refused("invalid_field", tr("记录编号与操作不一致。"))
    for name, value in op.changed.items():
        problem = check_value(op.entity, name, value)
        if problem is not None:
            raise Refused("invalid_field", tr("字段不符合要求：{problem}", problem=problem))


def _blob_complete(session: Session, sha256: Any) -> bool:
    if not isinstance(sha256, str):
        return False
    blob = session.get(Blob, sha256)
    return blob is not None and blob.complete


def _stamp(pusher: Pusher, op: Op) -> dict[str, str]:
    return {"by": op.made_by or pusher.viewer.name, "at": op.made_at, "device": pusher.device_id}


def _create(session: Session, pusher: Pusher, op: Op) -> _Outcome:
    data, missing = new_record_data(op.entity, op.changed)
    data["id"] = op.entity_id
    if missing:
        raise Refused("incomplete_record", tr("新记录缺少必填字段：{fields}", fields="、".join(missing)))
    placement = placement_of(session, op.entity, data)
    if placement is None:
        raise Refused("unknown_parent", tr("所属的检查或文书不在服务器上，无法接收。"))
    _check_may_write(session, pusher.viewer, op.entity, placement, data)
    clash = _claim_number(session, op.entity_id, data, pusher.devices()) if op.entity == "notice" else None
    stamp = _stamp(pusher, op)
    at = wire_time()
    # The device sent every field of its new record, so the server's copy is the device's.
    record = write_record(
        session, op.entity, op.entity_id, data, placement,
        meta={name: stamp for name in op.changed}, origin_user_id=pusher.viewer.user_id,
        settled_device=pusher.device_id, at=at, written=op.changed,
    )
    return _Outcome("applied", record.version, settled_at=at, clash=clash)


def _check_may_write(
    session: Session, viewer: Viewer, entity: str, placement: Placement, data: dict[str, Any]
) -> None:
    if placement.scope is None:
        return
    if entity == "visit":
        if viewer.role not in SEES_ALL_TEAMS and placement.scope not in ("", viewer.team):
            raise Refused("forbidden", tr("只有督查人员或管理员可以为其他检查组安排检查。"))
        return
    visit = get_record(session, "visit", placement.visit_id or "")
    if visit is not None and not can_see(viewer, visit):
        raise Refused("forbidden", tr("当前账号无权修改其他检查组的检查记录。"))


def _merge(session: Session, pusher: Pusher, op: Op, record: Record) -> _Outcome:
    viewer = pusher.viewer
    if not can_see(viewer, record):
        raise Refused("forbidden", tr("当前账号无权修改该记录。"))
    server = record_data(record)
    changed = dict(op.changed)
    creating = op.kind == "create"
    # The device held the version this op changed: its own settled write, or one it pulled.
    held = record.settled_device == pusher.device_id or (
        record.version <= pusher.cursor and not creating)
    for name in IMMUTABLE.get(op.entity, frozenset()) & changed.keys():
        if server.get(name) != changed[name]:
            if not creating:
                raise Refused("immutable_field", tr("字段“{name}”创建后不能修改。", name=name))
            # The same record created on two laptops (a natural-key id): the first stays.
            del changed[name]
            held = False
    if op.entity == "notice" and server.get("status") in FROZEN_NOTICE:
        for name in changed.keys() - NOTICE_AFTER_ISSUE:
            if server.get(name) != changed[name]:
                raise Refused("notice_issued", tr("文书已印发，内容不能再修改，只能作废后重新制发。"))
    taken: dict[str, Any] = {}
    conflicts: list[str] = []
    meta = field_meta(record)
    seen = op.seen if op.seen is not None else pusher.cursor
    leads, stamps = STAMPS.get(op.entity, (frozenset(), frozenset()))
    for name, new in changed.items():
        current = server.get(name)
        if current == new or name in stamps:
            continue
        if name in op.base and op.base[name] == current and _could_have_read(meta.get(name), pusher, seen):
            taken[name] = new
        else:
            conflicts.append(name)
    # Who-and-when stamps go with the fields they describe, or stay as the server has them.
    stamps_kept = False
    for name in stamps & changed.keys():
        if server.get(name) == changed[name]:
            continue
        if taken.keys() & leads:
            taken[name] = changed[name]
        else:
            stamps_kept = True
    if op.entity == "visit" and "team" in taken and viewer.role not in SEES_ALL_TEAMS \
            and taken["team"] not in ("", viewer.team):
        raise Refused("forbidden", tr("只有督查人员或管理员可以把检查改派给其他检查组。"))
    version = record.version
    placement = Placement(record.scope, record.confidential, record.visit_id)
    settled = held and not conflicts and not stamps_kept
    at: str | None = None
    clash: Refused | None = None
    if taken:
        data = {**server, **taken}
        if op.entity == "notice" and "number" in taken:
            clash = _claim_number(session, op.entity_id, data, pusher.devices())
        placement = placement_of(session, op.entity, data) or placement
        stamp = _stamp(pusher, op)
        meta.update({name: stamp for name in taken})
        moved = (placement.scope, placement.confidential) != (record.scope, record.confidential)
        at = wire_time()
        version = write_record(session, op.entity, op.entity_id, data, placement, meta=meta,
                               settled_device=pusher.device_id if settled else None, at=at,
                               written=taken).version
        if op.entity == "visit" and moved:
            rescope_visit(session, op.entity_id, placement)
    elif settled:
        at = server.get("updated_at")  # nothing to write: the device's copy is the server's
    elif conflicts or stamps_kept:
        # The device holds values the server did not take, and may have pulled this version
        # already: it is sent again so the device ends with the server's state.
        version = reemit(session, record)
    for name in conflicts:
        version = max(version, _record_conflict(session, pusher, op, record, server, name))
    return _Outcome("conflict" if conflicts else "applied", version, conflicts,
                    settled_at=at if settled else None, clash=clash)


def _could_have_read(written: dict[str, Any] | None, pusher: Pusher, seen: int) -> bool:
    """Whether the device could have read the field's current value when it made the edit:
    the value is its own write, or one at or below the feed version it had pulled to then.
    Otherwise an equal base value is a coincidence (the device held the same value from
    elsewhere) and the edit is concurrent with that write. Writes recorded before versions
    were kept per field count as read, as before."""
    if not written or written.get("device") == pusher.device_id:
        return True
    version = written.get("v")
    return not isinstance(version, int) or version <= seen


_CLAIMS = "fieldcheck.server.number_claims"


class _Claims:
    """The document numbers a push claims: checked as each op is merged, written at the end
    in a few statements (a flush per notice used to cost a fifth of a push)."""

    def __init__(self) -> None:
        self.by_notice: dict[str, tuple[str, str] | None] = {}  # notice → (type, number)
        self.holders: dict[tuple[str, str], str] = {}  # (type, number) → notice
        self.highest: dict[tuple[str, int], int] = {}  # (type, year) → highest seq printed

    def claim(self, session: Session, notice_id: str, data: dict[str, Any], devices: frozenset[str]) -> None:
        """Check the notice's number and take it; a refused number changes nothing."""
        kind, number = str(data.get("type")), data.get("number")
        key = (kind, str(number)) if number else None
        seq, year = data.get("number_seq"), data.get("number_year")
        counted = isinstance(seq, int) and isinstance(year, int) and kind in NOTICE_TYPES
        if key is not None:
            holder = self.holders.get(key)
            if holder is None:
                stored = session.scalars(select(NoticeNumber.notice_id).where(
                    NoticeNumber.notice_type == kind, NoticeNumber.number == number)).first()
                # A notice that moved to another number in this push no longer holds this one.
                if stored is not None and self.by_notice.get(stored, key) == key:
                    holder = stored
            if holder is not None and holder != notice_id:
                raise Refused("number_taken", tr("文号“{number}”已被另一份文书使用。", number=number))
            if counted:
                owner = session.scalars(select(NumberLease.device_id).where(
                    NumberLease.notice_type == kind, NumberLease.year == year,
                    NumberLease.first_seq <= seq, NumberLease.last_seq >= seq)).first()
                if owner is not None and owner not in devices:
                    raise Refused("number_not_leased", tr(
                        "文号“{number}”属于另一台设备领取的号段，本机不能使用。", number=number))
        previous = self.by_notice.get(notice_id)
        if previous is not None and self.holders.get(previous) == notice_id:
            del self.holders[previous]
        self.by_notice[notice_id] = key
        if key is None:
            return
        self.holders[key] = notice_id
        if counted:
            # A number printed before the laptop was enrolled (it was its own authority) is
            # never leased to anyone afterwards.
            self.highest[(kind, year)] = max(self.highest.get((kind, year), 0), seq)  # type: ignore[arg-type]


    def store(self, session: Session) -> None:
        if not self.by_notice:
            return
        notices = sorted(self.by_notice)
        for chunk in _chunks(notices, 500):
            session.execute(delete(NoticeNumber).where(NoticeNumber.notice_id.in_(chunk)))
        rows = [{"notice_type": kind, "number": number, "notice_id": notice_id}
                for notice_id, key in self.by_notice.items() if key is not None
                for kind, number in [key]]
        if rows:
            session.execute(insert(NoticeNumber), rows)
        for (kind, year), seq in sorted(self.highest.items()):
            counter = lock_counter(session, kind, year)
            if counter.next_seq <= seq:
                counter.next_seq = seq + 1
        session.flush()


def _claim_number(
    session: Session, notice_id: str, data: dict[str, Any], devices: frozenset[str]
) -> Refused | None:
    """A printed number belongs to one notice of its type (the number names its year), and a
    number inside a block leased to one device is printed by that device only.

    A notice carries a number only once it is issued, so the paper is already in the unit's
    hands: a number that breaks either rule is a clash to resolve, not a change to refuse.
    The notice is recorded as printed, the number stays with the notice or device that held
    it, and the clash is returned so that it is recorded where the team and the bureau see it
    (code ``number_clash``); its resolution is a 更正, which issues the notice again under a
    number of its own and voids this one."""
    claims = session.info.get(_CLAIMS)
    try:
        if claims is None:  # outside a push: claim and write at once
            claims = _Claims()
            claims.claim(session, notice_id, data, devices)
            claims.store(session)
        else:
            claims.claim(session, notice_id, data, devices)
    except Refused as refused:
        return Refused(NUMBER_CLASH, tr(
            "{reason}这份文书已照印发时的样子记入服务器，文号仍归原来的文书；"
            "请对它“更正”，以新文号重新出具并送达被检查单位。", reason=refused.message))
    return None


def _record_conflict(
    session: Session, pusher: Pusher, op: Op, record: Record, server: dict[str, Any], name: str
) -> int:
    kept = field_meta(record).get(name, {})
    data, _ = new_record_data("conflict", {
        "visit_id": record.visit_id,
        "entity": op.entity,
        "entity_id": op.entity_id,
        "field": name,
        "kept_value": server.get(name),
        "kept_by": kept.get("by", ""),
        "kept_at": kept.get("at", ""),
        "other_value": op.changed[name],
        "other_by": op.made_by or pusher.viewer.name,
        "other_at": op.made_at,
        "other_device": pusher.device_id,
        "status": "open",
        "created_at": wire_time(),
    })
    placement = Placement(record.scope, record.confidential, record.visit_id)
    cid = conflict_id(op.entity, op.entity_id, name, op.op_id)
    return write_record(
        session, "conflict", cid, data, placement, origin_user_id=pusher.viewer.user_id
    ).version


def _record_rejection(
    session: Session, pusher: Pusher, op: Op, record: Record | None, refused: Refused
) -> int:
    if record is not None:
        placement = Placement(record.scope, record.confidential, record.visit_id)
    else:
        placement = _placement_guess(session, op) or Placement(pusher.viewer.team, False, None)
    data, _ = new_record_data("rejection", {
        "visit_id": placement.visit_id,
        "op_id": op.op_id,
        "entity": op.entity,
        "entity_id": op.entity_id,
        "code": refused.code,
        "message": refused.message,
        "changed": op.changed,
        "device_id": pusher.device_id,
        "made_by": op.made_by or pusher.viewer.name,
        "made_at": op.made_at,
        "created_at": wire_time(),
    })
    if placement.scope is None:  # a refused directory change concerns only whoever made it
        placement = Placement(pusher.viewer.team, False, None)
    return write_record(
        session, "rejection", rejection_id(op.op_id), data, placement,
        origin_user_id=pusher.viewer.user_id,
    ).version


def _placement_guess(session: Session, op: Op) -> Placement | None:
    if op.entity == "visit":
        return None  # a refused visit goes back to its maker only, not to the team it named
    try:
        data = {**op.changed, "id": op.entity_id}
        placement = placement_of(session, op.entity, data)
    except (KeyError, TypeError):
        return None
    if placement is None or placement.scope is None:
        return None
    return placement
