"""Tampering with the store's rows behind the app's back — data rows, not only audit rows —
is found by `verify`; a property test applies a random tampering to random records."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from fieldcheck import templates as tpl
from fieldcheck.domain import checklist, findings
from fieldcheck.domain.changes import audit_fields
from fieldcheck.domain.checklist import publish_template
from fieldcheck.domain.integrity import verify_store
from fieldcheck.domain.people import add_unit
from fieldcheck.domain.visits import start_new_visit
from fieldcheck.hashing import GENESIS, event_hash
from fieldcheck.models import AuditEvent
from fieldcheck.store import Store, open_store
from fieldcheck.store.database import DB_NAME

TEMPLATE = Path(__file__).parents[1] / "data" / "test_template.json"


def _sql(store: Store, statement: str, *args: object) -> None:
    with sqlite3.connect(store.data_dir / DB_NAME) as conn:
        conn.execute(statement, args)


def _rechain(store: Store, edit_seq: int | None = None, drop_seq: int | None = None) -> None:
    """What a careful forger does: change an event (or drop one) and recompute every hash after
    it, so the chain is consistent in itself again."""
    with store.session() as s:
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        prev = GENESIS
        for ev in events:
            if ev.seq == drop_seq:
                s.delete(ev)
                continue
            if ev.seq == edit_seq:
                ev.actor = "别人"
            ev.prev_hash = prev
            ev.hash = event_hash(prev, audit_fields(ev))
            prev = ev.hash
        s.commit()


def _last_seq(store: Store) -> int:
    with sqlite3.connect(store.data_dir / DB_NAME) as conn:
        return int(conn.execute("SELECT max(seq) FROM audit_events").fetchone()[0])


@pytest.fixture
def finding_id(store: Store, visit_id: str) -> str:
    with store.write() as s:
        checklist.answer_item(s, visit_id, "on_duty", "no")
        return findings.record_finding(s, visit_id, category="overtime", description="超时限办理",
                                       requirement="立即整改", deadline=date(2026, 12, 31)).id


def test_the_untouched_store_checks_out(store: Store, finding_id: str) -> None:
    assert verify_store(store, full=True) == []


def test_a_visit_row_and_an_answer_row_edited_are_named(store: Store, visit_id: str, finding_id: str) -> None:
    _sql(store, "UPDATE visits SET place = '别处' WHERE id = ?", visit_id)
    _sql(store, "UPDATE answers SET value = '\"yes\"' WHERE visit_id = ?", visit_id)
    problems = verify_store(store)
    assert {p.what for p in problems} == {"record"} and len(problems) == 2
    assert any(visit_id in p.message for p in problems)


def test_a_finding_row_deleted_is_named(store: Store, finding_id: str) -> None:
    _sql(store, "DELETE FROM findings WHERE id = ?", finding_id)
    [problem] = verify_store(store)
    assert problem.what == "record" and finding_id in problem.message and "不见了" in problem.message


def test_deleting_the_last_audit_events_is_found(store: Store, finding_id: str) -> None:
    last = _last_seq(store)
    _sql(store, "DELETE FROM audit_events WHERE seq > ?", last - 2)
    problems = verify_store(store)
    assert any(p.what == "audit" and str(last) in p.message for p in problems), problems


def test_an_event_edited_and_the_chain_recomputed_is_found(store: Store, finding_id: str) -> None:
    _rechain(store, edit_seq=2)
    problems = verify_store(store)
    assert any(p.what == "audit" and "链头" in p.message for p in problems), problems


def test_a_missing_or_unreadable_head_record_is_not_a_pass(store: Store, finding_id: str) -> None:
    (store.data_dir / "audit-head.json").write_text("{不是", encoding="utf-8")
    assert [p.what for p in verify_store(store)] == ["audit"]


# --- the property: any tampering is found -------------------------------------------------------

TAMPERINGS = ("edit_row", "delete_row", "delete_event", "delete_last_events", "reorder_events",
              "rechain_edited", "rechain_dropped")


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(
    descriptions=st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                                  min_size=1, max_size=30), min_size=1, max_size=4),
    revise=st.booleans(),
    tampering=st.sampled_from(TAMPERINGS),
    pick=st.integers(min_value=0, max_value=10_000),
)
def test_verify_finds_any_tampering(descriptions: list[str], revise: bool, tampering: str, pick: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="tamper-"))
    store = open_store(folder)
    try:
        store.set_identity("王建国", "清监字第2026001号")
        with store.write() as s:
            version = publish_template(s, tpl.load_template(TEMPLATE)).id
            unit = add_unit(s, "清河市行政审批局", "department").id
            visit = start_new_visit(s, unit_id=unit, kind="open", template_version_id=version, place="三楼")
            ids = [findings.record_finding(s, visit.id, category="overtime", description=d,
                                           requirement="整改", deadline=date(2026, 12, 31)).id
                   for d in descriptions]
            if revise:
                findings.revise_finding(s, ids[0], description=descriptions[0] + "（修改）")
        assert verify_store(store) == []

        target = ids[pick % len(ids)]
        last = _last_seq(store)
        chosen = 1 + pick % last
        if tampering == "edit_row":
            _sql(store, "UPDATE findings SET description = description || '改' WHERE id = ?", target)
        elif tampering == "delete_row":
            _sql(store, "DELETE FROM findings WHERE id = ?", target)
        elif tampering == "delete_event":
            _sql(store, "DELETE FROM audit_events WHERE seq = ?", chosen)
        elif tampering == "delete_last_events":
            _sql(store, "DELETE FROM audit_events WHERE seq >= ?", max(2, chosen))
        elif tampering == "reorder_events":
            other = chosen % last + 1  # a different event
            _sql(store, "UPDATE audit_events SET seq = -1 WHERE seq = ?", chosen)
            _sql(store, "UPDATE audit_events SET seq = ? WHERE seq = ?", chosen, other)
            _sql(store, "UPDATE audit_events SET seq = ? WHERE seq = -1", other)
        elif tampering == "rechain_edited":
            _rechain(store, edit_seq=chosen)
        else:
            _rechain(store, drop_seq=chosen)
        assert verify_store(store), tampering
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)
