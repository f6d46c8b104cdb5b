"""The one route of the board, the statistics and the flags (followup_sql): the numbers of a
hand-built history, the running counts against a count of the rows, and the flags against the
rules that read every record."""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, update

from fieldcheck.domain import followup_sql
from fieldcheck.domain.changes import untracked
from fieldcheck.domain.followup_board import BoardFilter, current_flags, load_records, local_zone
from fieldcheck.domain.visits import KIND_NAMES
from fieldcheck.models import Finding, FollowupEvent, Notice, Unit, Visit, VisitKind
from fieldcheck.models.coltypes import utcnow
from fieldcheck.store import Store, open_store

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_followup.py"
EVERYTHING = BoardFilter(date_from=date(1900, 1, 2))  # admits all; its board is read with the filter


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _unit(s, uid: str, name: str, predecessors: tuple[str, ...] = ()) -> None:  # type: ignore[no-untyped-def]
    t = _at("2026-01-01T00:00")
    s.execute(insert(Unit), [{"id": uid, "created_at": t, "updated_at": t, "deleted": False, "name": name,
                              "kind": "department", "code": "", "address": "", "contact": "", "phone": "",
                              "predecessor_ids": list(predecessors)}])


def _visit(s, vid: str, uid: str, kind: str, started: str, team: str = "效能监察一组") -> None:  # type: ignore[no-untyped-def]
    t = _at(started)
    s.execute(insert(Visit), [{"id": vid, "created_at": t, "updated_at": t, "deleted": False, "kind": kind,
                               "unit_id": uid, "template_version_id": None, "team": team, "member_ids": [],
                               "planned_for": t.date(), "started_at": t, "ended_at": t, "place": "",
                               "status": "completed", "confidential": False, "title": "", "search_text": "",
                               "cancel_reason": "", "reopen_reason": ""}])


def _finding(s, fid: str, vid: str, uid: str, category: str, status: str, deadline: date | None = None,  # type: ignore[no-untyped-def]
             notified: str | None = None, rectified: str | None = None, deleted: bool = False) -> None:
    t = _at("2026-09-01T00:00")
    s.execute(insert(Finding), [{
        "id": fid, "created_at": t, "updated_at": t, "deleted": deleted, "visit_id": vid, "unit_id": uid,
        "category": category, "description": f"问题{fid}", "legal_basis": "", "severity": "minor",
        "responsible": "", "item_key": "", "requirement": "立即整改", "deadline": deadline, "status": status,
        "revision": 1, "notified_at": _at(notified) if notified else None,
        "rectified_at": _at(rectified) if rectified else None, "verified_at": None}])


@pytest.fixture
def history(store: Store, in_beijing: None) -> Store:
    """Two units; a visit begun at 00:30 on 1 October Beijing time (still 30 September in UTC);
    four live findings and a deleted one."""
    with store.write() as s, untracked(s):
        _unit(s, "A", "甲局")
        _unit(s, "B", "乙局")
        _visit(s, "v1", "A", "open", "2026-09-30T16:30")
        _visit(s, "v2", "B", "unannounced", "2026-10-15T02:00", team="明查暗访组")
        _visit(s, "v3", "A", "project", "2026-11-02T01:00")
        _finding(s, "f1", "v1", "A", "overtime", "verified", date(2026, 10, 9),
                 notified="2026-10-02T00:00", rectified="2026-10-07T00:00")
        _finding(s, "f2", "v1", "A", "discipline", "notified", date(2026, 10, 20), notified="2026-10-02T00:00")
        _finding(s, "f3", "v2", "B", "overtime", "open")
        _finding(s, "f4", "v3", "A", "slow", "rectified", date(2026, 11, 10),
                 notified="2026-11-03T00:00", rectified="2026-11-05T12:00")
        _finding(s, "f5", "v3", "A", "slow", "notified", date(2026, 11, 4), deleted=True)
    return store


TODAY = date(2026, 11, 1)


def test_numbers_of_a_hand_built_history_by_the_running_counts_and_by_the_rows(history: Store) -> None:
    with history.read() as s:
        for flt, from_rows in ((BoardFilter(), False), (EVERYTHING, True)):
            st = followup_sql.statistics(s, flt, TODAY, from_rows=from_rows)
            assert st.total == 4
            assert st.by_month == [("2026-10", 3), ("2026-11", 1)]  # 00:30 on 1 October counts in October
            assert st.by_unit == [("甲局", 3), ("乙局", 1)]
            assert st.by_category == [("超时限办理", 2), ("工作纪律作风", 1), ("慢作为", 1)]
            assert dict(st.by_status) == {"已复查销号": 1, "已通知": 1, "待通知": 1, "已整改待复查": 1}
            assert st.by_visit_kind[0] == (KIND_NAMES[VisitKind.OPEN], 2) and len(st.by_visit_kind) == 3
            assert (st.notified, st.verified) == (3, 1)
            assert st.rectification_rate == pytest.approx(1 / 3)
            assert st.mean_days_to_rectify == pytest.approx((5 + 2.5) / 2)
            assert st.overdue == 1  # f2: notified, deadline 20 October; f4's runs to 10 November
            total, rows = followup_sql.board_page(s, flt, TODAY, 0, None)
            assert total == 4
            # Overdue first, then by deadline (the open one has none: last), verified at the end.
            assert [r.finding_id for r in rows] == ["f2", "f4", "f3", "f1"]
            assert rows[0].state.overdue and rows[0].state.days_overdue == 12
            assert rows[0].found_on == date(2026, 10, 1)
            # Paging walks the same order across the tiers.
            assert [r.finding_id for r in followup_sql.board_page(s, flt, TODAY, 1, 2)[1]] == ["f4", "f3"]
            assert [r.finding_id for r in followup_sql.board_page(s, flt, TODAY, 3, 5)[1]] == ["f1"]
        september = BoardFilter(date_to=date(2026, 9, 30))
        assert followup_sql.statistics(s, september, TODAY).total == 0
        assert followup_sql.board_page(s, BoardFilter(team="明查暗访组"), TODAY, 0, None)[0] == 1
        only_open = followup_sql.statistics(s, BoardFilter(only_open=True), TODAY)
        assert only_open.total == 3 and only_open.verified == 0
        flags = followup_sql.flag_summaries(s, BoardFilter(), datetime(2026, 11, 1, 4, tzinfo=UTC), local_zone())
    assert [(f.unit_id, f.reason, f.findings) for f in flags] == [("A", "overdue", 1)]


def test_the_running_counts_follow_every_change(history: Store) -> None:
    """Status moves, a deletion, a visit's start moved, a finding recategorised: the counts kept
    by the store say what counting the rows says."""
    def same() -> None:
        with history.read() as s:
            kept = followup_sql.statistics(s, BoardFilter(), TODAY)
            counted = followup_sql.statistics(s, BoardFilter(), TODAY, from_rows=True)
            assert kept == counted
            assert followup_sql.board_page(s, BoardFilter(), TODAY, 0, None) == \
                followup_sql.board_page(s, EVERYTHING, TODAY, 0, None)

    same()
    with history.write() as s, untracked(s):
        s.execute(update(Finding).where(Finding.id == "f2").values(status="verified", rectified_at=_at("2026-10-10T00:00")))
    same()
    with history.write() as s, untracked(s):
        s.execute(update(Finding).where(Finding.id == "f3").values(deleted=True))
        s.execute(update(Finding).where(Finding.id == "f4").values(category="discipline"))
        s.execute(update(Visit).where(Visit.id == "v1").values(started_at=_at("2026-12-05T02:00")))
    same()
    with history.read() as s:
        st = followup_sql.statistics(s, BoardFilter(), TODAY)
    assert st.total == 3 and dict(st.by_month) == {"2026-11": 1, "2026-12": 2}
    with history.write() as s, untracked(s):
        s.execute(update(Visit).where(Visit.id == "v3").values(deleted=True))
    same()
    with history.read() as s:
        assert followup_sql.statistics(s, BoardFilter(), TODAY).total == 2


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
def test_counts_and_flags_from_aggregates_are_those_of_the_rows_and_rules(filled: Store, flt: BoardFilter) -> None:
    tz, now = local_zone(), utcnow()
    with filled.read() as s:
        whole = current_flags(load_records(s), now, tz, flt)
        summaries = followup_sql.flag_summaries(s, flt, now, tz)
        # The running counts (and, for a period, its whole months) say what counting rows says.
        assert followup_sql.statistics(s, flt, now.astimezone(tz).date()) == \
            followup_sql.statistics(s, flt, now.astimezone(tz).date(), from_rows=True)
    assert [(f.unit_id, f.reason, f.category) for f in summaries] == \
        [(f.unit_id, f.reason, f.category) for f in whole]
    assert any(f.reason == "repeat" for f in whole) and any(f.reason == "overdue" for f in whole)
    for summary, flag in zip(summaries, whole, strict=True):
        if flag.reason == "overdue":
            assert summary.findings == len(flag.evidence.findings)
        else:
            assert summary.circulars == flag.evidence.circulars
    with filled.read() as s:  # and the evidence read for one flag is the rules' own
        for flag in whole[:3] + whole[-3:]:
            found = followup_sql.flag_evidence(s, (flag.unit_id, flag.reason, flag.category), now, tz, flt)
            assert found is not None and found[0] == flag


def test_a_store_of_the_previous_revision_gets_its_counts_on_upgrade(tmp_path: Path) -> None:
    old = open_store(tmp_path, migrate_to="0005_followup")
    with old.write() as s, untracked(s):
        _unit(s, "A", "甲局")
        _visit(s, "v1", "A", "open", "2026-10-08T02:00")
        _finding(s, "f1", "v1", "A", "overtime", "notified", date(2026, 10, 20), notified="2026-10-09T00:00")
        _finding(s, "f2", "v1", "A", "slow", "open")
        t = _at("2026-10-28T00:00")
        s.execute(insert(Notice), [{"id": "c1", "created_at": t, "updated_at": t, "deleted": False,
                                    "type": "circular", "visit_id": None, "unit_id": None, "status": "issued",
                                    "number": "清监通〔2026〕1号", "number_year": 2026, "number_seq": 1,
                                    "content": {}, "pdf_sha256": "", "issued_at": t, "issued_by": "",
                                    "supersedes_id": None, "void_reason": "", "correction_reason": "",
                                    "voided_at": None}])
        s.execute(insert(FollowupEvent), [{"id": "e1", "created_at": t, "updated_at": t, "deleted": False,
                                           "finding_id": "f1", "visit_id": "v1", "kind": "circulated", "at": t,
                                           "status_from": "", "status_to": "", "notice_id": "c1",
                                           "deadline": None, "previous_deadline": None, "outcome": "",
                                           "reason": "", "files": [], "photo_ids": [],
                                           "reinspection_visit_id": None, "recorded_by": ""}])
    old.close()
    store = open_store(tmp_path)
    try:
        with store.read() as s:
            st = followup_sql.statistics(s, BoardFilter(), TODAY)
            assert st.total == 2 and st.notified == 1 and st.overdue == 1
            assert st.by_month == [("2026-10", 2)]
            assert st == followup_sql.statistics(s, BoardFilter(), TODAY, from_rows=True)
            named = s.connection().exec_driver_sql("SELECT notice_id, unit_id, category, n FROM followup_circulated").all()
            triggers = {n for (n,) in s.connection().exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'").all()}
    finally:
        store.close()
    assert named == [("c1", "A", "overtime", 1)]
    assert {"findings_derive_insert", "findings_tally_update", "visits_derive_findings",
            "events_circulated_insert", "findings_circulated_update"} <= triggers


@pytest.mark.parametrize(("first", "last"), [
    (date(2026, 10, 1), date(2026, 10, 31)),  # a whole month: the tally alone
    (date(2026, 9, 15), date(2026, 11, 3)),  # partial months at both ends
    (date(2026, 10, 2), date(2026, 10, 30)),  # inside one month
    (date(2026, 10, 1), date(2026, 11, 1)),
    (None, date(2026, 10, 31)),
    (date(2026, 11, 1), None),
])
def test_a_period_summed_from_whole_months_and_counted_at_its_ends_agrees(
        history: Store, first: date | None, last: date | None) -> None:
    period = BoardFilter(date_from=first, date_to=last)
    with history.read() as s:
        by_months = followup_sql.statistics(s, period, TODAY)
        assert by_months == followup_sql.statistics(s, period, TODAY, from_rows=True)
        _n, rows = followup_sql.board_page(s, period, TODAY, 0, None)
    counted = list(rows)
    assert by_months.total == len(counted)
    assert sum(n for _m, n in by_months.by_month) == len(counted)
    assert by_months.notified == sum(1 for r in counted if r.status != "open")
