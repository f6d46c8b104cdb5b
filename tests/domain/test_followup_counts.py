"""The report from plain facts (followup_counts, reports.report_of_records: the server's route)
says what the laptop's SQL says (build_report) on the same store, key for key, row for row."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from fieldcheck.domain.changes import untracked
from fieldcheck.domain.followup_board import load_records, local_zone
from fieldcheck.domain.reports import (
    PeriodError,
    build_report,
    report_day,
    report_json,
    report_of_records,
    report_period,
)
from fieldcheck.models import Finding, FollowupEvent, Notice, Unit, Visit
from fieldcheck.store import Store

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_followup.py"
NOW = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def varied(store: Store, in_beijing: None) -> Store:
    """Three years of findings, notices and monthly circulars (the benchmark's), then what a
    real history also holds: deleted findings and a deleted visit, a voided 整改通知书, a
    circular left a draft and one deleted, times to the microsecond, a merged unit, two units of
    one name, a unit missing, findings circulated at one moment."""
    spec = importlib.util.spec_from_file_location("bench_followup_data", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module._fill(store, 3000)
    with store.write() as s, untracked(s):
        finding_ids = list(s.scalars(select(Finding.id).order_by(Finding.id)))
        s.execute(update(Finding).where(Finding.id.in_(finding_ids[:40])).values(deleted=True))
        visit_ids = list(s.scalars(select(Visit.id).order_by(Visit.id)))
        s.execute(update(Visit).where(Visit.id.in_(visit_ids[:5])).values(deleted=True))
        rectification = s.scalars(select(Notice.id).where(Notice.type == "rectification")
                                  .order_by(Notice.id)).first()
        s.execute(update(Notice).where(Notice.id == rectification).values(status="voided"))
        circulars = list(s.scalars(select(Notice.id).where(Notice.type == "circular")
                                   .order_by(Notice.issued_at)))
        s.execute(update(Notice).where(Notice.id == circulars[3]).values(status="draft", number=None))
        s.execute(update(Notice).where(Notice.id == circulars[7]).values(deleted=True))
        for n, fid in enumerate(finding_ids[100:400]):
            odd = timedelta(microseconds=137 * n + 499)
            f = s.get(Finding, fid)
            assert f is not None
            if f.notified_at is not None:
                f.notified_at += odd
            if f.rectified_at is not None:
                f.rectified_at += odd * 3
        # A unit named in circular 10 for a category takes over the duties of another unit
        # named in circular 9 for the same category (the repeat rule follows the lineage).
        named = [{(u, c) for u, c in s.execute(
            select(Finding.unit_id, Finding.category).join(FollowupEvent, FollowupEvent.finding_id == Finding.id)
            .where(FollowupEvent.kind == "circulated", FollowupEvent.notice_id == circulars[k]))}
            for k in (9, 10)]
        successor, predecessor = next((later, earlier) for later, c in sorted(named[1])
                                      for earlier, c2 in sorted(named[0]) if c2 == c and earlier != later)
        unit = s.get(Unit, successor)
        assert unit is not None
        unit.predecessor_ids = [predecessor]
        # Two circulars name every finding of one unit, each at one moment: a flag's findings
        # tie on time, across the batches its evidence is read in.
        busiest = s.scalars(select(Finding.unit_id).group_by(Finding.unit_id)
                            .order_by(func.count().desc(), Finding.unit_id)).first()
        for k in (12, 13):
            circular = s.get(Notice, circulars[k])
            assert circular is not None and circular.issued_at is not None
            at = circular.issued_at
            s.add_all(FollowupEvent(id=str(uuid.uuid4()), created_at=at, updated_at=at, finding_id=fid,
                                    visit_id=vid, kind="circulated", at=at, notice_id=circular.id)
                      for fid, vid in s.execute(select(Finding.id, Finding.visit_id)
                                                .where(Finding.unit_id == busiest)))
        units = list(s.scalars(select(Unit).order_by(Unit.id)))
        units[3].name = units[4].name
        gone = units[5].id
    # A unit the directory lost (a laptop may pull a visit before its unit): foreign keys are
    # off on this second connection only, as they are while a pulled page is applied.
    raw = sqlite3.connect(store.path, isolation_level=None)
    try:
        raw.execute("DELETE FROM units WHERE id = ?", (gone,))
    finally:
        raw.close()
    return store


def _both(store: Store, first: date, last: date) -> tuple[Any, Any]:
    tz = local_zone()
    with store.read() as s:
        by_sql = build_report(s, first, last, NOW, tz)
        by_facts = report_of_records(load_records(s), first, last, NOW, tz)
    return by_sql, by_facts


@pytest.mark.parametrize(("first", "last"), [
    (date(2023, 1, 1), date(2027, 12, 31)),  # everything, judged now
    (date(2024, 6, 1), date(2025, 5, 31)),  # a year across two, judged at its end
    (date(2025, 2, 14), date(2025, 3, 3)),  # parts of months
    (date(2030, 1, 1), date(2030, 3, 31)),  # nothing found yet
])
def test_the_report_from_facts_is_the_report_from_sql(varied: Store, first: date, last: date) -> None:
    by_sql, by_facts = _both(varied, first, last)
    assert by_facts.as_of == by_sql.as_of
    assert by_facts.stats == by_sql.stats
    assert by_facts.rows == by_sql.rows
    assert by_facts.flags == by_sql.flags
    assert json.dumps(report_json(by_facts), ensure_ascii=False) == \
        json.dumps(report_json(by_sql), ensure_ascii=False)


def test_the_varied_history_exercises_what_it_claims(varied: Store) -> None:
    """Else the comparison above could pass on a history that never reaches the cases."""
    by_sql, _ = _both(varied, date(2023, 1, 1), date(2027, 12, 31))
    data = report_json(by_sql)
    assert data["repeat_offenders"] and data["overdue"] and data["overdue_units"]
    assert by_sql.stats.mean_days_to_rectify is not None
    assert any(r.unit_name == "" for r in by_sql.rows)  # the unit the directory lost
    assert any(len(f.units_in_evidence) > 1 for f in by_sql.flags)  # through a merged unit
    assert len({r.unit_name for r in by_sql.rows}) < len({r.unit_id for r in by_sql.rows})
    assert any(len(f.evidence.findings) > 2 for f in by_sql.flags if f.reason == "repeat")


def test_a_period_is_written_as_days_within_reason() -> None:
    assert report_period(report_day("2026-10-01"), report_day(" 2026-12-31")) == \
        (date(2026, 10, 1), date(2026, 12, 31))
    for text in ("2026-13-01", "yesterday", "", "9999-12-31", "0001-01-01"):
        with pytest.raises(PeriodError, match=text.strip() or "2026-10-01"):
            report_day(text)
    with pytest.raises(PeriodError, match="晚于"):
        report_period(date(2026, 12, 31), date(2026, 10, 1))
