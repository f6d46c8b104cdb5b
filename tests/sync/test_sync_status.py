"""What the app shows about sync, Qt-free: the schedule, the status, team plans and
confidential plans kept out of lists and search until the visit starts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sync_helpers import Laptop

from fieldcheck.domain import checklist, queries
from fieldcheck.domain.people import add_unit
from fieldcheck.domain.planning import TeamPlan, known_teams, plan_for_team, planner_role
from fieldcheck.domain.visits import start_visit
from fieldcheck.errors import ValidationError
from fieldcheck.models import Visit
from fieldcheck.sync.status import (
    Schedule,
    read_status,
    record_revoked,
    record_success,
    sync_due,
)

S = Schedule(every=300, settle=8, retry_after_failure=60)


def test_sync_is_due_at_start_every_few_minutes_and_after_edits_settle() -> None:
    assert sync_due(now=0, last_attempt=None, last_failed=False, changed_at=None, has_pending=False, schedule=S)
    assert not sync_due(now=100, last_attempt=50, last_failed=False, changed_at=None, has_pending=False, schedule=S)
    assert sync_due(now=351, last_attempt=50, last_failed=False, changed_at=None, has_pending=False, schedule=S)
    # an edit after the last sync: not while typing goes on, then once it has settled
    assert not sync_due(now=105, last_attempt=50, last_failed=False, changed_at=100, has_pending=True, schedule=S)
    assert sync_due(now=109, last_attempt=50, last_failed=False, changed_at=100, has_pending=True, schedule=S)
    # after a failure, edits do not retry sooner than retry_after_failure
    assert not sync_due(now=109, last_attempt=80, last_failed=True, changed_at=100, has_pending=True, schedule=S)
    assert sync_due(now=141, last_attempt=80, last_failed=True, changed_at=100, has_pending=True, schedule=S)


def test_status_counts_waiting_changes_and_remembers_success_and_revocation(make_laptop) -> None:  # type: ignore[no-untyped-def]
    laptop: Laptop = make_laptop("wang", team="一组")
    with laptop.store.read() as s:
        before = read_status(s)
    assert before.enrolled and before.role == "inspector" and before.team == "一组"
    assert not before.can_plan and before.last_ok_at is None and not before.revoked
    with laptop.store.write() as s:
        add_unit(s, "市政务服务中心", "service_window")
    with laptop.store.read() as s:
        after = read_status(s)
    assert after.pending == before.pending + 1 and after.last_change > before.last_change
    record_revoked(laptop.store)
    with laptop.store.read() as s:
        assert read_status(s).revoked
    record_success(laptop.store)
    with laptop.store.read() as s:
        status = read_status(s)
    assert not status.revoked and status.last_ok_at is not None


def _plan(laptop: Laptop, team: str, confidential: bool, unit: str = "市不动产登记中心") -> str:
    with laptop.store.write() as s:
        unit_id = add_unit(s, unit, "service_window").id
        version = checklist.latest_template_versions(s)[0]
        return plan_for_team(s, TeamPlan(unit_id, "unannounced", version.id, date.today(), team,
                                         confidential)).id


def test_a_supervisors_confidential_plan_reaches_only_its_team_with_the_unit_hidden(make_laptop) -> None:  # type: ignore[no-untyped-def]
    boss: Laptop = make_laptop("zhao", role="supervisor", team="效能室")
    a: Laptop = make_laptop("wang", team="一组")
    b: Laptop = make_laptop("li", team="二组")
    boss.sync()  # the bureau's inspector directory names the teams
    with boss.store.read() as s:
        assert planner_role(s) == "supervisor"
        assert {"一组", "二组", "效能室"} <= set(known_teams(s))
    visit_id = _plan(boss, "一组", confidential=True)
    with boss.store.read() as s:
        assert s.get(Visit, visit_id).lead_inspector_id is None
    boss.sync()
    a.sync()
    b.sync()
    with b.store.read() as s:
        assert s.get(Visit, visit_id) is None
    with a.store.read() as s:
        plan = queries.planned_for_day(s, date.today())
        assert [r.id for r in plan] == [visit_id]
        assert plan[0].unit_name == "保密单位（开始检查后显示）"
        assert queries.count_visits(s, queries.VisitFilter(text="不动产")) == 0
    with a.store.write() as s:
        start_visit(s, visit_id)
    with a.store.read() as s:
        row = queries.page_visits(s, queries.VisitFilter(text="不动产"), 0, 10)
        assert [r.unit_name for r in row] == ["市不动产登记中心"]


def test_only_planners_plan_and_a_leader_only_for_the_own_team(make_laptop) -> None:  # type: ignore[no-untyped-def]
    inspector: Laptop = make_laptop("wang", team="一组")
    leader: Laptop = make_laptop("sun", role="leader", team="二组")
    with pytest.raises(ValidationError) as refused:
        _plan(inspector, "一组", confidential=False)
    assert any("组长" in p for p in refused.value.problems)
    with leader.store.read() as s:
        assert known_teams(s) == ["二组"]
    with pytest.raises(ValidationError):
        _plan(leader, "一组", confidential=False)
    visit_id = _plan(leader, "二组", confidential=False)
    with leader.store.write() as s:
        version = checklist.latest_template_versions(s)[0]
        with pytest.raises(ValidationError):
            plan_for_team(s, TeamPlan("", "open", version.id, date.today() - timedelta(days=1), "二组", False))
    leader.sync()
    with leader.store.read() as s:
        assert s.get(Visit, visit_id).team == "二组"
