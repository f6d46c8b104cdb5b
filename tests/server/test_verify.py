"""The public check of a notice's QR code: HTML for a phone, JSON for programs."""

from __future__ import annotations

from .conftest import Server, new_id, op
from .support import setup_visit


def issued(visit_id: str, unit_id: str, number: str, **extra: object) -> dict[str, object]:
    return {"type": "rectification", "visit_id": visit_id, "unit_id": unit_id,
            "status": "issued", "number": number, "number_year": 2026, "pdf_sha256": "e" * 64,
            "issued_at": "2026-11-27T02:00:00.000000Z", **extra}


def test_verify_issued_voided_and_unknown(sqlite_server: Server) -> None:
    server = sqlite_server
    server.add_user("wang")
    wang = server.enroll("wang")
    unit_id, visit_id = setup_visit(wang)
    old, new, draft = new_id(), new_id(), new_id()
    wang.push(op("notice", old, issued(visit_id, unit_id, "清效改〔2026〕3号")))
    page = server.client.get(f"/verify/{old}")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "文书真实有效" in page.text and "清效改〔2026〕3号" in page.text
    assert "清河市政务服务中心" in page.text and "2026年11月27日" in page.text
    wang.push(
        op("notice", old, {"status": "voided", "void_reason": "单位名称有误"}, kind="update",
           base={"status": "issued", "void_reason": ""}),
        op("notice", new, issued(visit_id, unit_id, "清效改〔2026〕4号", supersedes_id=old)),
        op("notice", draft, {"type": "record", "visit_id": visit_id, "unit_id": unit_id}),
    )
    body = server.client.get(f"/verify/{old}", headers={"Accept": "application/json"}).json()
    assert body["genuine"] is True and body["status"] == "voided"
    assert body["voided_by"] == new and body["void_reason"] == "单位名称有误"
    assert body["unit"] == "清河市政务服务中心" and body["pdf_sha256"] == "e" * 64
    voided_page = server.client.get(f"/verify/{old}").text
    assert "已作废" in voided_page and "清效改〔2026〕4号" in voided_page
    for unknown in (new_id(), draft, "not-an-id", "<script>"):
        response = server.client.get(f"/verify/{unknown}")
        assert response.status_code == 404 and "不是" in response.text
        assert "<script>" not in response.text
        as_json = server.client.get(f"/verify/{unknown}", headers={"Accept": "application/json"})
        assert as_json.json()["genuine"] is False
