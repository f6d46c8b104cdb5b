"""`fieldcheck demo` answers agree with themselves: no completed visit breaks a constraint."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from fieldcheck import templates as tpl
from fieldcheck.domain.checklist import answers_of, template_of
from fieldcheck.domain.demo import seed_demo
from fieldcheck.models import Visit, VisitStatus
from fieldcheck.store import open_store


def test_no_completed_demo_visit_contradicts_itself(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    with store.write() as s:
        seed_demo(s, visits=240, seed=2026)
    checked: dict[str, int] = {}
    with store.read() as s:
        done = s.scalars(select(Visit).where(Visit.status == VisitStatus.COMPLETED,
                                             Visit.template_version_id.is_not(None)))
        for visit in done:
            template, answers = template_of(s, visit), answers_of(s, visit.id)
            if not answers:
                continue
            assert tpl.constraint_violations(template, answers) == [], (template.key, answers)
            if template.key == "penalty_cases":
                assert answers["files_sampled"] <= answers["cases_total"], answers
            if template.key == "window_unannounced" and "departure_time" in answers:
                assert answers["departure_time"] > answers["arrival_time"], answers
            if any(i.constraint for i in template.items):
                checked[template.key] = checked.get(template.key, 0) + 1
    store.close()
    # The shipped templates with constraints were all drawn, several times each.
    assert set(checked) == {"penalty_cases", "approval_items", "window_unannounced"}, checked
    assert min(checked.values()) >= 5, checked
