"""The clerk's list of 文号 printed twice (fieldcheck-server admin number-clashes)."""

from __future__ import annotations

from typing import Any

import pytest

from fieldcheck.server.clashes import number_clashes
from fieldcheck.server.cli import admin_main

from .conftest import Server, new_id, op
from .support import setup_visit

NUMBER = "清效改〔2026〕7号"
ROUTE = "/api/v1/admin/number-clashes"


def _issued(visit_id: str, unit_id: str, sha: str, **more: Any) -> dict[str, Any]:
    return {"type": "rectification", "visit_id": visit_id, "unit_id": unit_id, "status": "issued",
            "number": NUMBER, "number_year": 2026, "number_seq": 7, "pdf_sha256": sha * 64,
            "issued_at": "2026-11-27T08:00:00.000000Z", **more}


def test_a_clash_is_listed_until_its_notice_is_corrected_or_withdrawn(server: Server) -> None:
    server.add_user("wang")
    a = server.enroll("wang")
    unit_id, visit_id = setup_visit(a)
    with server.database.read() as session:
        assert number_clashes(session) == []
    holder, first, second = new_id(), new_id(), new_id()
    assert a.push(op("notice", holder, _issued(visit_id, unit_id, "a")))[0]["code"] == ""
    assert a.push(op("notice", first, _issued(visit_id, unit_id, "b")))[0]["code"] == "number_clash"
    assert a.push(op("notice", second, _issued(visit_id, unit_id, "c")))[0]["code"] == "number_clash"
    with server.database.read() as session:
        clashes = number_clashes(session)
    assert [(c.notice.id, c.holder.id if c.holder else None, c.settled) for c in clashes] == [
        (first, holder, False), (second, holder, False)]
    assert clashes[0].notice.unit and clashes[0].number == NUMBER
    # A unit scanning either paper's QR code: both genuine; the later one says its number
    # is shared and is to be corrected.
    assert not _verify(server, holder)["number_clash"]
    assert _verify(server, first)["number_clash"] and _verify(server, first)["genuine"]
    page = server.client.get(f"/verify/{first}").text
    assert "文号与另一份文书重复" in page and "新文号更正" in page
    assert "文号与另一份文书重复" not in server.client.get(f"/verify/{holder}").text

    # The first is corrected: a new notice under a number of its own supersedes it.
    correction = new_id()
    fixed = _issued(visit_id, unit_id, "d", number="清效改〔2026〕51号", number_seq=51,
                    supersedes_id=first)
    assert a.push(op("notice", correction, fixed))[0]["code"] == ""
    void = op("notice", first, {"status": "voided", "void_reason": "被 清效改〔2026〕51号 替代"},
              kind="update", base={"status": "issued", "void_reason": ""})
    assert a.push(void)[0]["status"] == "applied"
    # The second is withdrawn without a new paper.
    withdraw = op("notice", second, {"status": "voided", "void_reason": "文号重复，收回"},
                  kind="update", base={"status": "issued", "void_reason": ""})
    assert a.push(withdraw)[0]["status"] == "applied"

    with server.database.read() as session:
        settled = {c.notice.id: c for c in number_clashes(session)}
        assert number_clashes(session, open_only=True) == []
    # The same list over the admin API, for admin devices only.
    server.add_user("boss", role="admin")
    boss = server.enroll("boss")
    listed = boss.get(ROUTE)
    assert listed.status_code == 200
    assert [(c["notice"]["id"], c["settled"]) for c in listed.json()] == [(first, True), (second, True)]
    assert listed.json()[0]["correction"]["number"] == "清效改〔2026〕51号"
    assert boss.get(ROUTE, params={"open": "true"}).json() == []
    assert a.get(ROUTE).status_code == 403
    assert settled[first].settled and settled[first].correction is not None
    assert settled[first].correction.number == "清效改〔2026〕51号"
    assert settled[second].settled and settled[second].correction is None
    # Once corrected, the old paper's page points at the new one and no longer at the clash.
    corrected = server.client.get(f"/verify/{first}").text
    assert "已作废" in corrected and "清效改〔2026〕51号" in corrected
    assert not _verify(server, first)["number_clash"]


def _verify(server: Server, notice_id: str) -> dict[str, Any]:
    answer = server.client.get(f"/verify/{notice_id}", headers={"Accept": "application/json"})
    assert answer.status_code == 200
    return answer.json()  # type: ignore[no-any-return]


def test_the_clerks_list_dates_papers_on_the_bureaus_calendar(
        server: Server, capsys: pytest.CaptureFixture[str]) -> None:
    server.add_user("wang")
    a = server.enroll("wang")
    unit_id, visit_id = setup_visit(a)
    late_evening = "2026-11-27T20:30:00.000000Z"  # 04:30 on the 28th in Beijing
    a.push(op("notice", new_id(), _issued(visit_id, unit_id, "a", issued_at=late_evening)))
    a.push(op("notice", new_id(), _issued(visit_id, unit_id, "b", issued_at=late_evening)))
    settings = server.settings
    assert admin_main(["number-clashes", "--data-dir", str(settings.data_dir),
                       "--database-url", settings.database_url]) == 0
    out = capsys.readouterr().out
    assert f"{NUMBER}　" in out and "签发于 2026-11-28" in out and "2026-11-27" not in out
    assert "待更正" in out
