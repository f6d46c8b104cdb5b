"""The visit list queries: filters, Chinese substring search, paging by key."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from fieldcheck.domain.demo import seed_demo
from fieldcheck.domain.queries import VisitFilter, count_visits, page_visits, planned_for_day
from fieldcheck.store import Store, open_store

TODAY = date(2026, 11, 27)


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
    assert [r.id for r in first + by_key] == sorted((r.id for r in first + by_key), reverse=True)


def test_todays_plan(city: Store) -> None:
    with city.read() as s:
        plan = planned_for_day(s, TODAY)
    assert plan and all(r.planned_for == TODAY and r.status == "planned" for r in plan)
