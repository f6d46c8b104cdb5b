"""Follow-up reports of a period as JSON, CSV (UTF-8 with BOM, so Excel shows the Chinese) and
XLSX (XlsxWriter): the board's findings, every statistic, repeat offenders with their evidence,
and the overdue list. The numbers are the board's: one set of records, one set of rules.

A report is built from the laptop's tables (`build_report`, the 跟踪问效 screen's queries) or
from the rules' plain facts (`report_of_records`: the bureau's server, over every laptop's
synced records); either way one `PeriodReport` is written out by the same functions.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy.orm import Session

from fieldcheck.domain import followup_counts, followup_sql
from fieldcheck.domain import followup_rules as rules
from fieldcheck.domain.followup_board import (
    BoardFilter,
    BoardRow,
    Records,
    Statistics,
    as_of,
    current_flags,
    flag_json,
    load_records,
)
from fieldcheck.domain.visits import KIND_NAMES
from fieldcheck.i18n import tr
from fieldcheck.models import VisitKind

BOARD_COLUMNS = ("单位", "问题类别", "问题描述", "整改要求", "检查组", "检查方式", "发现日期",
                 "整改期限", "剩余天数", "是否逾期", "状态", "整改通知书")


@dataclass(frozen=True)
class PeriodReport:
    day_from: date
    day_to: date
    as_of: datetime
    rows: list[BoardRow]
    stats: Statistics
    flags: list[rules.Flag]
    records: Records  # the findings the flags name


def build_report(session: Session, day_from: date, day_to: date, now: datetime, tz: tzinfo) -> PeriodReport:
    """The period's board and statistics by the screen's own queries (followup_sql), judged at
    the end of the period (or now); the flags with their evidence from the findings they name."""
    flt = BoardFilter(date_from=day_from, date_to=day_to)
    moment = as_of(day_to, now, tz)
    day = moment.astimezone(tz).date()
    _total, rows = followup_sql.board_page(session, flt, day, 0, None)
    records = load_records(session, flaggable_on=day, flt=flt)
    return PeriodReport(day_from, day_to, moment, rows, followup_sql.statistics(session, flt, day),
                        current_flags(records, moment, tz, flt), records)


def report_of_records(records: Records, day_from: date, day_to: date, now: datetime,
                      tz: tzinfo) -> PeriodReport:
    """The same report from plain facts (every finding of `records`), judged at the same moment:
    the board and statistics counted by followup_counts, the flags as build_report raises them."""
    flt = BoardFilter(date_from=day_from, date_to=day_to)
    moment = as_of(day_to, now, tz)
    day = moment.astimezone(tz).date()
    return PeriodReport(day_from, day_to, moment, followup_counts.board_rows(records, flt, day, tz),
                        followup_counts.statistics(records, flt, day, tz),
                        current_flags(records, moment, tz, flt), records)


# --- the period asked for -------------------------------------------------------------------

class PeriodError(ValueError):
    """A report's period written wrongly; the message says how to write it."""


# Far enough either way for any record, near enough that the day after the last is a date.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


def report_day(text: str) -> date:
    """A day of a report's period, as written on a command line or in a request."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(tr("日期应写作 2026-10-01：{value}", value=text)) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise PeriodError(tr("日期应在 {first} 至 {last} 之间：{value}", first=FIRST_DAY.isoformat(),
                             last=LAST_DAY.isoformat(), value=text))
    return day


def report_period(day_from: date, day_to: date) -> tuple[date, date]:
    if day_from > day_to:
        raise PeriodError(tr("起始日期 {a} 晚于截止日期 {b}。", a=day_from, b=day_to))
    return day_from, day_to


# --- writing it out -------------------------------------------------------------------------

def _kind_name(kind: str) -> str:
    return KIND_NAMES.get(VisitKind(kind), kind) if kind in set(VisitKind) else kind


def _row_values(r: BoardRow) -> list[Any]:
    return [r.unit_name, r.category_name, r.description, r.requirement, r.team, _kind_name(r.visit_kind),
            r.found_on.isoformat() if r.found_on else "", r.deadline.isoformat() if r.deadline else "",
            "" if r.state.days_left is None else r.state.days_left, "是" if r.state.overdue else "",
            r.status_name, "、".join(r.notices)]


def report_json(rep: PeriodReport) -> dict[str, Any]:
    s = rep.stats
    return {
        "period": {"from": rep.day_from.isoformat(), "to": rep.day_to.isoformat()},
        "as_of": rep.as_of.isoformat(),
        "totals": {"findings": s.total, "notified": s.notified, "verified": s.verified,
                   "rectification_rate": s.rectification_rate,
                   "mean_days_to_rectify": s.mean_days_to_rectify},
        "by_unit": [{"unit": k, "findings": n} for k, n in s.by_unit],
        "by_category": [{"category": k, "findings": n} for k, n in s.by_category],
        "by_visit_kind": [{"kind": k, "findings": n} for k, n in s.by_visit_kind],
        "by_month": [{"month": k, "findings": n} for k, n in s.by_month],
        "by_status": [{"status": k, "findings": n} for k, n in s.by_status],
        "repeat_offenders": [flag_json(f, rep.records) for f in rep.flags if f.reason == "repeat"],
        "overdue": [
            {"finding_id": r.finding_id, "unit": r.unit_name, "category": r.category_name,
             "description": r.description, "deadline": r.deadline.isoformat() if r.deadline else None,
             "days_overdue": r.state.days_overdue, "status": r.status, "notices": list(r.notices)}
            for r in rep.rows if r.state.overdue
        ],
        "overdue_units": [flag_json(f, rep.records) for f in rep.flags if f.reason == "overdue"],
    }


def _summary_rows(rep: PeriodReport) -> list[tuple[str, list[list[Any]]]]:
    s = rep.stats
    rate = "" if s.rectification_rate is None else round(s.rectification_rate, 4)
    mean = "" if s.mean_days_to_rectify is None else round(s.mean_days_to_rectify, 1)
    repeat = [[flag_json(f, rep.records)["unit"], flag_json(f, rep.records)["reason_text"],
               flag_json(f, rep.records)["category_name"], "、".join(f.evidence.circulars),
               "、".join(f.evidence.notices), len(f.evidence.findings)] for f in rep.flags]
    return [
        ("汇总", [["期间", f"{rep.day_from.isoformat()} 至 {rep.day_to.isoformat()}"],
                  ["问题总数", s.total], ["已下达整改通知", s.notified], ["已复查销号", s.verified],
                  ["整改率", rate], ["平均整改天数", mean]]),
        ("按单位", [["单位", "问题数"], *[[k, n] for k, n in s.by_unit]]),
        ("按类别", [["问题类别", "问题数"], *[[k, n] for k, n in s.by_category]]),
        ("按检查方式", [["检查方式", "问题数"], *[[k, n] for k, n in s.by_visit_kind]]),
        ("按月份", [["月份", "问题数"], *[[k, n] for k, n in s.by_month]]),
        ("追责提示", [["单位", "原因", "问题类别", "通报文号", "整改通知书文号", "问题数"], *repeat]),
    ]


def report_csv(rep: PeriodReport) -> bytes:
    """One sheet: the findings, then each statistic under its heading; UTF-8 with a BOM."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(BOARD_COLUMNS)
    for r in rep.rows:
        w.writerow(_row_values(r))
    for title, rows in _summary_rows(rep):
        w.writerow([])
        w.writerow([f"【{title}】"])
        w.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def report_xlsx(rep: PeriodReport) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1})
    late = book.add_format({"font_color": "#B00020"})
    pct = book.add_format({"num_format": "0.0%"})
    sheet = book.add_worksheet("问题清单")
    sheet.write_row(0, 0, BOARD_COLUMNS, head)
    for i, r in enumerate(rep.rows, start=1):
        sheet.write_row(i, 0, _row_values(r), late if r.state.overdue else None)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 3, 40)
    sheet.set_column(4, 11, 12)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(1, len(rep.rows)), len(BOARD_COLUMNS) - 1)
    for title, rows in _summary_rows(rep):
        ws = book.add_worksheet(title)
        for i, row in enumerate(rows):
            fmt = head if i == 0 and title != "汇总" else None
            ws.write_row(i, 0, row, fmt)
        if title == "汇总" and rep.stats.rectification_rate is not None:
            ws.write_number(4, 1, rep.stats.rectification_rate, pct)
        ws.set_column(0, 0, 30)
        ws.set_column(1, 5, 18)
    book.close()
    return buf.getvalue()


REPORT_FORMATS = ("json", "csv", "xlsx")


def report_bytes(rep: PeriodReport, fmt: str) -> bytes:
    """The report as the file `fieldcheck report` (or `fieldcheck-server admin report`) writes."""
    if fmt == "json":
        return json.dumps(report_json(rep), ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    if fmt == "csv":
        return report_csv(rep)
    if fmt == "xlsx":
        return report_xlsx(rep)
    raise ValueError(f"unknown report format {fmt!r}")
