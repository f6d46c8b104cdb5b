"""The audit chain: every write is an event, and tampering is detected."""

from __future__ import annotations

from sqlalchemy import select, text

from fieldcheck.domain import checklist
from fieldcheck.domain.changes import verify_chain
from fieldcheck.models import AuditEvent
from fieldcheck.store import Store


def _write_some(store: Store, visit_id: str) -> None:
    with store.write() as s:
        checklist.answer_item(s, visit_id, "on_duty", "yes")
        checklist.answer_item(s, visit_id, "wait", 3)


def test_chain_is_intact_and_stamped(store: Store, visit_id: str) -> None:
    _write_some(store, visit_id)
    ident = store.identity()
    with store.read() as s:
        assert verify_chain(s) == []
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert len(events) >= 5
    assert all(e.device_id == ident.device_id for e in events)
    assert events[-1].actor == "王建国"
    assert events[-1].action == "answer.set"


def test_edited_event_is_detected(store: Store, visit_id: str) -> None:
    _write_some(store, visit_id)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET detail = '{\"value\":\"no\"}' WHERE action = 'answer.set'"))
    with store.read() as s:
        assert any("edited" in p for p in verify_chain(s))


def test_removed_event_is_detected(store: Store, visit_id: str) -> None:
    _write_some(store, visit_id)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = (SELECT MIN(seq) + 1 FROM audit_events)"))
    with store.read() as s:
        assert any("removed" in p for p in verify_chain(s))
