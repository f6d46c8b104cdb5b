"""The follow-up board, its statistics and its flags as SQL over the laptop's store (SQLite):
the one route the 跟踪问效 screen and `fieldcheck report` both take.

- Statistics without a filter are read from `followup_tally`, the running counts the store
  keeps per unit, category, kind of visit, month, status and team (migration 0006); with a
  filter, one GROUP BY per statistic over the findings the filter admits. The local day a
  finding falls in is stored on its row (`found_on`), so no visit is joined and no time is
  converted on a refresh.
- The board is read in its order, tier by tier (overdue, then the rest not yet verified, then
  verified), each along the index `ix_findings_board`, so its first page costs a page.
- The flags are counted from aggregated rows (overdue findings per unit; circulated findings
  per circular, unit and category) and worded by `followup_rules`' own rules; the evidence of
  one flag is read when it is asked for (`flag_evidence`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy.orm import Session

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
    category_aliases,
    current_flags,
    load_records,
)


def _where(flt: BoardFilter) -> tuple[str, list[Any]]:
    parts, params = ["f.live = 1"], []
    for clause, value in (("f.unit_id = ?", flt.unit_id), ("f.category = ?", flt.category),
                          ("f.visit_team = ?", flt.team),
                          ("f.found_on >= ?", flt.date_from.isoformat() if flt.date_from else None),
                          ("f.found_on <= ?", flt.date_to.isoformat() if flt.date_to else None)):
        if value:
            parts.append(clause)
            params.append(value)
    if flt.only_open:
        parts.append("f.board_rank != 2")
    return " AND ".join(parts), params


def _rows(session: Session, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[Any]:
    # The driver's own cursor: plain tuples, none of the Result machinery per row.
    raw = session.connection().connection.driver_connection
    assert raw is not None
    rows: list[Any] = raw.execute(sql, tuple(params)).fetchall()
    return rows


def _unit_names(session: Session) -> dict[str, str]:
    return dict(_rows(session, "SELECT id, name FROM units"))


# --- statistics -----------------------------------------------------------------------------

_STAT_KEYS = {"unit": "f.unit_id", "category": "f.category", "kind": "f.visit_kind",
              "month": "substr(f.found_on, 1, 7)", "status": "f.status"}
_SPAN_MS = ("CASE WHEN f.notified_at IS NOT NULL AND f.rectified_at IS NOT NULL THEN"
            " CAST(round((julianday(f.rectified_at) - julianday(f.notified_at)) * 86400000) AS INTEGER) END")


def statistics(session: Session, flt: BoardFilter, today: date, *, from_rows: bool = False) -> Statistics:
    """Every statistic of the findings the filter admits; `overdue` as of the local day `today`.
    `from_rows` counts every row instead of summing the running counts (the same numbers)."""
    return _counted(session, flt, today, from_rows=from_rows)[0]


@dataclass
class _Counts:
    dims: dict[str, Counter[str]]
    sums: list[int]  # total, notified, verified, span ms, spans

    @classmethod
    def empty(cls) -> _Counts:
        return cls({dim: Counter() for dim in _STAT_KEYS}, [0, 0, 0, 0, 0])


def _month_end(day: date) -> date:
    if day.month == 12:
        return day.replace(day=31)
    return day.replace(month=day.month + 1, day=1) - timedelta(days=1)


def _split_period(flt: BoardFilter) -> tuple[tuple[str, str] | None, list[tuple[date, date]]]:
    """The whole months of the filter's period (first, last as 'YYYY-MM'), read from the
    tally, and the days at either end that only part of a month covers, counted row by row."""
    first = flt.date_from or date.min
    last = flt.date_to or date.max
    if first > last:
        return None, []
    edges = []
    lo = first if first.day == 1 else _month_end(first) + timedelta(days=1)
    if first.day != 1:
        edges.append((first, min(last, _month_end(first))))
    hi = last if last == _month_end(last) else last.replace(day=1) - timedelta(days=1)
    if last != _month_end(last) and last.replace(day=1) > first:
        edges.append((last.replace(day=1), last))
    if lo > hi:
        return None, edges
    return ("0000-00" if flt.date_from is None else f"{lo:%Y-%m}",
            "9999-99" if flt.date_to is None else f"{hi:%Y-%m}"), edges


def _from_tally(session: Session, out: _Counts, months: tuple[str, str] | None) -> None:
    """Add the tally's counts, of the months from months[0] to months[1] (None: every month,
    a finding without a day included)."""
    within, params = ("", []) if months is None else (" AND month BETWEEN ? AND ?", list(months))
    sql = ("SELECT dim, key, sum(n), sum(notified), sum(verified), sum(rect_ms), sum(rect_n)"
           f" FROM followup_tally WHERE dim != 'team'{within} GROUP BY dim, key HAVING sum(n) != 0")
    for dim, key, n, notified, verified, ms, spans in _rows(session, sql, params):
        if dim == "all":
            for i, value in enumerate((n, notified, verified, ms, spans)):
                out.sums[i] += value
        elif dim in out.dims:
            out.dims[dim][key] += n
    for month, n in _rows(session, f"SELECT month, n FROM followup_tally WHERE dim = 'all' AND n != 0{within}",
                          params):
        out.dims["month"][month] += n


def _from_rows(session: Session, out: _Counts, flt: BoardFilter) -> None:
    """Add the counts of the findings the filter admits, row by row (along ix_findings_facts
    for a period)."""
    where, params = _where(flt)
    rows = _rows(session, f"SELECT {', '.join(_STAT_KEYS.values())}, f.notified_at IS NOT NULL,"
                 f" f.notified_at IS NOT NULL AND f.status = 'verified', {_SPAN_MS}"
                 f" FROM findings f WHERE {where}", params)
    for i, dim in enumerate(_STAT_KEYS):
        out.dims[dim].update(r[i] for r in rows)
    spans_ms = [r[7] for r in rows if r[7] is not None]
    for i, value in enumerate((len(rows), sum(r[5] for r in rows), sum(r[6] for r in rows),
                               sum(spans_ms), len(spans_ms))):
        out.sums[i] += value


def _counted(session: Session, flt: BoardFilter, today: date,
             from_rows: bool = False) -> tuple[Statistics, dict[str, int]]:
    """The statistics, and the overdue findings per unit id (for the flags)."""
    counts = _Counts.empty()
    by_period_only = not (flt.unit_id or flt.category or flt.team or flt.only_open or from_rows)
    if by_period_only:
        months, edges = _split_period(flt)
        if months is not None:
            _from_tally(session, counts, None if flt == BoardFilter() else months)
        for first, last in edges:
            _from_rows(session, counts, BoardFilter(date_from=first, date_to=last))
    else:
        _from_rows(session, counts, flt)
    where, params = _where(flt)
    late_units = dict(_rows(
        session, "SELECT f.unit_id, count(*) FROM findings f"
        # The index holds unit, deadline and day found: no row is read unless a category or a
        # team must be checked (the planner would otherwise walk the board's index and read rows).
        + ("" if flt.category or flt.team else " INDEXED BY ix_findings_rank_unit")
        + f" WHERE f.board_rank = 0 AND f.deadline < ? AND {where} GROUP BY f.unit_id",
        [today.isoformat(), *params]))
    overdue = sum(late_units.values())
    dims = counts.dims
    totals = counts.sums
    total, notified, verified, ms, spans = totals
    names = _unit_names(session) if dims["unit"] else {}

    def counted(dim: str, name: Any) -> Counter[str]:
        out = Counter[str]()
        for key, n in dims[dim].items():
            if key:
                out[name(key)] += n
        return out

    return Statistics(
        total=total,
        by_unit=_ranked(counted("unit", lambda k: names.get(k, k))),
        by_category=_ranked(counted("category", category_name)),
        by_visit_kind=_ranked(counted("kind", lambda k: _KIND_TEXT.get(k, k))),
        by_month=sorted(counted("month", str).items()),
        by_status=_ranked(counted("status", lambda k: STATUS_NAMES.get(k, k))),
        notified=notified, verified=verified,
        rectification_rate=verified / notified if notified else None,
        mean_days_to_rectify=ms / spans / 86_400_000 if spans else None,
        overdue=overdue,
    ), late_units


# --- the board ------------------------------------------------------------------------------

# The board's tiers in order: overdue (longest first), the rest not yet verified, verified.
_TIERS = (
    ("f.board_rank = 0 AND f.deadline < ?", "f.deadline"),
    ("(f.board_rank = 1 OR (f.board_rank = 0 AND (f.deadline >= ? OR f.deadline IS NULL)))",
     "f.deadline IS NULL, f.deadline"),
    ("f.board_rank = 2", "f.deadline IS NULL, f.deadline"),
)


def board_page(session: Session, flt: BoardFilter, today: date, offset: int = 0,
               limit: int | None = 200, *, total: int | None = None) -> tuple[int, list[BoardRow]]:
    """How many findings the filter admits (`total` if already counted), and `limit` of them
    (None: all) from `offset` in the board's order: overdue first (longest overdue on top),
    then by deadline, verified last; equal deadlines by unit name."""
    where, params = _where(flt)
    if total is not None:
        pass
    elif flt == BoardFilter():
        total = _rows(session, "SELECT coalesce(sum(n), 0) FROM followup_tally WHERE dim = 'all'")[0][0]
    else:
        total = _rows(session, f"SELECT count(*) FROM findings f WHERE {where}", params)[0][0]
    rows: list[Any] = []
    skip = offset
    for tier, order in _TIERS:
        if limit is not None and len(rows) >= limit:
            break
        tier_params = [today.isoformat()] if "?" in tier else []
        got = _rows(session,
                    "SELECT f.id, f.unit_id, u.name, f.category, f.description, f.requirement, f.visit_team,"
                    " f.visit_kind, f.found_on, f.deadline, f.status FROM findings f"
                    f" LEFT JOIN units u ON u.id = f.unit_id WHERE {tier} AND {where}"
                    f" ORDER BY {order}, u.name, f.id LIMIT ? OFFSET ?",
                    [*tier_params, *params, -1 if limit is None else limit - len(rows), skip])
        if got:
            skip = 0
        elif skip:
            skip -= _rows(session, f"SELECT count(*) FROM findings f WHERE {tier} AND {where}",
                          [*tier_params, *params])[0][0]
            skip = max(skip, 0)
        rows += got
    if len(rows) > 2000:  # a report: the filter's numbers in one pass
        numbers = _notice_numbers_where(session, where, params)
    else:
        numbers = _notice_numbers(session, [r[0] for r in rows])
    out = []
    for fid, uid, uname, cat, text, req, team, kind, found, deadline, status in rows:
        due = date.fromisoformat(deadline) if deadline else None
        out.append(BoardRow(fid, uid, uname or "", cat, category_name(cat), text, req, team or "", kind or "",
                            date.fromisoformat(found) if found else None, due,
                            rules.deadline_state_on(due, status, today), status,
                            STATUS_NAMES.get(status, status), numbers.get(fid, ())))
    return total, out


def _notice_numbers_where(session: Session, where: str, params: list[Any]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for fid, number in _rows(
        session, "SELECT e.finding_id, n.number FROM findings f JOIN followup_events e ON e.finding_id = f.id"
        " JOIN notices n ON n.id = e.notice_id WHERE e.kind = 'notified' AND e.deleted = 0"
        f" AND n.status = 'issued' AND {where} ORDER BY e.at, e.created_at, e.id", params):
        out.setdefault(fid, []).append(number)
    return {k: tuple(v) for k, v in out.items()}


def _notice_numbers(session: Session, finding_ids: list[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for start in range(0, len(finding_ids), 500):
        chunk = finding_ids[start:start + 500]
        marks = ",".join("?" for _ in chunk)
        for fid, number in _rows(
            session, "SELECT e.finding_id, n.number FROM followup_events e JOIN notices n ON n.id = e.notice_id"
            f" WHERE e.kind = 'notified' AND e.deleted = 0 AND n.status = 'issued' AND e.finding_id IN ({marks})"
            " ORDER BY e.at, e.created_at, e.id", chunk):
            out.setdefault(fid, []).append(number)
    return {k: tuple(v) for k, v in out.items()}


def units_with_findings(session: Session) -> list[tuple[str, str]]:
    """(id, name) of every unit with a live finding, by name: the board's unit filter."""
    names = _unit_names(session)
    return sorted(((uid, names.get(uid, uid)) for (uid,) in _rows(
        session, "SELECT key FROM followup_tally WHERE dim = 'unit' GROUP BY key HAVING sum(n) > 0")),
        key=lambda pair: (pair[1], pair[0]))


def teams_with_findings(session: Session) -> list[str]:
    return [t for (t,) in _rows(session, "SELECT key FROM followup_tally WHERE dim = 'team' AND key != ''"
                                " GROUP BY key HAVING sum(n) > 0 ORDER BY key")]


# --- flags ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FlagSummary:
    unit_id: str
    unit_name: str
    reason: str  # "repeat" or "overdue", as rules.Flag
    category: str
    circulars: tuple[str, ...]  # numbers, for a repeat
    findings: int  # overdue findings, for an overdue flag


def flag_summaries(session: Session, flt: BoardFilter, now: datetime, tz: tzinfo,
                   late_units: dict[str, int] | None = None) -> list[FlagSummary]:
    """The flags `current_flags` raises on the same records, in its order, counted from
    aggregated rows: overdue findings per unit (the filter's; `late_units` if already
    counted), and per issued circular the units and categories it named."""
    today = now.astimezone(tz).date()
    if late_units is None:
        late_units = _counted(session, flt, today)[1]
    names = _unit_names(session)
    units = {uid: rules.UnitFacts(uid, name, tuple(pred)) for uid, name, pred in (
        (uid, name, _json_list(pred)) for uid, name, pred in _rows(session, "SELECT id, name, predecessor_ids FROM units"))}
    aliases = category_aliases()
    circulars = sorted(
        ((_utc(at), number or "", cid) for cid, number, at in _rows(
            session, "SELECT id, number, issued_at FROM notices WHERE type = 'circular' AND status = 'issued'"
            " AND deleted = 0")), key=lambda c: (c[0], c[1]))
    circulars = [c for c in circulars if c[0] <= now]
    named: dict[str, set[tuple[str, str]]] = {}
    canonical: dict[str, str] = {}
    for cid, unit_id, category in _rows(
            session, "SELECT notice_id, unit_id, category FROM followup_circulated WHERE n > 0"):
        if category not in canonical:
            canonical[category] = rules._canonical(category, aliases)
        named.setdefault(cid, set()).add((unit_id, canonical[category]))
    repeats: dict[tuple[str, str], list[str]] = {}
    # Only a unit that took over others' duties looks beyond itself.
    lineages = {uid: rules.lineage(uid, units) for uid, u in units.items() if u.predecessor_ids}
    for (_a, earlier_no, earlier), (_b, later_no, later) in zip(circulars, circulars[1:], strict=False):
        before = named.get(earlier, set())
        for unit_id, category in named.get(later, ()):
            if (unit_id, category) in before or (unit_id in lineages and any(
                    (ancestor, category) in before for ancestor in lineages[unit_id])):
                seen = repeats.setdefault((unit_id, category), [])
                seen += [n for n in (earlier_no, later_no) if n not in seen]
    out = [FlagSummary(u, names.get(u, ""), "repeat", c, tuple(nos), 0) for (u, c), nos in repeats.items()]
    out += [FlagSummary(u, names.get(u, ""), "overdue", "", (), n) for u, n in late_units.items() if n]
    return sorted(out, key=lambda f: (f.reason != "repeat", f.unit_id, f.category))


def flag_records(session: Session, unit_id: str, on: date) -> Records:
    """The records the flags of one unit can name: its own and its predecessors' findings
    that were circulated or are overdue on `on`."""
    units = {uid: rules.UnitFacts(uid, name, tuple(_json_list(pred))) for uid, name, pred in
             _rows(session, "SELECT id, name, predecessor_ids FROM units")}
    return load_records(session, flaggable_on=on, of_units=sorted(rules.lineage(unit_id, units)))


def flag_evidence(session: Session, summary: FlagSummary | tuple[str, str, str], now: datetime,
                  tz: tzinfo, flt: BoardFilter | None = None) -> tuple[rules.Flag, Records] | None:
    """The whole flag (its evidence chain) behind a summary, or None if it no longer holds; an
    overdue flag names the findings the filter admits, as the summary counted them."""
    unit_id, reason, category = ((summary.unit_id, summary.reason, summary.category)
                                 if isinstance(summary, FlagSummary) else summary)
    records = flag_records(session, unit_id, now.astimezone(tz).date())
    for flag in current_flags(records, now, tz, flt):
        if (flag.unit_id, flag.reason, flag.category) == (unit_id, reason, category):
            return flag, records
    return None


def _json_list(text: str | None) -> list[str]:
    import json

    return list(json.loads(text)) if text else []


def _utc(text: str | None) -> datetime:
    if not text:
        return datetime.min.replace(tzinfo=UTC)
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


# --- one refresh of 跟踪问效 ----------------------------------------------------------------

@dataclass(frozen=True)
class Refresh:
    stats: Statistics
    total: int
    rows: list[BoardRow]  # the board's first page
    flags: list[FlagSummary]
    units: list[tuple[str, str]]
    teams: list[str]


def refresh(session: Session, flt: BoardFilter, now: datetime, tz: tzinfo, page: int) -> Refresh:
    """What the 跟踪问效 screen shows on a refresh: statistics, the board's first `page` rows,
    the flags (the filter's unit only, if one is chosen) and the choices of its filters."""
    today = now.astimezone(tz).date()
    stats, late_units = _counted(session, flt, today)
    total, rows = board_page(session, flt, today, 0, page, total=stats.total)
    flags = [f for f in flag_summaries(session, flt, now, tz, late_units)
             if not flt.unit_id or f.unit_id == flt.unit_id]
    return Refresh(stats, total, rows, flags, units_with_findings(session), teams_with_findings(session))
