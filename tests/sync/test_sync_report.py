"""The bureau's follow-up report on the server: two laptops each hold half of a quarter's
follow-up, neither can see the repeat offence alone; once they have synced, the server's report
(command line and API) names it with its evidence, lists the overdue finding, and says exactly
what `fieldcheck report` says on a third laptop that pulled everything."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sync_helpers import PASSWORD, Bureau, Laptop, start_visit

from fieldcheck import cli
from fieldcheck.domain import findings, notices, numbering, visits
from fieldcheck.domain.followup_board import load_records, local_zone
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.domain.reports import build_report, report_json
from fieldcheck.models import Visit
from fieldcheck.models.coltypes import utcnow
from fieldcheck.server import followup as server_followup
from fieldcheck.server.cli import admin_main
from fieldcheck.sync.protocol import SCHEMA_HEADER, SCHEMA_VERSION
from followup_helpers import issue_todays_circular

SCHEMA = {SCHEMA_HEADER: str(SCHEMA_VERSION)}
ROUTE = "/api/v1/admin/followup/report"


def _quarter(day: date) -> tuple[date, date]:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    after = date(day.year + 1, 1, 1) if first.month == 10 else date(day.year, first.month + 3, 1)
    return first, after - timedelta(days=1)


def _visit_to(laptop: Laptop, unit_id: str) -> str:
    """A visit to a unit of the bureau's directory (pulled from the server)."""
    from fieldcheck.domain import checklist

    with laptop.store.write() as s:
        version = checklist.latest_template_versions(s)[0]
        return visits.start_new_visit(s, unit_id=unit_id, kind="unannounced",
                                      template_version_id=version.id, team="一组").id


def _notified(laptop: Laptop, visit_id: str, text: str, deadline: date) -> tuple[str, str]:
    """A 工作纪律作风 finding and the 整改通知书 that tells the unit its deadline: (finding, 文号)."""
    settings = load_settings(laptop.store.data_dir)
    with laptop.store.write() as s:
        f = findings.record_finding(s, visit_id, category="discipline", description=text,
                                    requirement="立即整改", responsible="窗口负责人 刘敏", deadline=deadline)
        draft = notices.create_draft(s, visit_id, "rectification", settings).id
    notice = notices.issue_notice(laptop.store, draft, settings, numbering.LocalAuthority())
    assert notice.number
    return f.id, notice.number


def _laptop_report(laptop: Laptop, first: date, last: date) -> dict[str, Any]:
    with laptop.store.read() as s:
        return report_json(build_report(s, first, last, utcnow(), local_zone()))


def _admin_headers(bureau: Bureau) -> dict[str, str]:
    bureau.add_user("root", role="admin", team="")
    enrolled = bureau.client.post("/api/v1/enroll", headers=SCHEMA, json={
        "username": "root", "password": PASSWORD, "device_id": str(uuid.uuid4()),
        "device_name": "效能室的电脑"})
    assert enrolled.status_code == 200, enrolled.text
    return {**SCHEMA, "Authorization": f"Bearer {enrolled.json()['token']}"}


def _run(main: Any, argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def _but_the_moment(report: dict[str, Any]) -> dict[str, Any]:
    """Every key but `as_of`: the quarter has not ended, so each report is judged at its now."""
    assert datetime.fromisoformat(report["as_of"]) <= datetime.now(UTC)
    return {k: v for k, v in report.items() if k != "as_of"}


def test_the_bureau_names_a_repeat_offender_that_no_laptop_saw_alone(
        make_laptop: Any, bureau: Bureau, capsys: pytest.CaptureFixture[str]) -> None:
    wang: Laptop = make_laptop("wang", "王建国")
    li: Laptop = make_laptop("li", "李红")
    wang.sync()  # numbers leased; and below, the unit reaches the bureau's directory
    first_visit = start_visit(wang)
    with wang.store.read() as s:
        unit_id = s.get(Visit, first_visit).unit_id  # type: ignore[union-attr]
    wang.sync()
    li.sync()
    today, now = date.today(), datetime.now(UTC)
    # Offline, each on their own: 王 notifies the window with a deadline already past and
    # circulates it; 李 notifies the same window of the same kind of problem and circulates it.
    late, wang_notice = _notified(wang, first_visit, "窗口工作人员上班时间离岗", today - timedelta(days=1))
    wang_circular = issue_todays_circular(wang.store, now - timedelta(hours=3))
    second, li_notice = _notified(li, _visit_to(li, unit_id), "窗口工作人员玩手机不理睬群众",
                                  today + timedelta(days=10))
    # 李 also recorded a finding by mistake and deleted it: it counts nowhere.
    with li.store.write() as s:
        mistake = findings.record_finding(s, _visit_to(li, unit_id), category="discipline",
                                          description="误录")
        findings.delete_finding(s, mistake.id)
    li_circular = issue_todays_circular(li.store, now - timedelta(hours=1))
    first, last = _quarter(today)
    for alone in (wang, li):
        assert _laptop_report(alone, first, last)["repeat_offenders"] == []

    for laptop in (wang, li):
        assert laptop.sync().rejected == 0
    zhao: Laptop = make_laptop("zhao", "赵强")
    zhao.sync()
    period = ["--from", first.isoformat(), "--to", last.isoformat()]
    settings = bureau.app.state.settings
    by_cli = _run(admin_main, ["report", "--data-dir", str(settings.data_dir),
                               "--database-url", settings.database_url, *period], capsys)
    answer = bureau.client.get(ROUTE, params={"from": first.isoformat(), "to": last.isoformat()},
                               headers=_admin_headers(bureau))
    assert answer.status_code == 200, answer.text
    by_api = answer.json()
    on_zhao = _run(cli.main, ["report", "--data-dir", str(zhao.store.data_dir), *period,
                              "--format", "json"], capsys)

    [repeat] = by_cli["repeat_offenders"]
    assert (repeat["unit_id"], repeat["category"], repeat["unit"]) == (unit_id, "discipline", "市政务服务中心")
    assert repeat["circulars"] == [wang_circular, li_circular]
    assert repeat["notices"] == [wang_notice, li_notice]
    assert [f["id"] for f in repeat["findings"]] == [late, second]
    assert repeat["deadlines"] == [(today - timedelta(days=1)).isoformat(),
                                   (today + timedelta(days=10)).isoformat()]
    [overdue] = by_cli["overdue"]
    assert (overdue["finding_id"], overdue["days_overdue"], overdue["notices"]) == (late, 1, [wang_notice])
    assert [u["unit_id"] for u in by_cli["overdue_units"]] == [unit_id]
    assert by_cli["totals"]["findings"] == 2 and by_cli["totals"]["notified"] == 2
    assert _but_the_moment(by_api) == _but_the_moment(by_cli)
    assert _but_the_moment(on_zhao) == _but_the_moment(by_cli)

    # Beneath the report: the facts the server builds from its records are the third
    # laptop's, finding by finding.
    with bureau.app.state.database.read() as s:
        on_server = server_followup.load_records(s, local_zone())
    with zhao.store.read() as s:
        pulled = load_records(s)
    assert on_server.findings == pulled.findings
    assert sorted(on_server.circulars, key=lambda c: c.id) == sorted(pulled.circulars, key=lambda c: c.id)
    assert on_server.units == pulled.units
    assert mistake.id not in on_server.findings
