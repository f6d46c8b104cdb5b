"""The laptop's sync engine: photos up, ops pushed, audit chain pushed, feed pulled, photos
down, number blocks leased (DESIGN §6). Each step resumes where an interrupted one stopped:
the outbox and the cursor are only changed in local transactions after the server answered,
and no network I/O ever happens inside a local write transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import String, func, select, type_coerce, update
from sqlalchemy.orm import Session

from fieldcheck.domain import numbering
from fieldcheck.domain.followup import report_file
from fieldcheck.domain.notices import pdf_path
from fieldcheck.hashing import file_sha256
from fieldcheck.i18n import tr
from fieldcheck.ids import is_demo_id, mentions_demo, uuid7
from fieldcheck.models import (
    AuditEvent,
    FollowupEvent,
    LocalSetting,
    Notice,
    NumberBlock,
    OutboxOp,
    Photo,
)
from fieldcheck.models.coltypes import UTCDateTime
from fieldcheck.notices.model import NoticeType
from fieldcheck.photos.durable import release_buffers, write_durably
from fieldcheck.photos.ingest import ingest_photo_bytes
from fieldcheck.store.database import Store
from fieldcheck.sync.apply import apply_page, cursor_of, take_stamps
from fieldcheck.sync.entities import SERVER_OWNED
from fieldcheck.sync.protocol import (
    MAX_AUDIT_PER_PUSH,
    MAX_OPS_PER_PUSH,
    AuditPushResponse,
    BlobCheckResponse,
    BlobPutResponse,
    LeaseResponse,
    PullResponse,
    PushResponse,
)
from fieldcheck.sync.transport import ServerConnection, SyncError

AUDIT_KEY = "sync.audit_seq"
# Set when the server's record of this device is not in the laptop's audit chain (restored
# from a backup): the next enrolment continues the old device as a new one.
RESTORED_KEY = "sync.restored"
PULL_LIMIT = 500
CHUNK = 4 * 1024 * 1024
LEASE_SIZE = numbering.DEFAULT_BLOCK_SIZE
LEASE_WHEN_LEFT = 10  # lease another block while online once this few numbers are left

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class SyncReport:
    pushed: int = 0
    conflicts: int = 0
    rejected: int = 0
    deferred: int = 0
    pulled: int = 0
    audit_events: int = 0
    photos_up: int = 0
    photos_down: int = 0
    pdfs_up: int = 0
    pdfs_down: int = 0
    bytes_up: int = 0
    bytes_down: int = 0
    leased: list[str] = field(default_factory=list)
    busy_waits: int = 0  # the server said "busy, come back in a moment" this often
    busy_seconds: float = 0.0


class SyncEngine:
    def __init__(self, store: Store, conn: ServerConnection, progress: Progress | None = None) -> None:
        self.store = store
        self.conn = conn
        self.progress = progress or (lambda _stage, _done, _total: None)
        self.report = SyncReport()

    def run(self) -> SyncReport:
        self.upload_photos()
        self.push()
        self.push_audit()
        self.pull()
        self.download_photos()
        self.lease_numbers()
        self.report.busy_waits = self.conn.busy_waits
        self.report.busy_seconds = self.conn.busy_seconds
        return self.report

    # --- photos ------------------------------------------------------------------------

    def upload_photos(self) -> None:
        """Send the files of records still waiting to be pushed: photo originals, and the
        PDFs of issued notices (the bureau keeps the document as printed), resuming from the
        offset the server confirmed."""
        with self.store.read() as s:
            pending = s.scalars(select(OutboxOp).where(
                OutboxOp.status == "pending",
                ((OutboxOp.entity == "photo") & (OutboxOp.kind == "create"))
                | OutboxOp.entity.in_(("notice", "followup_event")))).all()
            files: dict[str, tuple[str, Path]] = {}
            for op in pending:
                if op.entity == "photo" and op.changed.get("sha256"):
                    sha = str(op.changed["sha256"])
                    files[sha] = ("photo", self.store.blobs.original_path(sha))
                elif op.entity == "notice" and op.changed.get("pdf_sha256"):
                    files[str(op.changed["pdf_sha256"])] = ("pdf", pdf_path(self.store, op.entity_id))
                elif op.entity == "followup_event":
                    for entry in _report_files(op.changed.get("files")):
                        files[str(entry["sha256"])] = ("pdf", report_file(self.store, entry))
        if not files:
            return
        shas = sorted(files)
        states = BlobCheckResponse(**self.conn.call("POST", "/api/v1/blobs/check", json={"sha256": shas}))
        todo = [b for b in states.blobs if not b.have]
        for n, blob in enumerate(todo, start=1):
            kind, path = files[blob.sha256]
            if not path.is_file():
                continue  # a photo's record is deferred; `verify` reports the missing file
            if kind == "pdf" and file_sha256(path) != blob.sha256:
                continue  # a document changed since it was kept: `verify` reports it, nothing sent
            self._upload(blob.sha256, path, blob.offset)
            if kind == "photo":
                self.report.photos_up += 1
            else:
                self.report.pdfs_up += 1
            self.progress("photos_up", n, len(todo))

    def _upload(self, sha256: str, path: Path, offset: int) -> None:
        size = path.stat().st_size
        with path.open("rb") as f:
            while offset < size:
                f.seek(offset)
                chunk = f.read(CHUNK)
                put = BlobPutResponse(**self.conn.call(
                    "PUT", f"/api/v1/blobs/{sha256}", params={"offset": offset, "size": size},
                    content=chunk,
                    headers={"Content-Type": "application/octet-stream"}))
                self.report.bytes_up += len(chunk)
                if put.complete:
                    return
                if put.offset <= offset:
                    raise SyncError(f"blob upload of {sha256} did not advance", "blob_stalled")
                offset = put.offset

    def download_photos(self) -> None:
        """Photo originals and issued notices' PDFs this laptop holds records of but not
        the files (another laptop's work)."""
        with self.store.read() as s:
            shas = sorted(set(s.scalars(select(Photo.sha256).where(Photo.deleted.is_(False)))))
            documents = [(pdf_path(self.store, notice_id), sha) for notice_id, sha in s.execute(
                select(Notice.id, Notice.pdf_sha256).where(
                    Notice.status != "draft", Notice.pdf_sha256 != ""))]
            for files in s.scalars(select(FollowupEvent.files).where(
                    FollowupEvent.deleted.is_(False), FollowupEvent.kind == "report")):
                documents += [(report_file(self.store, entry), str(entry["sha256"]))
                              for entry in _report_files(files)]
        missing = [sha for sha in shas if not self.store.blobs.has(sha)]
        try:
            for n, sha in enumerate(missing, start=1):
                self._download(sha)
                self.report.photos_down += 1
                self.progress("photos_down", n, len(missing))
        finally:
            release_buffers()  # the originals' write buffers, kept from photo to photo
        for target, sha in documents:
            if target.is_file():
                continue
            data = self._fetch(sha, missing_ok=True)
            if data is None:
                continue  # not on the server (yet): the issuing laptop sends it at its next sync
            write_durably(target, data)
            self.report.pdfs_down += 1

    def _fetch(self, sha256: str, *, missing_ok: bool = False) -> bytes | None:
        """A file's bytes from the server, checked against their hash; None when the server
        does not have it and `missing_ok`."""
        try:
            response = self.conn.send("GET", f"/api/v1/blobs/{sha256}")
        except SyncError as error:
            if missing_ok and error.status == 404:
                return None
            raise
        data = response.content
        self.report.bytes_down += len(data)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise SyncError(f"file {sha256} from the server does not match its hash", "blob_mismatch")
        return data

    def _download(self, sha256: str) -> None:
        data = self._fetch(sha256)
        assert data is not None
        # Original stored durably and its thumbnail made, straight from memory.
        ingest_photo_bytes(data, f"{sha256[:12]}.jpg", self.store.blobs)

    # --- ops and audit ---------------------------------------------------------------------

    def push(self) -> None:
        last = 0
        while True:
            with self.store.read() as s:
                rows = s.execute(select(*_OP_COLUMNS).where(
                    OutboxOp.status == "pending", OutboxOp.seq > last,
                ).order_by(OutboxOp.seq).limit(MAX_OPS_PER_PUSH)).all()
                cursor = cursor_of(s)
            if not rows:
                return
            last = rows[-1].seq
            # Directories the bureau owns, and demo records (queued by an older version), stay.
            local_only = {r.op_id for r in rows if r.entity in SERVER_OWNED or _is_demo_op(r)}
            ops = [_wire_op(r) for r in rows if r.op_id not in local_only]  # JSON text each
            if local_only:
                with self.store.write() as s:  # directories the bureau owns are never pushed
                    s.query(OutboxOp).filter(OutboxOp.op_id.in_(local_only)).delete()
            if not ops:
                continue
            device_id = self.store.identity().device_id
            body = (f'{{"device_id":{json.dumps(device_id)},"cursor":{int(cursor)},'
                    f'"ops":[{",".join(ops)}]}}')
            result = PushResponse(**self.conn.call(
                "POST", "/api/v1/push", content=body.encode("utf-8"),
                headers={"Content-Type": "application/json"}))
            acks = [r for r in result.results if r.status != "deferred"]
            by_id = {r.op_id: r for r in rows}
            with self.store.write() as s:
                s.execute(update(OutboxOp), [
                    {"seq": by_id[r.op_id].seq, "status": "acked", "acked_version": r.version}
                    for r in acks if r.op_id in by_id])
                take_stamps(s, [(by_id[r.op_id].entity, by_id[r.op_id].entity_id, r.updated_at)
                                for r in acks if r.settled and r.updated_at and r.op_id in by_id])
            self.report.deferred += len(result.results) - len(acks)
            self.report.pushed += len(acks)
            self.report.conflicts += sum(r.status == "conflict" for r in acks)
            self.report.rejected += sum(r.status == "rejected" for r in acks)
            self.progress("push", self.report.pushed, self.report.pushed + self._pending_count())

    def _pending_count(self) -> int:
        with self.store.read() as s:
            return int(s.scalar(select(func.count()).select_from(OutboxOp).where(
                OutboxOp.status == "pending")) or 0)

    def push_audit(self) -> None:
        device_id = self.store.identity().device_id
        while True:
            with self.store.read() as s:
                done = _setting(s, AUDIT_KEY, 0)
                rows = s.execute(select(*_EVENT_COLUMNS).where(AuditEvent.seq > done)
                                 .order_by(AuditEvent.seq).limit(MAX_AUDIT_PER_PUSH)).all()
            if not rows:
                return
            wire = [_wire_event(row) for row in rows]
            body = f'{{"device_id":{json.dumps(device_id)},"events":[{",".join(wire)}]}}'
            try:
                head = AuditPushResponse(**self.conn.call(
                    "POST", "/api/v1/audit", content=body.encode("utf-8"),
                    headers={"Content-Type": "application/json"}))
            except SyncError as exc:
                if exc.code == "audit_chain_broken":
                    self._behind_the_server()
                raise
            if head.head_seq > rows[-1].seq:
                self._restored(head.head_seq)  # the server holds events of ours we do not
            with self.store.write() as s:
                s.merge(LocalSetting(key=AUDIT_KEY, value=head.head_seq))
            self.report.audit_events += len(wire)

    def _behind_the_server(self) -> None:
        """The bureau refused this laptop's audit chain. When the record it holds of this
        device is not in the laptop's chain at all (the server has more, or other, events
        than the laptop at that point), the laptop was restored from a backup, or lost its
        last events: say so, and remember it, so that enrolling again continues the old
        device as a new one instead of failing at every sync."""
        head = AuditPushResponse(**self.conn.call("GET", "/api/v1/audit/head"))
        with self.store.read() as s:
            local = s.scalar(select(AuditEvent.hash).where(AuditEvent.seq == head.head_seq))
        if head.head_seq == 0 or local == head.head_hash:
            return  # the server's record is part of ours: a changed event, refused as such
        self._restored(head.head_seq)

    def _restored(self, server_head: int) -> None:
        with self.store.write() as s:
            s.merge(LocalSetting(key=RESTORED_KEY, value={"server_head_seq": server_head}))
        raise SyncError(tr(
            "服务器保存的本机记录（{seq} 条）与本机的不一致，常见于本机从备份恢复之后。"
            "本机的内容都还在；请重新登记本机（“服务器…”菜单中的“重新登记本机…”，或 fieldcheck enroll），"
            "本机将作为接续原设备的新设备继续同步，服务器上已有的内容会重新下载。",
            seq=server_head), "restored", 409)

    def pull(self) -> None:
        with self.store.read() as s:  # only grows while pulling: read once
            last_event = s.scalar(select(func.max(AuditEvent.seq))) or 0
        while True:
            with self.store.read() as s:
                cursor = cursor_of(s)
            page = PullResponse(**self.conn.call(
                "GET", "/api/v1/pull", params={"cursor": cursor, "limit": PULL_LIMIT}))
            if page.audit_head > last_event:
                self._restored(page.audit_head)  # before applying anything on a stale cursor
            with apply_session(self.store) as s:
                self.report.pulled += apply_page(s, page.records, page.cursor)
            self.progress("pull", self.report.pulled, self.report.pulled + (PULL_LIMIT if page.more else 0))
            if not page.more:
                return

    # --- document numbers ----------------------------------------------------------------------

    def lease_numbers(self, year: int | None = None) -> None:
        """Lease a block per notice type while online, before the device runs out. The lease
        key is committed before the request, so a crash or a lost answer asks again for the
        same block instead of a new one."""
        year = year or date.today().year
        with self.store.read() as s:  # one look for every type: usually nothing to do
            state = {kind: (_setting(s, f"lease.pending.{kind.value}.{year}", None),
                            numbering.remaining(s, kind.value, year)) for kind in NoticeType}
        for kind in NoticeType:
            key_name = f"lease.pending.{kind.value}.{year}"
            pending, left = state[kind]
            if pending is None and left > LEASE_WHEN_LEFT:
                continue
            if pending is None:
                pending = uuid7()
                with self.store.write() as s:
                    s.merge(LocalSetting(key=key_name, value=pending))
            lease = LeaseResponse(**self.conn.call("POST", "/api/v1/numbers/lease", json={
                "lease_key": pending, "notice_type": kind.value, "year": year, "size": LEASE_SIZE}))
            with self.store.write() as s:
                add_leased_block(s, lease)
                s.query(LocalSetting).filter(LocalSetting.key == key_name).delete()
            self.report.leased.append(f"{kind.value} {year}: {lease.first_seq}–{lease.last_seq}")


def add_leased_block(session: Session, lease: LeaseResponse) -> NumberBlock:
    return numbering.record_block(
        session, lease.notice_type, lease.year, lease.first_seq, lease.last_seq, source="server",
        block_id=lease.block_id, leased_at=_time(lease.leased_at), lease_key=lease.lease_key,
        expires_at=_time(lease.expires_at))


def _time(value: str) -> datetime:
    moment = UTCDateTime().process_result_value(value, None)  # type: ignore[arg-type]
    assert moment is not None
    return moment


def _setting(session: Session, key: str, default: object) -> object:
    row = session.get(LocalSetting, key)
    return default if row is None or row.value is None else row.value


def _report_files(files: Any) -> list[dict[str, Any]]:
    """A 整改报告's file entries that name a proper SHA-256 (anything else is not a path)."""
    return [e for e in files or [] if isinstance(e, dict)
            and isinstance(e.get("sha256"), str) and _SHA256.fullmatch(e["sha256"])
            and isinstance(e.get("name"), str)]


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _stored_text(column: Any) -> Any:
    """A column as its stored text: a time is already in its wire form, and JSON is stored
    canonical, so neither is parsed and re-encoded per row."""
    return type_coerce(column, String).label(column.key)


_OP_COLUMNS = (OutboxOp.seq, OutboxOp.op_id, OutboxOp.entity, OutboxOp.entity_id, OutboxOp.kind,
               _stored_text(OutboxOp.changed), _stored_text(OutboxOp.base), OutboxOp.made_by,
               _stored_text(OutboxOp.created_at), OutboxOp.seen)
_EVENT_COLUMNS = (AuditEvent.seq, AuditEvent.id, _stored_text(AuditEvent.at), AuditEvent.actor,
                  AuditEvent.device_id, AuditEvent.action, AuditEvent.entity,
                  AuditEvent.entity_id, _stored_text(AuditEvent.detail), AuditEvent.record_hash,
                  AuditEvent.prev_hash, AuditEvent.hash)


def _is_demo_op(row: Any) -> bool:
    if is_demo_id(row.entity_id):
        return True
    # Demo ids begin 00dc/00dd (January 2000): only text that could hold one is parsed.
    return '"00d' in (row.changed or "") and mentions_demo(dict(json.loads(row.changed) or {}))


def _wire_op(row: Any) -> str:
    """An outbox row as the push sends it (protocol.Op; the server validates it), as JSON."""
    return (f'{{"op_id":{json.dumps(row.op_id)},"entity":{json.dumps(row.entity)},'
            f'"entity_id":{json.dumps(row.entity_id)},"kind":{json.dumps(row.kind)},'
            f'"changed":{row.changed or "{}"},"base":{row.base or "{}"},'
            f'"made_at":{json.dumps(row.created_at or "")},'
            f'"seen":{json.dumps(row.seen)},'
            f'"made_by":{json.dumps(row.made_by or "", ensure_ascii=False)}}}')


def _wire_event(row: Any) -> str:
    """An audit event as AuditEventWire JSON (its detail as stored, canonical)."""
    return (f'{{"seq":{int(row.seq)},"id":{json.dumps(row.id)},"at":{json.dumps(row.at)},'
            f'"actor":{json.dumps(row.actor, ensure_ascii=False)},'
            f'"device_id":{json.dumps(row.device_id)},"action":{json.dumps(row.action)},'
            f'"entity":{json.dumps(row.entity)},"entity_id":{json.dumps(row.entity_id)},'
            f'"detail":{row.detail if row.detail is not None else "null"},'
            f'"record_hash":{json.dumps(row.record_hash or "")},'
            f'"prev_hash":{json.dumps(row.prev_hash)},"hash":{json.dumps(row.hash)}}}')


@contextmanager
def apply_session(store: Store) -> Iterator[Session]:
    """A write session with foreign keys unenforced (see sync/apply.py), committed on success."""
    with store.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with Session(bind=conn.execution_options(sqlite_immediate=True),
                         expire_on_commit=False) as session:
                yield session
                session.commit()
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
