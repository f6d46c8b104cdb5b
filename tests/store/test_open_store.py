"""Opening the local store: creation, bad files, locks and migrations of older stores."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from fieldcheck.domain import checklist, observations
from fieldcheck.domain.queries import VisitFilter, page_visits
from fieldcheck.errors import StoreError
from fieldcheck.ids import answer_id
from fieldcheck.models import Answer, Observation, OutboxOp, Visit
from fieldcheck.store import SCHEMA_HEAD, open_store
from fieldcheck.store.database import DB_NAME, schema_revision
from fieldcheck.store.migrate import upgrade


def test_new_store_is_wal_with_foreign_keys(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert schema_revision(store) == SCHEMA_HEAD
    assert not store.identity().is_set
    assert len(store.identity().device_id) == 36


def test_identity_is_kept_across_restarts(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.set_identity("李秀英", "清监字第2026002号")
    device = store.identity().device_id
    store.close()
    again = open_store(tmp_path)
    ident = again.identity()
    assert (ident.user_name, ident.credential_no, ident.device_id) == ("李秀英", "清监字第2026002号", device)


def test_file_that_is_not_a_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    content = "这是一份会议纪要，不是数据库。\n".encode() * 200
    path.write_bytes(content)
    with pytest.raises(StoreError) as info:
        open_store(tmp_path)
    assert "不是 FieldCheck 数据库" in str(info.value)
    assert str(path) in str(info.value)
    assert path.read_bytes() == content


def test_corrupt_database_reports_clearly(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.close()
    path = tmp_path / DB_NAME
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # keep the magic header, wreck the schema page
    path.write_bytes(bytes(data))
    for extra in ("-wal", "-shm"):
        Path(str(path) + extra).unlink(missing_ok=True)
    with pytest.raises(StoreError):
        open_store(tmp_path)
    assert path.read_bytes() == bytes(data)


LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(60)
"""


@pytest.mark.slow
def test_store_locked_by_another_process(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.close()
    proc = subprocess.Popen([sys.executable, "-c", LOCKER, str(tmp_path / DB_NAME)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(StoreError) as info:
            open_store(tmp_path)
        assert "正被另一个程序占用" in str(info.value)
        assert time.monotonic() - started < 30  # gives up after the busy timeout, does not hang
    finally:
        proc.kill()
        proc.wait()
    assert open_store(tmp_path).identity().device_id  # usable once the other process is gone


def test_write_while_locked_is_a_store_error_and_loses_nothing(store, visit_id) -> None:  # type: ignore[no-untyped-def]
    with store.write() as s:
        observations.add_observation(s, visit_id, "第一条")
    other = sqlite3.connect(store.path, isolation_level=None, timeout=0.1)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError), store.write() as s:
            observations.add_observation(s, visit_id, "第二条")
    finally:
        other.execute("ROLLBACK")
        other.close()
    with store.write() as s:
        observations.add_observation(s, visit_id, "第二条")
    with store.read() as s:
        assert [o.text for o in observations.observations_of(s, visit_id)] == ["第一条", "第二条"]


def _old_store(path: Path, revision: str) -> None:
    """A store as the app at `revision` left it: a visit with an answer and a cancelled
    plan, their whole-record snapshots still waiting in the outbox."""
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine, revision)
    engine.dispose()
    t = "2026-11-20T08:00:00.000000Z"
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO local_identity (id, device_id, user_name, credential_no, inspector_id,"
                     " created_at) VALUES (1, '019b0000-0000-7000-8000-000000000001', '赵卫东',"
                     " '清监字第2026009号', NULL, ?)", (t,))
        conn.execute("INSERT INTO units (id, created_at, updated_at, deleted, name, kind, code, address,"
                     " contact, phone) VALUES ('u1', ?, ?, 0, '市民中心', 'service_window', '', '', '', '')", (t, t))
        visit = {"id": "v1", "created_at": t, "updated_at": t, "deleted": False, "kind": "open",
                 "unit_id": "u1", "team": "一组", "member_ids": [], "place": "大厅", "status": "cancelled",
                 "confidential": False, "title": "", "search_text": "市民中心"}
        conn.execute("INSERT INTO visits (id, created_at, updated_at, deleted, kind, unit_id, team,"
                     " member_ids, place, status, confidential, title, search_text) VALUES"
                     " ('v1', ?, ?, 0, 'open', 'u1', '一组', '[]', '大厅', 'cancelled', 0, '', '市民中心')", (t, t))
        answer = {"id": "a-random", "created_at": t, "updated_at": t, "deleted": False, "visit_id": "v1",
                  "item_key": "on_duty", "value": "yes", "note": "", "answered_by": "赵卫东", "answered_at": t}
        conn.execute("INSERT INTO answers (id, created_at, updated_at, deleted, visit_id, item_key, value,"
                     " note, answered_by, answered_at) VALUES ('a-random', ?, ?, 0, 'v1', 'on_duty', '\"yes\"',"
                     " '', '赵卫东', ?)", (t, t, t))
        for seq, (entity, snapshot) in enumerate((("visit", visit), ("answer", answer)), start=1):
            conn.execute("INSERT INTO outbox (seq, op_id, entity, entity_id, op, payload, base_version,"
                         " created_at) VALUES (?, ?, ?, ?, 'upsert', ?, NULL, ?)",
                         (seq, f"op{seq}", entity, snapshot["id"], json.dumps(snapshot), t))
        conn.execute("INSERT INTO audit_events (id, at, actor, device_id, action, entity, entity_id, detail,"
                     " prev_hash, hash) VALUES ('e1', ?, '赵卫东', 'd', 'visit.cancel', 'visit', 'v1',"
                     " '{\"reason\":\"单位搬迁\"}', ?, ?)", (t, "0" * 64, "1" * 64))


def test_older_store_is_backed_up_and_migrated_keeping_unsynced_changes(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    _old_store(path, "0003")
    migrated = open_store(tmp_path)
    assert schema_revision(migrated) == SCHEMA_HEAD
    backups = list((tmp_path / "backups").glob("*.db"))
    assert len(backups) == 1 and "rev0003" in backups[0].name
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
    natural = answer_id("v1", "on_duty")
    with migrated.read() as s:
        ops = s.scalars(select(OutboxOp).order_by(OutboxOp.seq)).all()
        # Every unsynced edit is still there, now as field-level ops without base values.
        assert [op.op_id for op in ops] == ["op1", "op2"]
        assert ops[0].kind == "create" and ops[0].changed["team"] == "一组" and ops[0].base == {}
        assert "search_text" not in ops[0].changed and "updated_at" not in ops[0].changed
        # The answer took the id of its natural key, and its op followed.
        assert ops[1].entity_id == natural and ops[1].changed["id"] == natural
        assert ops[1].changed["value"] == "yes"
        assert s.get(Answer, natural) is not None and s.get(Answer, "a-random") is None
        visit = s.get(Visit, "v1")
        assert visit is not None and visit.cancel_reason == "单位搬迁"  # on the record now
        # Dated in the list by the day it was made (it had no plan day or start): 0008.
        day = VisitFilter(date_from=date(2026, 11, 20), date_to=date(2026, 11, 20))
        assert [r.id for r in page_visits(s, day, 0, 10)] == ["v1"]
    assert migrated.identity().user_name == "赵卫东"


def test_schema_head_constant_matches_the_migrations() -> None:
    from fieldcheck.store.migrate import alembic_head

    assert alembic_head() == SCHEMA_HEAD


def test_unanswered_store_needs_no_backup(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    open_store(tmp_path).close()
    assert not (tmp_path / "backups").exists()


def test_checklist_answer_survives_reopen(store, visit_id) -> None:  # type: ignore[no-untyped-def]
    with store.write() as s:
        checklist.answer_item(s, visit_id, "on_duty", "yes")
        observations.add_observation(s, visit_id, "大厅人多")
    store.close()
    again = open_store(store.data_dir)
    with again.read() as s:
        assert checklist.answers_of(s, visit_id) == {"on_duty": "yes"}
        assert s.scalars(select(Observation.text)).all() == ["大厅人多"]


def test_only_the_laptop_user_can_read_the_store(tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)  # a usual desktop umask: new files readable by everyone
    try:
        data_dir = tmp_path / "store"
        store = open_store(data_dir)
        store.set_identity("王建国", "清监字第2026001号")
        (data_dir / "photos").mkdir(exist_ok=True)
        store.close()
        store = open_store(data_dir)
        store.close()
    finally:
        os.umask(old)
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(data_dir) == 0o700 and mode(data_dir / "photos") == 0o700
    assert mode(data_dir / DB_NAME) == 0o600
    for extra in ("-wal", "-shm"):
        if (data_dir / (DB_NAME + extra)).exists():
            assert mode(data_dir / (DB_NAME + extra)) == 0o600


def test_a_backup_before_migration_is_private(tmp_path: Path) -> None:
    import stat

    _old_store(tmp_path / DB_NAME, "0003")
    open_store(tmp_path).close()
    [backup] = list((tmp_path / "backups").glob("*.db"))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
