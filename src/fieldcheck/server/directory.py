"""What the bureau publishes to every device: template versions, inspectors, the unit
directory, and plans it makes itself. Written at feed versions like any pushed record."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck import templates as tpl
from fieldcheck.domain.checklist import SHIPPED_AT, template_version_id
from fieldcheck.i18n import tr
from fieldcheck.ids import uuid7
from fieldcheck.models import UnitKind
from fieldcheck.server.feed import (
    DIRECTORY_PLACEMENT,
    Placement,
    get_record,
    lock_feed,
    record_data,
    wire_time,
    write_record,
)
from fieldcheck.server.records import derived_id, new_record_data
from fieldcheck.server.tables import Record
from fieldcheck.sync.entities import check_value

# The account roles, as the laptop's inspector records name them.
INSPECTOR_ROLES = {
    "inspector": "inspector", "leader": "team_leader", "supervisor": "supervisor", "admin": "admin",
}
UNIT_COLUMNS = ("name", "kind", "code", "address", "contact", "phone", "parent")


class DirectoryError(ValueError):
    """Input the bureau's directory refuses (a bad template or unit row)."""


def publish_template(session: Session, template: tpl.Template, published_at: str) -> bool:
    """Publish one template version under the id laptops give it; False if already there."""
    version_id = template_version_id(template.key, template.version)
    if get_record(session, "template_version", version_id) is not None:
        return False
    lock_feed(session)
    data = {
        "id": version_id, "created_at": published_at, "deleted": False, "key": template.key,
        "version": template.version, "title": template.title, "body": dict(template.raw),
        "published_at": published_at,
    }
    write_record(session, "template_version", version_id, data, DIRECTORY_PLACEMENT)
    return True


def publish_shipped_templates(session: Session) -> int:
    when = wire_time(SHIPPED_AT)
    return sum(publish_template(session, t, when) for t in tpl.load_shipped_templates())


def publish_template_file(session: Session, path: Path) -> str:
    try:
        template = tpl.load_template(path)
    except tpl.MalformedTemplateError as error:
        raise DirectoryError("；".join(error.problems)) from error
    version_id = template_version_id(template.key, template.version)
    if not publish_template(session, template, wire_time()):
        raise DirectoryError(tr("模板 {key} 第 {version} 版已发布过，已发布的版本不能修改。",
                                key=template.key, version=template.version))
    return version_id


def put_inspector(
    session: Session, inspector_id: str, *, name: str, credential_no: str, team: str, role: str
) -> None:
    lock_feed(session)
    existing = get_record(session, "inspector", inspector_id)
    base = record_data(existing) if existing else {"created_at": wire_time(), "deleted": False}
    data = {
        **base, "id": inspector_id, "name": name, "credential_no": credential_no, "team": team,
        "role": INSPECTOR_ROLES[role],
    }
    write_record(session, "inspector", inspector_id, data, DIRECTORY_PLACEMENT)


@dataclass(frozen=True)
class UnitImport:
    created: int
    updated: int


def import_units(session: Session, path: Path) -> UnitImport:
    """Upsert units from a CSV (name,kind,code,address,contact,phone,parent); a unit is known
    by its code (统一社会信用代码) when it has one, else by its name; `parent` names another
    unit by code or name."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    known = _units_by_key(session)
    created = updated = 0
    lock_feed(session)
    pending_parents: list[tuple[str, str]] = []
    for line, row in enumerate(rows, start=2):
        fields = _unit_fields(row, line)
        key = _unit_key(fields)
        unit_id = known.get(key) or derived_id("unit", key)
        existing = get_record(session, "unit", unit_id)
        base = record_data(existing) if existing else new_record_data("unit", {})[0]
        data = {**base, **fields, "id": unit_id}
        if existing is None:
            data["created_at"] = wire_time()
            created += 1
        elif any(base.get(k) != v for k, v in fields.items()):
            updated += 1
        else:
            continue
        write_record(session, "unit", unit_id, data, DIRECTORY_PLACEMENT)
        known[key] = unit_id
        known.setdefault(f"name:{fields['name']}", unit_id)
        if (row.get("parent") or "").strip():
            pending_parents.append((unit_id, row["parent"].strip()))
    for unit_id, parent in pending_parents:
        parent_id = known.get(f"code:{parent}") or known.get(f"name:{parent}")
        if parent_id is None:
            raise DirectoryError(tr("找不到上级单位：{parent}", parent=parent))
        record = get_record(session, "unit", unit_id)
        assert record is not None
        write_record(session, "unit", unit_id, {**record_data(record), "parent_id": parent_id},
                     DIRECTORY_PLACEMENT)
    return UnitImport(created, updated)


def _unit_fields(row: dict[str, Any], line: int) -> dict[str, Any]:
    fields = {k: str(row.get(k) or "").strip() for k in UNIT_COLUMNS if k != "parent"}
    if not fields["name"]:
        raise DirectoryError(tr("第 {line} 行缺少单位名称。", line=line))
    if fields["kind"] not in set(UnitKind):
        raise DirectoryError(tr("第 {line} 行的单位类型“{kind}”未知。", line=line, kind=fields["kind"]))
    for name, value in fields.items():
        problem = check_value("unit", name, value)
        if problem:
            raise DirectoryError(tr("第 {line} 行：{problem}", line=line, problem=problem))
    return fields


def _unit_key(fields: dict[str, Any]) -> str:
    return f"code:{fields['code']}" if fields["code"] else f"name:{fields['name']}"


def _units_by_key(session: Session) -> dict[str, str]:
    known: dict[str, str] = {}
    for record in session.scalars(select(Record).where(Record.entity == "unit")):
        data = record_data(record)
        if data.get("code"):
            known.setdefault(f"code:{data['code']}", record.id)
        known.setdefault(f"name:{data.get('name')}", record.id)
    return known


def plan_visit(
    session: Session, *, unit_id: str, team: str, kind: str, planned_for: str,
    confidential: bool, title: str = "", template_version_id: str | None = None,
) -> str:
    """A visit planned by the bureau for a team (status planned)."""
    if get_record(session, "unit", unit_id) is None:
        raise DirectoryError(tr("找不到被检查单位：{unit}", unit=unit_id))
    visit_id = uuid7()
    data, missing = new_record_data("visit", {
        "kind": kind, "unit_id": unit_id, "team": team, "planned_for": planned_for,
        "confidential": confidential, "title": title, "status": "planned",
        "template_version_id": template_version_id,
    })
    for name, value in data.items():
        problem = None if name == "id" else check_value("visit", name, value)
        if problem:
            raise DirectoryError(problem)
    if missing:
        raise DirectoryError(tr("缺少字段：{fields}", fields="、".join(missing)))
    lock_feed(session)
    write_record(session, "visit", visit_id, data, Placement(team, confidential, visit_id))
    return visit_id
