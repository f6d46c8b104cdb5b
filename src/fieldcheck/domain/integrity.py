"""`fieldcheck verify`: is the store what the app wrote? (DESIGN §9)

Checks, each naming what it found in words a person can act on:
- SQLite's own check of the file (quick_check, or integrity_check in the full form);
- the audit chain: an edited, removed or reordered event breaks it;
- every record against the last audit event that wrote it: a row edited behind the app's
  back no longer matches the hash of the state its event recorded;
- every photo original against its SHA-256 (the quick form only checks it is there);
- every issued notice's PDF against the hash frozen when it was issued.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from fieldcheck.domain.chain_anchor import FILE_NAME as CHAIN_HEAD_FILE
from fieldcheck.domain.chain_anchor import read_head
from fieldcheck.domain.changes import audit_fields, state_hash, verify_chain
from fieldcheck.domain.records import record_dict
from fieldcheck.hashing import GENESIS, event_hash, file_sha256
from fieldcheck.i18n import tr
from fieldcheck.models import REPLICATED, AuditEvent, Notice, Photo, Unit, Visit
from fieldcheck.store.database import Store


@dataclass(frozen=True)
class Problem:
    what: str  # database / audit / record / photo / notice
    message: str


def verify_store(store: Store, *, full: bool = False, tail: int | None = None,
                 database: bool = True) -> list[Problem]:
    """Everything, or with `tail` the start-up form: the last `tail` audit events (their links,
    the recorded head, the records they wrote), photo originals there, issued PDFs there —
    bounded work however large the store. `database=False` skips SQLite's check when the
    caller has just run it (open_store does)."""
    problems: list[Problem] = []
    with store.read() as s:
        if database or full:
            problems += _database(s, full)
        if problems:
            return problems  # a damaged file: nothing else read from it can be trusted
        chain = verify_chain(s) if tail is None else verify_chain_tail(s, tail)
        problems += [Problem("audit", tr("审计链：{problem}", problem=p)) for p in chain]
        problems += _chain_head(s, store)
        problems += _records(s, tail)
        problems += _photos(s, store, full)
        problems += _notices(s, store, hash_pdfs=tail is None)
    return problems


def verify_chain_tail(session: Session, count: int) -> list[str]:
    """The last `count` events: each links to the one before it and matches its own hash."""
    events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(count + 1)))
    events.reverse()
    problems: list[str] = []
    for before, ev in zip(events, events[1:], strict=False):
        if ev.prev_hash != before.hash:
            problems.append(f"event {ev.seq}: previous hash does not match (an event was removed)")
    for ev in events[1:] if len(events) > count else events:
        if event_hash(ev.prev_hash, audit_fields(ev)) != ev.hash:
            problems.append(f"event {ev.seq}: content does not match its hash (edited)")
    if len(events) <= count and events and events[0].prev_hash != GENESIS:
        problems.append(f"event {events[0].seq}: previous hash does not match (an event was removed)")
    return problems


def _database(session: Session, full: bool) -> list[Problem]:
    pragma = "integrity_check" if full else "quick_check"
    rows = [r[0] for r in session.execute(text(f"PRAGMA {pragma}"))]
    if rows == ["ok"]:
        return []
    return [Problem("database", tr("数据库文件已损坏：{detail}", detail=r)) for r in rows[:20]]


def _chain_head(session: Session, store: Store) -> list[Problem]:
    """The last events cannot be removed without the recorded head noticing."""
    try:
        head = read_head(store.data_dir)
    except ValueError:
        return [Problem("audit", tr("审计链的链头记录文件 {path} 已损坏或被改动。",
                                    path=store.data_dir / CHAIN_HEAD_FILE))]
    if head is None:
        return []
    last = session.scalar(select(func.max(AuditEvent.seq))) or 0
    found = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == head.seq))
    if found is None:
        return [Problem("audit", tr(
            "审计链末尾的事件被删除了：本机记录的最后一个事件是第 {seq} 个，数据库里只到第 {last} 个。",
            seq=head.seq, last=last))]
    if found != head.hash:
        return [Problem("audit", tr(
            "审计链第 {seq} 个事件与本机记录的链头不符：审计记录在程序之外被改写过。", seq=head.seq))]
    return []


REMOVED = ".remove"  # an action that takes a record out of the store on purpose


def _records(session: Session, tail: int | None = None) -> list[Problem]:
    query = (select(AuditEvent.entity, AuditEvent.entity_id, AuditEvent.record_hash, AuditEvent.action)
             .where(AuditEvent.entity.in_(tuple(REPLICATED)))
             .where((AuditEvent.record_hash != "") | AuditEvent.action.endswith(REMOVED)))
    if tail is not None:
        first = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc())
                               .offset(tail - 1).limit(1)) or 0
        recent = select(AuditEvent.entity_id).where(AuditEvent.seq >= first)
        query = query.where(AuditEvent.entity_id.in_(recent))
    last: dict[tuple[str, str], str] = {}
    for entity, entity_id, digest, _action in session.execute(query.order_by(AuditEvent.seq)):
        if digest:
            last[(entity, entity_id)] = digest
        else:
            last.pop((entity, entity_id), None)
    problems = []
    for name, cls in REPLICATED.items():
        ids = {eid for (entity, eid) in last if entity == name}
        if not ids:
            continue
        seen: set[str] = set()
        for row in _rows(session, cls, sorted(ids)):
            rid = row.id
            seen.add(rid)
            if rid in ids and state_hash(name, record_dict(row)) != last[(name, rid)]:
                problems.append(Problem("record", tr(
                    "记录 {entity} {id} 与最后一次写入它的审计事件不符：该记录在程序之外被改动过。",
                    entity=name, id=rid)))
        for rid in sorted(ids - seen):
            problems.append(Problem("record", tr(
                "记录 {entity} {id} 不见了：审计记录写过它，数据库里却没有它（在程序之外被删除）。",
                entity=name, id=rid)))
    return problems


def _rows(session: Session, cls: Any, ids: list[str]) -> Iterator[Any]:
    """The rows with these ids only (records no event wrote, such as demo rows, are skipped)."""
    for start in range(0, len(ids), 500):
        yield from session.scalars(select(cls).where(cls.id.in_(ids[start:start + 500])))


def _photos(session: Session, store: Store, full: bool) -> list[Problem]:
    problems = []
    for photo in session.scalars(select(Photo).where(Photo.deleted.is_(False))):
        name = photo.original_name or photo.id
        if not store.blobs.has(photo.sha256):
            if not _made_here(session, photo.id, "photo.import"):
                continue  # another laptop's photo: its original comes with the next sync
            problems.append(Problem("photo", tr(
                "照片“{name}”（{visit}）的原件不见了。请找回原图，在这次检查中重新导入即可恢复。",
                name=name, visit=_visit_label(session, photo.visit_id))))
        elif full and not store.blobs.verify(photo.sha256):
            problems.append(Problem("photo", tr(
                "照片“{name}”（{visit}）的原件已被改动，与导入时的哈希不符。请在这次检查中重新导入原图以修复。",
                name=name, visit=_visit_label(session, photo.visit_id))))
    return problems


def _made_here(session: Session, entity_id: str, action: str) -> bool:
    """Whether this laptop's own audit trail records `action` on the record (it imported the
    photo, it issued the notice), so the file must be here; otherwise it came by sync and
    its file is fetched from the bureau's server."""
    return session.scalars(select(AuditEvent.seq).where(
        AuditEvent.entity_id == entity_id, AuditEvent.action == action).limit(1)).first() is not None


def _visit_label(session: Session, visit_id: str) -> str:
    """A visit as a person knows it: the unit and the day, then its id."""
    row = session.execute(select(Unit.name, Visit.started_at, Visit.planned_for)
                          .join(Unit, Unit.id == Visit.unit_id).where(Visit.id == visit_id)).first()
    if row is None:
        return tr("检查 {id}", id=visit_id)
    name, started, planned = row
    day = started.astimezone().date() if started else planned
    return tr("{unit} {day} 的检查，{id}", unit=name, day=day or "", id=visit_id)


def _notices(session: Session, store: Store, *, hash_pdfs: bool = True) -> list[Problem]:
    problems = []
    for notice in session.scalars(select(Notice).where(Notice.status != "draft")):
        path = store.data_dir / "notices" / f"{notice.id}.pdf"
        label = notice.number or notice.id
        if not notice.pdf_sha256 or not notice.number:
            problems.append(Problem("notice", tr("文书 {label} 标记为已签发，却没有文号或 PDF 哈希。", label=label)))
        elif not path.is_file():
            if not _made_here(session, notice.id, "notice.issue"):
                continue  # issued on another laptop: its PDF comes with the next sync
            problems.append(Problem("notice", tr("文书 {label} 的 PDF 文件不见了。", label=label)))
        elif hash_pdfs and file_sha256(path) != notice.pdf_sha256:
            problems.append(Problem("notice", tr("文书 {label} 的 PDF 与签发时的哈希不符：文件被替换或改动过。", label=label)))
    return problems
