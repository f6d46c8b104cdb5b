"""Checklist reads and writes for the worker thread: each returns the fresh ChecklistState,
so the screen shows exactly what the store now holds (visibility, failures, progress, score)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fieldcheck.domain import checklist, findings
from fieldcheck.domain.checklist import ChecklistState

if TYPE_CHECKING:
    from fieldcheck.store import Store


def load_state(store: Store, visit_id: str) -> ChecklistState:
    with store.read() as s:
        return checklist.checklist_state(s, visit_id)


def save_answer(store: Store, visit_id: str, item_key: str, value: Any) -> ChecklistState:
    with store.write() as s:
        checklist.answer_item(s, visit_id, item_key, value)
    return load_state(store, visit_id)


def save_note(store: Store, visit_id: str, item_key: str, note: str) -> ChecklistState:
    """A note keeps the item's current answer (read in the same transaction)."""
    with store.write() as s:
        current = checklist.answers_of(s, visit_id).get(item_key)
        checklist.answer_item(s, visit_id, item_key, current, note=note)
    return load_state(store, visit_id)


def suggestion(store: Store, visit_id: str, item_key: str) -> dict[str, object] | None:
    with store.read() as s:
        return findings.suggestion_for_item(s, visit_id, item_key)
