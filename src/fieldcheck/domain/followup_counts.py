"""The board and its statistics counted from the rules' plain facts (followup_board.Records).

The laptop counts them in SQL over its own tables (followup_sql: running counts, indexes);
the bureau's server holds no such tables, only every laptop's synced records, and counts
them here. The two say the same thing about the same records: tests/domain/
test_followup_counts.py holds this module to the SQL, row for row and number for number.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, tzinfo

from fieldcheck.domain import followup_rules as rules
from fieldcheck.domain.findings import category_name
from fieldcheck.domain.followup import STATUS_NAMES
from fieldcheck.domain.followup_board import (
    _KIND_TEXT,
    BoardFilter,
    BoardRow,
    Records,
    Statistics,
    _ranked,
    found_day,
)


def admitted(records: Records, flt: BoardFilter, tz: tzinfo) -> list[rules.FindingFacts]:
    return [f for f in records.findings.values() if flt.admits(f, tz)]


def board_rows(records: Records, flt: BoardFilter, today: date, tz: tzinfo) -> list[BoardRow]:
    """Every finding the filter admits, in the board's order (followup_sql.board_page's):
    overdue first, longest overdue on top; then by deadline, none last; verified at the end;
    equal deadlines by unit name, then id."""
    rows = []
    for f in admitted(records, flt, tz):
        unit = records.units.get(f.unit_id)
        state = rules.deadline_state_on(f.deadline, f.status, today)
        rows.append(BoardRow(
            f.id, f.unit_id, unit.name if unit else "", f.category, category_name(f.category),
            f.description, f.requirement, f.team, f.visit_kind, found_day(f, tz), f.deadline, state,
            f.status, STATUS_NAMES.get(f.status, f.status), f.notice_numbers,
        ))

    def order(r: BoardRow) -> tuple[int, bool, date, str, str]:
        tier = 0 if r.state.overdue else 2 if r.status == rules.VERIFIED else 1
        return (tier, r.deadline is None, r.deadline or date.min, r.unit_name, r.finding_id)

    return sorted(rows, key=order)


def statistics(records: Records, flt: BoardFilter, today: date, tz: tzinfo) -> Statistics:
    """Every statistic of the findings the filter admits; `overdue` as of the local day `today`."""
    units, cats, kinds = Counter[str](), Counter[str](), Counter[str]()
    months, statuses = Counter[str](), Counter[str]()
    total = notified = verified = overdue = spans = span_ms = 0
    for f in admitted(records, flt, tz):
        total += 1
        unit = records.units.get(f.unit_id)
        if f.unit_id:
            units[unit.name if unit else f.unit_id] += 1
        if f.category:
            cats[category_name(f.category)] += 1
        if f.visit_kind:
            kinds[_KIND_TEXT.get(f.visit_kind, f.visit_kind)] += 1
        day = found_day(f, tz)
        if day is not None:
            months[f"{day.year:04d}-{day.month:02d}"] += 1
        if f.status:
            statuses[STATUS_NAMES.get(f.status, f.status)] += 1
        if rules.deadline_state_on(f.deadline, f.status, today).overdue:
            overdue += 1
        if f.notified_at is not None:
            notified += 1
            verified += f.status == rules.VERIFIED
            if f.rectified_at is not None:
                spans += 1
                span_ms += _ms(f.rectified_at) - _ms(f.notified_at)
    return Statistics(
        total=total,
        by_unit=_ranked(units), by_category=_ranked(cats), by_visit_kind=_ranked(kinds),
        by_month=sorted(months.items()), by_status=_ranked(statuses),
        notified=notified, verified=verified,
        rectification_rate=verified / notified if notified else None,
        mean_days_to_rectify=span_ms / spans / 86_400_000 if spans else None,
        overdue=overdue,
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ms(moment: datetime) -> int:
    """A moment in whole milliseconds, rounded as SQLite's julianday() rounds it: the span the
    laptop's SQL counts, to the millisecond."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + (delta.microseconds + 500) // 1000
