"""Findings (问题): recorded on a visit, revised rather than overwritten, followed until rectified."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck import templates as tpl
from fieldcheck.domain.changes import record_change
from fieldcheck.domain.checklist import answers_of, template_of
from fieldcheck.domain.names import SEVERITY_NAMES as SEVERITY_NAMES  # re-exported
from fieldcheck.domain.people import actor_of
from fieldcheck.domain.visits import ensure_editable, get_visit, refresh_search_text
from fieldcheck.errors import ValidationError
from fieldcheck.i18n import tr
from fieldcheck.models import Finding, LocalSetting, Photo, Severity
from fieldcheck.paths import resources_dir

EDITABLE_FIELDS = (
    "category", "description", "legal_basis", "severity", "responsible", "item_key",
    "requirement", "deadline",
)


@dataclass(frozen=True)
class Category:
    key: str
    name: str


@cache
def categories() -> tuple[Category, ...]:
    """Finding categories shipped from the source document (configurable in resources/)."""
    with (resources_dir() / "finding_categories.json").open(encoding="utf-8") as f:
        data = json.load(f)
    return tuple(Category(c["key"], c["name"]) for c in data["categories"])


def category_name(key: str) -> str:
    return _category_names().get(key, key)


@cache
def _category_names() -> dict[str, str]:
    return {c.key: c.name for c in categories()}


def _check(fields: dict[str, object]) -> None:
    category = fields.get("category")
    if category is not None and category not in {c.key for c in categories()}:
        raise ValidationError(tr("未知的问题类别：{key}", key=category))
    severity = fields.get("severity")
    if severity is not None and severity not in set(Severity):
        raise ValidationError(tr("未知的严重程度：{value}", value=severity))
    deadline = fields.get("deadline")
    if deadline is not None and not isinstance(deadline, date):
        raise ValidationError(tr("整改期限必须是日期。"))


def record_finding(session: Session, visit_id: str, **fields: object) -> Finding:
    """Add a finding to a visit in progress. Incomplete findings are allowed while working;
    finishing the visit names what is still missing."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown finding fields: {sorted(unknown)}")
    visit = get_visit(session, visit_id)
    ensure_editable(visit)
    _check(fields)
    finding = Finding(visit_id=visit_id, unit_id=visit.unit_id, status="open", revision=1)
    for name, value in fields.items():
        setattr(finding, name, value)
    finding.category = finding.category or ""
    session.add(finding)
    session.flush()
    refresh_search_text(session, visit)
    record_change(session, actor_of(session), "finding.add", finding)
    record_change(session, actor_of(session), "visit.search", visit)
    return finding


def revise_finding(session: Session, finding_id: str, **fields: object) -> Finding:
    """Change a finding; each change is a new revision in the audit chain."""
    finding = _get(session, finding_id)
    visit = get_visit(session, finding.visit_id)
    ensure_editable(visit)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown finding fields: {sorted(unknown)}")
    _check(fields)
    changed = {k: v for k, v in fields.items() if getattr(finding, k) != v}
    if not changed:
        return finding
    for name, value in changed.items():
        setattr(finding, name, value)
    finding.revision += 1
    refresh_search_text(session, visit)
    detail = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in changed.items()}
    record_change(session, actor_of(session), "finding.revise", finding, detail)
    if "description" in changed:
        record_change(session, actor_of(session), "visit.search", visit)
    return finding


def delete_finding(session: Session, finding_id: str) -> None:
    finding = _get(session, finding_id)
    visit = get_visit(session, finding.visit_id)
    ensure_editable(visit)
    finding.deleted = True
    session.flush()
    refresh_search_text(session, visit)
    record_change(session, actor_of(session), "finding.delete", finding)


def suggestion_for_item(session: Session, visit_id: str, item_key: str) -> dict[str, object] | None:
    """Prefilled finding fields for a failed checklist item, or None if it has not failed."""
    visit = get_visit(session, visit_id)
    template = template_of(session, visit)
    item = template.get_item(item_key)
    answers = answers_of(session, visit_id)
    if item is None or item_key not in answers:
        return None
    env = tpl.condition_env(template, answers)
    suggestion = tpl.suggested_finding(item, answers[item_key], env)
    if suggestion is None:
        return None
    return {
        "category": suggestion.category,
        "description": suggestion.text,
        "legal_basis": getattr(suggestion, "basis", ""),
        "requirement": getattr(suggestion, "requirement", ""),
        "severity": getattr(suggestion, "severity", "minor") or "minor",
        "item_key": item_key,
    }


def findings_of(session: Session, visit_id: str) -> list[Finding]:
    query = select(Finding).where(Finding.visit_id == visit_id, Finding.deleted.is_(False))
    return list(session.scalars(query.order_by(Finding.created_at)))


def attach_evidence(session: Session, finding_id: str, photo_ids: list[str]) -> None:
    finding = _get(session, finding_id)
    ensure_editable(get_visit(session, finding.visit_id))
    actor = actor_of(session)
    for photo_id in photo_ids:
        photo = session.get(Photo, photo_id)
        if photo is None or photo.visit_id != finding.visit_id:
            raise ValidationError(tr("照片不属于该检查，不能作为该问题的证据。"))
        if photo.finding_id != finding_id:
            photo.finding_id = finding_id
            record_change(session, actor, "photo.link", photo, {"finding": finding_id})


def set_evidence(session: Session, finding_id: str, photo_ids: list[str]) -> None:
    """Make exactly these photos the finding's evidence (unticked ones are unlinked)."""
    finding = _get(session, finding_id)
    ensure_editable(get_visit(session, finding.visit_id))
    linked = session.scalars(
        select(Photo).where(Photo.finding_id == finding_id, Photo.deleted.is_(False))
    ).all()
    actor = actor_of(session)
    for photo in linked:
        if photo.id not in photo_ids:
            photo.finding_id = None
            record_change(session, actor, "photo.unlink", photo, {"finding": finding_id})
    attach_evidence(session, finding_id, photo_ids)


# --- the finding being typed, before it is saved --------------------------------------------
# An open editor's fields are kept on the laptop (LocalSetting: not a record, never synced or
# audited) so a crash or kill -9 loses nothing typed; saving or cancelling drops them.

def _draft_key(visit_id: str) -> str:
    return f"finding_draft:{visit_id}"


def keep_finding_draft(
    session: Session, visit_id: str, finding_id: str | None, fields: dict[str, object],
    photo_ids: list[str],
) -> None:
    plain = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in fields.items()}
    value = {"finding_id": finding_id, "fields": plain, "photo_ids": list(photo_ids)}
    row = session.get(LocalSetting, _draft_key(visit_id))
    if row is None:
        session.add(LocalSetting(key=_draft_key(visit_id), value=value))
    else:
        row.value = value


def finding_draft(session: Session, visit_id: str) -> dict[str, Any] | None:
    """The unsaved editor contents of this visit, with the deadline back as a date."""
    row = session.get(LocalSetting, _draft_key(visit_id))
    if row is None or not isinstance(row.value, dict):
        return None
    draft: dict[str, Any] = dict(row.value)
    fields = dict(draft.get("fields") or {})
    if isinstance(fields.get("deadline"), str):
        fields["deadline"] = date.fromisoformat(fields["deadline"])
    draft["fields"] = fields
    return draft


def drop_finding_draft(session: Session, visit_id: str) -> None:
    row = session.get(LocalSetting, _draft_key(visit_id))
    if row is not None:
        session.delete(row)


def _get(session: Session, finding_id: str) -> Finding:
    finding = session.get(Finding, finding_id)
    if finding is None or finding.deleted:
        raise ValidationError(tr("找不到该问题记录。"))
    return finding
