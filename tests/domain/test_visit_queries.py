"""The visit list queries: filters, Chinese substring search, paging by key."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from fieldcheck import templates as tpl
from fieldcheck.domain.changes import untracked
from fieldcheck.domain.checklist import publish_template
from fieldcheck.domain.demo import seed_demo
from fieldcheck.domain.people import add_unit
from fieldcheck.domain.queries import VisitFilter, count_visits, page_visits, planned_for_day
from fieldcheck.domain.visit_list import VisitRow
from fieldcheck.domain.visits import plan_visit, reschedule_visit, start_visit
from fieldcheck.models import Visit
from fieldcheck.store import Store, open_store

TODAY = date(2026, 11, 27)
TEMPLATE_FILE = Path(__file__).parents[1] / "data" / "test_template.json"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = open_store(Path(tmp_path_factory.mktemp("city")))
    with store.write() as s:
        seed_demo(s, visits=600, seed=11, today=TODAY)
    return store


def _all(store: Store, f: VisitFilter) -> list:  # type: ignore[type-arg]
    with store.read() as s:
        return page_visits(s, f, 0, 10_000)


def test_filters_narrow_and_agree_with_count(city: Store) -> None:
    everything = _all(city, VisitFilter())
    assert len(everything) == 600
    for f, check in (
        (VisitFilter(status="completed"), lambda r: r.status == "completed"),
        (VisitFilter(kind="unannounced"), lambda r: r.kind == "unannounced"),
        (VisitFilter(status="planned", kind="project"), lambda r: r.status == "planned" and r.kind == "project"),
    ):
        rows = _all(city, f)
        assert rows and all(check(r) for r in rows)
        assert len(rows) == sum(1 for r in everything if check(r))
        with city.read() as s:
            assert count_visits(s, f) == len(rows)


def test_unit_and_date_range(city: Store) -> None:
    some = _all(city, VisitFilter())[0]
    with city.read() as s:
        unit_id = s.execute(
            __import__("sqlalchemy").text("select unit_id from visits where id = :i"), {"i": some.id}
        ).scalar()
    rows = _all(city, VisitFilter(unit_id=unit_id))
    assert rows and {r.unit_name for r in rows} == {some.unit_name}
    start, end = TODAY - timedelta(days=30), TODAY - timedelta(days=1)
    ranged = _all(city, VisitFilter(date_from=start, date_to=end))
    assert ranged and all(start <= r.planned_for <= end for r in ranged)


def test_chinese_substring_search_over_units_and_findings(city: Store) -> None:
    by_unit = _all(city, VisitFilter(text="不动产"))
    assert by_unit and all("不动产" in r.unit_name for r in by_unit)
    by_finding = _all(city, VisitFilter(text="窗口无人"))
    assert by_finding and all(r.finding_count > 0 for r in by_finding)
    assert _all(city, VisitFilter(text="完全不存在的词语")) == []
    assert _all(city, VisitFilter(text="%")) == []  # no wildcard meaning


def test_keyset_pages_match_offset_pages(city: Store) -> None:
    f = VisitFilter(status="completed")
    with city.read() as s:
        first = page_visits(s, f, 0, 50)
        by_key = page_visits(s, f, 0, 50, after_id=first[-1].id)
        by_offset = page_visits(s, f, 50, 50)
    assert [r.id for r in by_key] == [r.id for r in by_offset]
    keys = [(_day(r), r.id) for r in first + by_key]
    assert keys == sorted(keys, reverse=True)


def _day(row: VisitRow) -> date:
    """The day the list dates a visit by: its plan's, else its start's on the laptop's calendar."""
    if row.planned_for is not None:
        return row.planned_for
    assert row.started_at is not None
    return row.started_at.astimezone().date()


def test_the_list_runs_by_day_newest_first_whatever_order_the_visits_were_made_in(city: Store) -> None:
    rows = _all(city, VisitFilter())
    keys = [(_day(r), r.id) for r in rows]
    assert keys == sorted(keys, reverse=True)
    # The demo makes its visits out of date order (as plans made ahead and synced visits are):
    # creation order alone would not be date order.
    assert [r.id for r in rows] != sorted((r.id for r in rows), reverse=True)
    with city.read() as s:  # paging by key walks the same order, a day's visits not split or repeated
        paged, after = [], None
        while page := page_visits(s, VisitFilter(), 0, 37, after_id=after):
            paged += page
            after = page[-1].id
    assert [r.id for r in paged] == [r.id for r in rows]


def test_a_visit_started_before_eight_in_beijing_is_listed_on_its_local_day(
        in_beijing: None, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    with store.write() as s:
        template = publish_template(s, tpl.load_template(TEMPLATE_FILE)).id
        unit = add_unit(s, "清河市行政审批局", "department").id
        early = plan_visit(s, unit_id=unit, kind="open", template_version_id=template)
        start_visit(s, early.id, at=datetime(2026, 11, 26, 23, 30, tzinfo=UTC))  # 27日 07:30 北京
        planned = plan_visit(s, unit_id=unit, kind="open", template_version_id=template,
                             planned_for=date(2026, 11, 26))
        early_id, planned_id = early.id, planned.id
    on_27 = _all(store, VisitFilter(date_from=date(2026, 11, 27), date_to=date(2026, 11, 27)))
    on_26 = _all(store, VisitFilter(date_from=date(2026, 11, 26), date_to=date(2026, 11, 26)))
    assert [r.id for r in on_27] == [early_id] and [r.id for r in on_26] == [planned_id]
    assert [r.id for r in _all(store, VisitFilter())] == [early_id, planned_id]  # 27日 above 26日
    with store.write() as s, untracked(s):  # a new plan day pulled from the bureau moves it
        update = s.get(Visit, planned_id)
        assert update is not None
        update.planned_for = date(2026, 11, 30)
    assert [r.id for r in _all(store, VisitFilter())] == [planned_id, early_id]
    store.close()


def test_todays_plan(city: Store) -> None:
    with city.read() as s:
        plan = planned_for_day(s, TODAY)
    assert plan and all(r.planned_for == TODAY and r.status == "planned" for r in plan)


def test_only_a_plan_not_yet_started_moves_to_today_or_later_with_a_reason(tmp_path: Path) -> None:
    from fieldcheck.errors import ValidationError

    store = open_store(tmp_path)
    today = date(2026, 12, 2)
    with store.write() as s:
        template = publish_template(s, tpl.load_template(TEMPLATE_FILE)).id
        unit = add_unit(s, "清河市行政审批局", "department").id
        plan = plan_visit(s, unit_id=unit, kind="open", template_version_id=template, planned_for=today)
        for day, reason, says in ((today + timedelta(days=1), " ", "请填写改期的理由"),
                                  (today - timedelta(days=1), "单位停电", "不能早于今天（2026-12-02）"),
                                  (today, "单位停电", "与原来的相同")):
            with pytest.raises(ValidationError, match=says):
                reschedule_visit(s, plan.id, day, reason, today=today)
        reschedule_visit(s, plan.id, today + timedelta(days=7), "单位停电", today=today)
        start_visit(s, plan.id)
        with pytest.raises(ValidationError, match="只有尚未开始的计划检查可以改期"):
            reschedule_visit(s, plan.id, today + timedelta(days=9), "又改", today=today)
        assert s.get(Visit, plan.id).planned_for == today + timedelta(days=7)  # type: ignore[union-attr]
    store.close()
