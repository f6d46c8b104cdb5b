"""The timed observation log of a visit (暗访 记录): quick codes and free text."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.domain.changes import record_change
from fieldcheck.domain.people import actor_of
from fieldcheck.domain.visits import ensure_editable, get_visit
from fieldcheck.errors import ValidationError
from fieldcheck.i18n import tr
from fieldcheck.models import Observation
from fieldcheck.models.coltypes import utcnow
from fieldcheck.paths import resources_dir


@dataclass(frozen=True)
class QuickCode:
    code: str
    text: str
    key: str  # the keyboard key that logs it at once


@cache
def _quick_code_lists() -> dict[str, tuple[QuickCode, ...]]:
    with (resources_dir() / "quick_codes.json").open(encoding="utf-8") as f:
        data = json.load(f)

    def read(rows: list[dict[str, str]]) -> tuple[QuickCode, ...]:
        return tuple(QuickCode(c["code"], c["text"], c.get("key", "")) for c in rows)

    lists = {"": read(data["codes"])}
    for unit_kind, rows in data.get("codes_by_unit_kind", {}).items():
        lists[str(unit_kind)] = read(rows)
    return lists


def quick_codes(unit_kind: str = "") -> tuple[QuickCode, ...]:
    """The one-key entries from resources/quick_codes.json that fit the inspected unit's kind
    (a service window's by default)."""
    lists = _quick_code_lists()
    return lists.get(unit_kind, lists[""])


def all_quick_codes() -> tuple[QuickCode, ...]:
    return tuple(code for codes in _quick_code_lists().values() for code in codes)


def add_observation(
    session: Session, visit_id: str, text: str, quick_code: str = "", at: datetime | None = None
) -> Observation:
    visit = get_visit(session, visit_id)
    ensure_editable(visit)
    text = text.strip()
    if not text:
        raise ValidationError(tr("观察记录内容不能为空。"))
    actor = actor_of(session)
    obs = Observation(
        visit_id=visit_id, at=at or utcnow(), text=text, quick_code=quick_code, recorded_by=actor.name
    )
    session.add(obs)
    record_change(session, actor, "observation.add", obs)
    return obs


def add_quick_observation(
    session: Session, visit_id: str, code: str, at: datetime | None = None
) -> Observation:
    """One-key entry; `at` is when the key was pressed (the save may come a moment later)."""
    match = next((q for q in all_quick_codes() if q.code == code), None)
    if match is None:
        raise ValidationError(tr("未知的快捷记录：{code}", code=code))
    return add_observation(session, visit_id, match.text, quick_code=code, at=at)


def edit_observation(session: Session, observation_id: str, text: str) -> Observation:
    obs = session.get(Observation, observation_id)
    if obs is None or obs.deleted:
        raise ValidationError(tr("找不到该观察记录。"))
    ensure_editable(get_visit(session, obs.visit_id))
    if not text.strip():
        raise ValidationError(tr("观察记录内容不能为空。"))
    obs.text = text.strip()
    record_change(session, actor_of(session), "observation.edit", obs)
    return obs


def delete_observation(session: Session, observation_id: str) -> None:
    obs = session.get(Observation, observation_id)
    if obs is None or obs.deleted:
        return
    ensure_editable(get_visit(session, obs.visit_id))
    obs.deleted = True
    record_change(session, actor_of(session), "observation.delete", obs)


def observations_of(session: Session, visit_id: str) -> list[Observation]:
    query = select(Observation).where(Observation.visit_id == visit_id, Observation.deleted.is_(False))
    return list(session.scalars(query.order_by(Observation.at)))
