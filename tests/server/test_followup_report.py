"""跟踪问效 on the server: `fieldcheck-server admin report` and GET /api/v1/admin/followup/report
over the records laptops pushed; admins only; a draft, deleted or voided 通报 is no circular."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fieldcheck.server.app import create_app
from fieldcheck.server.cli import admin_main
from fieldcheck.server.feed import wire_time
from fieldcheck.server.settings import Settings

from .conftest import SCHEMA, Device, Server, new_id, op

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from .support import setup_visit

ROUTE = "/api/v1/admin/followup/report"
TODAY = date.today()
PERIOD = {"from": (TODAY - timedelta(days=1)).isoformat(), "to": (TODAY + timedelta(days=1)).isoformat()}
PERIOD_ARGS = ("--from", PERIOD["from"], "--to", PERIOD["to"])


def _cli(server: Server, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    argv = ["report", "--data-dir", str(server.settings.data_dir),
            "--database-url", server.settings.database_url, *args]
    try:
        code = admin_main(argv)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _report_by_cli(server: Server, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = _cli(server, capsys, *PERIOD_ARGS)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def _without_moment(report: dict[str, Any]) -> dict[str, Any]:
    """The report but its `as_of` (now, for a period that has not ended: a moment later)."""
    return {k: v for k, v in report.items() if k != "as_of"}


@pytest.fixture
def admin(server: Server) -> Device:
    server.add_user("root", role="admin", team="")
    return server.enroll("root")


def test_only_an_admin_reads_the_report(server: Server, admin: Device) -> None:
    server.add_user("wang")
    server.add_user("zhou", role="supervisor", team="")
    for username in ("wang", "zhou"):
        refused = server.enroll(username).get(ROUTE, params=PERIOD)
        assert refused.status_code == 403, username
        assert refused.json()["error"]["code"] == "forbidden"
    assert server.client.get(ROUTE, params=PERIOD, headers=SCHEMA).status_code == 401  # no token
    assert admin.get(ROUTE, params=PERIOD).status_code == 200


def test_an_empty_server_reports_nothing(server: Server, admin: Device,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    answer = admin.get(ROUTE, params=PERIOD)
    assert answer.status_code == 200
    report = answer.json()
    for key in ("repeat_offenders", "overdue", "overdue_units", "by_unit", "by_category",
                "by_visit_kind", "by_month", "by_status"):
        assert report[key] == [], key
    assert report["totals"] == {"findings": 0, "notified": 0, "verified": 0,
                                "rectification_rate": None, "mean_days_to_rectify": None}
    assert report["period"] == PERIOD
    assert _without_moment(_report_by_cli(server, capsys)) == _without_moment(report)


@pytest.mark.parametrize(("day_from", "day_to", "named"), [
    ("2026-13-01", "2026-12-31", "2026-13-01"),
    ("2026-10-01", "yesterday", "yesterday"),
    ("2026-10-01", "9999-12-31", "9999-12-31"),
    ("2026-12-31", "2026-10-01", "晚于"),
])
def test_a_bad_period_is_refused_with_what_was_wrong(
        server: Server, admin: Device, capsys: pytest.CaptureFixture[str],
        day_from: str, day_to: str, named: str) -> None:
    answer = admin.get(ROUTE, params={"from": day_from, "to": day_to})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_period" and named in error["message"]
    code, out, err = _cli(server, capsys, "--from", day_from, "--to", day_to)
    assert code == 2 and named in err and out == ""


def test_a_missing_day_or_an_xlsx_without_a_file_is_refused(
        server: Server, admin: Device, capsys: pytest.CaptureFixture[str]) -> None:
    missing = admin.get(ROUTE, params={"from": PERIOD["from"]})
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "invalid_request"
    code, _out, err = _cli(server, capsys, *PERIOD_ARGS, "--format", "xlsx")
    assert code == 2 and "--out" in err


def _wire(hours_ago: float) -> str:
    return wire_time(datetime.now(UTC) - timedelta(hours=hours_ago))


def _circular(number: str | None, hours_ago: float | None, status: str = "issued") -> dict[str, Any]:
    return {"type": "circular", "visit_id": None, "unit_id": None, "status": status, "number": number,
            "issued_at": _wire(hours_ago) if hours_ago is not None else None}


def test_a_draft_deleted_or_voided_circular_is_no_circular(
        server: Server, admin: Device, capsys: pytest.CaptureFixture[str]) -> None:
    """Four 通报 each name a 工作纪律作风 finding of one unit; only the first stands issued, so
    no two consecutive circulars name it. Issuing the draft and restoring the deleted one make
    the three in a row that the flag then cites, the voided one still left out."""
    server.add_user("wang")
    wang = server.enroll("wang")
    unit_id, visit_id = setup_visit(wang, status="in_progress", started_at=_wire(6))
    findings = [new_id() for _ in range(5)]
    circulars = [new_id() for _ in range(4)]
    numbers = ["清监通〔2026〕901号", "清监通〔2026〕902号", "清监通〔2026〕903号", "清监通〔2026〕904号"]
    ops = [op("finding", fid, {"visit_id": visit_id, "category": "discipline", "status": "notified",
                               "description": f"窗口无人值守（{n}）"}) for n, fid in enumerate(findings)]
    ops += [op("notice", circulars[0], _circular(numbers[0], 5)),
            op("notice", circulars[1], _circular(None, None, status="draft")),
            op("notice", circulars[2], _circular(numbers[2], 3)),
            op("notice", circulars[3], _circular(numbers[3], 2))]
    # The deleted finding f4 is named by the first circular too: it counts nowhere.
    named = [(findings[0], 0), (findings[4], 0), (findings[1], 1), (findings[2], 2), (findings[3], 3)]
    ops += [op("followup_event", new_id(), {"finding_id": fid, "visit_id": visit_id, "kind": "circulated",
                                            "at": _wire(5 - k), "notice_id": circulars[k]})
            for fid, k in named]
    ops += [op("finding", findings[4], {"deleted": True}, kind="update", base={"deleted": False}),
            op("notice", circulars[2], {"deleted": True}, kind="update", base={"deleted": False}),
            op("notice", circulars[3], {"status": "voided", "void_reason": "重复印发"}, kind="update",
               base={"status": "issued", "void_reason": ""})]
    assert {r["status"] for r in wang.push(*ops)} == {"applied"}

    report = admin.get(ROUTE, params=PERIOD).json()
    assert report["repeat_offenders"] == []
    assert report["totals"]["findings"] == 4  # the deleted one is not counted
    assert _without_moment(_report_by_cli(server, capsys)) == _without_moment(report)

    assert {r["status"] for r in wang.push(
        op("notice", circulars[1], {"status": "issued", "number": numbers[1], "issued_at": _wire(4)},
           kind="update", base={"status": "draft", "number": None, "issued_at": None}),
        op("notice", circulars[2], {"deleted": False}, kind="update", base={"deleted": True}),
    )} == {"applied"}
    report = admin.get(ROUTE, params=PERIOD).json()
    [repeat] = report["repeat_offenders"]
    assert (repeat["unit_id"], repeat["category"], repeat["reason"]) == (unit_id, "discipline", "repeat")
    assert repeat["circulars"] == numbers[:3]
    assert [f["id"] for f in repeat["findings"]] == findings[:3]
    assert _without_moment(_report_by_cli(server, capsys)) == _without_moment(report)


def test_a_finding_counts_on_the_bureaus_calendar_day(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """00:30 on 1 October in Beijing is still 30 September in UTC: a server set to the
    bureau's zone counts the finding in October, as the laptop in Beijing did."""
    settings = Settings(tmp_path / "server", "", time_zone="Asia/Shanghai")
    app = create_app(settings)
    try:
        with TestClient(app, client=("127.0.0.1", 50000)) as client:
            server = Server(settings, app.state.database, client)
            server.add_user("wang")
            server.add_user("root", role="admin", team="")
            wang, root = server.enroll("wang"), server.enroll("root")
            _unit, visit_id = setup_visit(wang, status="in_progress", started_at="2026-09-30T16:30:00.000000Z")
            wang.push(op("finding", new_id(), {"visit_id": visit_id, "category": "discipline"}))
            october = {"from": "2026-10-01", "to": "2026-10-31"}
            by_api = root.get(ROUTE, params=october).json()
            assert by_api["by_month"] == [{"month": "2026-10", "findings": 1}]
            for zone, found in (("Asia/Shanghai", 1), ("UTC", 0)):
                code, out, err = _cli(server, capsys, "--from", october["from"], "--to", october["to"],
                                      "--time-zone", zone)
                assert code == 0, err
                assert json.loads(out)["totals"]["findings"] == found, zone
            code, _out, err = _cli(server, capsys, *PERIOD_ARGS, "--time-zone", "Mars/Olympus_Mons")
            assert code == 2 and "Mars/Olympus_Mons" in err
    finally:
        app.state.database.dispose()


def test_the_server_runs_the_rules_without_qt() -> None:
    """The report's rules and builder come from domain/: none of them may pull in Qt."""
    probe = ("import sys, fieldcheck.server.app, fieldcheck.server.followup, fieldcheck.server.cli;"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
