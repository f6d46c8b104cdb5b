"""Ops and lookups the server tests share."""

from __future__ import annotations

from typing import Any

from .conftest import Device, new_id, op


def unit_op(unit_id: str, name: str = "清河市政务服务中心") -> dict[str, Any]:
    return op("unit", unit_id, {"name": name, "kind": "service_window", "deleted": False})


def visit_op(visit_id: str, unit_id: str, team: str = "一组", **extra: Any) -> dict[str, Any]:
    changed = {"kind": "unannounced", "unit_id": unit_id, "team": team, "status": "planned",
               "place": "一楼大厅", "deleted": False, **extra}
    return op("visit", visit_id, changed)


def setup_visit(device: Device, team: str = "一组", **extra: Any) -> tuple[str, str]:
    unit_id, visit_id = new_id(), new_id()
    results = device.push(unit_op(unit_id), visit_op(visit_id, unit_id, team, **extra))
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return unit_id, visit_id


def by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in records}
