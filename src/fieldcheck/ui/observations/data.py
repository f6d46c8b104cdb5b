"""The observation log for the worker thread; every call returns the whole log as plain rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from fieldcheck.domain import observations

if TYPE_CHECKING:
    from fieldcheck.store import Store


@dataclass(frozen=True)
class ObservationRow:
    id: str
    at: datetime
    text: str
    quick_code: str
    recorded_by: str


def load(store: Store, visit_id: str) -> list[ObservationRow]:
    with store.read() as s:
        return [
            ObservationRow(o.id, o.at, o.text, o.quick_code, o.recorded_by)
            for o in observations.observations_of(s, visit_id)
        ]


def add_quick(store: Store, visit_id: str, code: str, pressed: datetime) -> list[ObservationRow]:
    """`pressed` is the moment of the key press, not of the (queued) save."""
    with store.write() as s:
        observations.add_quick_observation(s, visit_id, code, at=pressed)
    return load(store, visit_id)


def add_text(store: Store, visit_id: str, text: str) -> list[ObservationRow]:
    with store.write() as s:
        observations.add_observation(s, visit_id, text)
    return load(store, visit_id)


def edit(store: Store, visit_id: str, observation_id: str, text: str) -> list[ObservationRow]:
    with store.write() as s:
        observations.edit_observation(s, observation_id, text)
    return load(store, visit_id)


def delete(store: Store, visit_id: str, observation_id: str) -> list[ObservationRow]:
    with store.write() as s:
        observations.delete_observation(s, observation_id)
    return load(store, visit_id)
