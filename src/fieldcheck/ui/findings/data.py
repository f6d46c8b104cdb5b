"""Findings for the worker thread: plain rows in, plain rows out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from fieldcheck.domain import findings
from fieldcheck.domain.checklist import finding_gaps
from fieldcheck.i18n import tr
from fieldcheck.models import Photo
from fieldcheck.ui.common.labels import severity_name

if TYPE_CHECKING:
    from fieldcheck.store import Store


@dataclass(frozen=True)
class FindingRow:
    id: str
    category: str
    description: str
    legal_basis: str
    severity: str
    responsible: str
    item_key: str
    requirement: str
    deadline: date | None
    status: str
    revision: int
    photo_ids: tuple[str, ...]
    gaps: tuple[str, ...]

    @property
    def category_name(self) -> str:
        return tr(findings.category_name(self.category)) if self.category else tr("（未选类别）")

    @property
    def severity_name(self) -> str:
        return severity_name(self.severity)

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in findings.EDITABLE_FIELDS}


def load(store: Store, visit_id: str) -> list[FindingRow]:
    with store.read() as s:
        linked: dict[str, list[str]] = {}
        for photo_id, finding_id in s.execute(
            select(Photo.id, Photo.finding_id).where(
                Photo.visit_id == visit_id, Photo.deleted.is_(False), Photo.finding_id.is_not(None))
        ):
            if finding_id:
                linked.setdefault(finding_id, []).append(photo_id)
        return [
            FindingRow(f.id, f.category, f.description, f.legal_basis, f.severity, f.responsible,
                       f.item_key, f.requirement, f.deadline, f.status, f.revision,
                       tuple(linked.get(f.id, [])), tuple(finding_gaps(f)))
            for f in findings.findings_of(s, visit_id)
        ]


def keep_draft(store: Store, visit_id: str, finding_id: str | None, fields: dict[str, Any],
               photo_ids: list[str]) -> None:
    with store.write() as s:
        findings.keep_finding_draft(s, visit_id, finding_id, fields, photo_ids)


def load_draft(store: Store, visit_id: str) -> dict[str, Any] | None:
    with store.read() as s:
        return findings.finding_draft(s, visit_id)


def drop_draft(store: Store, visit_id: str) -> None:
    with store.write() as s:
        findings.drop_finding_draft(s, visit_id)


def save(store: Store, visit_id: str, finding_id: str | None, fields: dict[str, Any],
         photo_ids: list[str]) -> list[FindingRow]:
    """Record a new finding or revise one, and link its evidence photos, in one transaction;
    the unsaved-editor draft goes in the same transaction."""
    with store.write() as s:
        findings.drop_finding_draft(s, visit_id)
        if finding_id is None:
            finding = findings.record_finding(s, visit_id, **fields)
        else:
            finding = findings.revise_finding(s, finding_id, **fields)
        findings.set_evidence(s, finding.id, photo_ids)
    return load(store, visit_id)


def delete(store: Store, visit_id: str, finding_id: str) -> list[FindingRow]:
    with store.write() as s:
        findings.delete_finding(s, finding_id)
    return load(store, visit_id)
