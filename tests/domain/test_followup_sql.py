"""The SQL statistics and board page say exactly what the in-memory board says."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from fieldcheck.domain import followup_sql
from fieldcheck.domain.followup_board import (
    BoardFilter,
    board,
    load_records,
    local_zone,
    statistics,
)
from fieldcheck.models.coltypes import utcnow
from fieldcheck.store import Store

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_followup.py"


@pytest.fixture
def filled(store: Store) -> Store:
    spec = importlib.util.spec_from_file_location("bench_followup_data", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module._fill(store, 3000)
    return store


@pytest.mark.parametrize("flt", [
    BoardFilter(),
    BoardFilter(date_from=date(2024, 6, 1), date_to=date(2025, 5, 31)),
    BoardFilter(category="slow", team="明查暗访组"),
    BoardFilter(only_open=True),
])
def test_sql_statistics_and_first_page_match_the_board(filled: Store, flt: BoardFilter) -> None:
    tz, now = local_zone(), utcnow()
    today = now.astimezone(tz).date()
    with filled.read() as s:
        records = load_records(s)
        sql_stats = followup_sql.statistics(s, flt)
        total, page = followup_sql.board_page(s, flt, today, 0, 50)
    stats = statistics(records, flt, tz)
    assert sql_stats.total == stats.total > 0
    assert sql_stats.by_unit == stats.by_unit
    assert sql_stats.by_category == stats.by_category
    assert sql_stats.by_visit_kind == stats.by_visit_kind
    assert sql_stats.by_month == stats.by_month
    assert sql_stats.by_status == stats.by_status
    assert (sql_stats.notified, sql_stats.verified) == (stats.notified, stats.verified)
    assert sql_stats.mean_days_to_rectify == pytest.approx(stats.mean_days_to_rectify)
    rows = board(records, flt, now, tz)
    assert total == len(rows)
    assert [r.finding_id for r in page] == [r.finding_id for r in rows[:50]]
    assert page == rows[:50]


def test_flags_from_the_flaggable_findings_equal_flags_from_all(filled: Store) -> None:
    from fieldcheck.domain.followup_board import current_flags

    tz, now = local_zone(), utcnow()
    with filled.read() as s:
        whole = load_records(s)
        few = load_records(s, flaggable_on=now.astimezone(tz).date())
    assert len(few.findings) < len(whole.findings)
    for flt in (BoardFilter(), BoardFilter(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))):
        assert current_flags(few, now, tz, flt) == current_flags(whole, now, tz, flt)
    assert any(f.reason == "repeat" for f in current_flags(few, now, tz))
