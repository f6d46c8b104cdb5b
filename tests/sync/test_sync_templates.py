"""A template with constraints, published by the bureau, reaches a laptop and holds there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sync_helpers import Bureau

from constraint_helpers import SAMPLED_MESSAGE, SAMPLED_WITHIN_TOTAL, penalty_body
from fieldcheck.domain import checklist, visits
from fieldcheck.domain.people import add_unit
from fieldcheck.errors import ValidationError
from fieldcheck.models import TemplateVersion, Visit
from fieldcheck.server.directory import DirectoryError, publish_template_file
from fieldcheck.server.feed import get_record, record_data


def _penalty(constraint: dict[str, Any]) -> dict[str, Any]:
    return penalty_body("penalty_half_year", "涉企行政处罚案卷半年检查", constraint)


def write(path: Path, body: dict[str, Any]) -> Path:
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_a_constrained_template_publishes_and_is_enforced_on_the_laptop(
    tmp_path: Path, bureau: Bureau, make_laptop: Any
) -> None:
    laptop = make_laptop("wang", team="一组")
    good = write(tmp_path / "penalty.json", _penalty(SAMPLED_WITHIN_TOTAL))
    with bureau.app.state.database.write() as session:
        version_id = publish_template_file(session, good)
    laptop.sync()

    with laptop.store.read() as s:
        version = s.get(TemplateVersion, version_id)
        assert version is not None and version.key == "penalty_half_year"
        assert version.body["sections"][0]["items"][1]["constraint_message"] == SAMPLED_MESSAGE
    with laptop.store.write() as s:
        unit = add_unit(s, "清河市市场监督管理局", "department")
        visit_id = visits.start_new_visit(s, unit_id=unit.id, kind="project",
                                          template_version_id=version_id, team="一组").id
        checklist.answer_item(s, visit_id, "cases_total", 0)
        checklist.answer_item(s, visit_id, "files_sampled", 18)
    with laptop.store.write() as s, pytest.raises(ValidationError) as info:
        visits.finish_visit(s, visit_id)
    assert info.value.problems == [f"条目“抽查案卷数量”的答案不合理：{SAMPLED_MESSAGE}"]
    with laptop.store.write() as s:
        checklist.answer_item(s, visit_id, "cases_total", 25)
        visits.finish_visit(s, visit_id)
    report = laptop.sync()
    assert not report.rejected
    with bureau.app.state.database.read() as session:
        record = get_record(session, "visit", visit_id)
        assert record is not None and record_data(record)["status"] == "completed"
    with laptop.store.read() as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None and visit.status == "completed"


def test_the_bureau_refuses_a_malformed_constraint_naming_the_item(
    tmp_path: Path, bureau: Bureau, make_laptop: Any
) -> None:
    laptop = make_laptop("wang", team="一组")
    bad = write(tmp_path / "penalty.json", _penalty({"constraint": "value <= cases_totl"}))
    with bureau.app.state.database.write() as session, pytest.raises(DirectoryError) as info:
        publish_template_file(session, bad)
    message = str(info.value)
    assert "条目 files_sampled" in message and "cases_totl" in message
    assert "constraint_message" in message
    laptop.sync()
    with laptop.store.read() as s:
        keys = set(s.scalars(select(TemplateVersion.key)))
    assert "penalty_half_year" not in keys
