"""`fieldcheck report` and `fieldcheck circular`: the follow-up of a period on the command line.

Both read the records the laptop holds (all of them once synced). `circular` prints a draft
(草稿 watermark, nothing recorded) unless `--issue` numbers and freezes it like any notice.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fieldcheck.i18n import tr


def _day(text: str) -> date:
    from fieldcheck.domain.reports import PeriodError, report_day

    try:
        return report_day(text)
    except PeriodError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _period(args: argparse.Namespace) -> tuple[date, date]:
    from fieldcheck.cli import CommandError
    from fieldcheck.domain.reports import PeriodError, report_period

    try:
        return report_period(args.date_from, args.date_to)
    except PeriodError as error:
        raise CommandError(str(error)) from None


def cmd_report(args: argparse.Namespace) -> int:
    from fieldcheck.cli import _existing_store, _write_bytes
    from fieldcheck.domain.followup_board import local_zone
    from fieldcheck.domain.reports import build_report, report_bytes
    from fieldcheck.models.coltypes import utcnow
    from fieldcheck.store import open_store

    day_from, day_to = _period(args)
    if args.format == "xlsx" and not args.out:  # said before the whole store is read
        from fieldcheck.cli import CommandError

        raise CommandError(tr("XLSX 报表须用 --out 指定文件。"))
    store = open_store(_existing_store(args))  # reading: safe beside a running app
    try:
        with store.read() as s:
            rep = build_report(s, day_from, day_to, utcnow(), local_zone())
    finally:
        store.close()
    data = report_bytes(rep, args.format)
    if args.out:
        _write_bytes(Path(args.out), data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def cmd_circular(args: argparse.Namespace) -> int:
    from fieldcheck.cli import _existing_store, _write_bytes
    from fieldcheck.datadir import writing
    from fieldcheck.domain import circulars, numbering
    from fieldcheck.domain.followup_board import load_records, local_zone
    from fieldcheck.domain.notice_settings import load_settings
    from fieldcheck.domain.notices import issued_pdf
    from fieldcheck.models.coltypes import utcnow
    from fieldcheck.notices import build_notice
    from fieldcheck.store import open_store

    day_from, day_to = _period(args)
    data_dir = _existing_store(args)
    settings = load_settings(data_dir)
    if not args.issue:
        store = open_store(data_dir)
        try:
            with store.read() as s:
                records = load_records(s)
        finally:
            store.close()
        draft = circulars.circular_content(records, day_from, day_to, utcnow(), local_zone(), settings)
        draft.content.draft = True
        _write_bytes(Path(args.out), build_notice(draft.content, settings.notice).pdf)
        return 0
    with writing(data_dir):
        store = open_store(data_dir)
        try:
            with store.write() as s:
                draft = circulars.circular_content(load_records(s), day_from, day_to, utcnow(),
                                                   local_zone(), settings)
                notice_id = circulars.create_circular_draft(s, draft).id
            notice = circulars.issue_circular(store, notice_id, settings, numbering.LocalAuthority())
            pdf = issued_pdf(store, notice_id)
        finally:
            store.close()
    _write_bytes(Path(args.out), pdf)
    print(tr("已签发通报 {number}", number=notice.number))
    return 0


def register(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
             data_dir_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser("report", help=tr("跟踪问效报表：问题、统计、追责提示、逾期清单"))
    data_dir_arg(p)
    p.add_argument("--from", dest="date_from", type=_day, required=True, help=tr("起始日期，如 2026-10-01"))
    p.add_argument("--to", dest="date_to", type=_day, required=True, help=tr("截止日期，如 2026-12-31"))
    p.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")  # reports.REPORT_FORMATS
    p.add_argument("--out", help=tr("输出文件（默认输出到标准输出；xlsx 必须指定）"))
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("circular", help=tr("按期间从记录生成通报 PDF（默认草稿，--issue 签发）"))
    data_dir_arg(p)
    p.add_argument("--from", dest="date_from", type=_day, required=True, help=tr("起始日期，如 2026-10-01"))
    p.add_argument("--to", dest="date_to", type=_day, required=True, help=tr("截止日期，如 2026-12-31"))
    p.add_argument("--out", required=True)
    p.add_argument("--issue", action="store_true", help=tr("编号签发（不可更改），并记录被通报的问题"))
    p.set_defaults(func=cmd_circular)
