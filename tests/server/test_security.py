"""Refusals: roles, sizes, malformed bodies, rate limits; each with its status and code."""

from __future__ import annotations

import json

from fieldcheck.server.tables import Record

from .conftest import PASSWORD, SCHEMA, Server, new_id, op
from .support import setup_visit


def error_code(response: object) -> str:
    return response.json()["error"]["code"]  # type: ignore[attr-defined, no-any-return]


def test_admin_routes_need_an_admin(server: Server) -> None:
    server.add_user("wang")
    server.add_user("root", role="admin", team="")
    wang, root = server.enroll("wang"), server.enroll("root")
    refused = wang.get("/api/v1/admin/devices")
    assert refused.status_code == 403 and error_code(refused) == "forbidden"
    assert wang.post(f"/api/v1/admin/devices/{root.device_id}/revoke").status_code == 403
    listed = root.get("/api/v1/admin/devices").json()
    assert {d["device_id"] for d in listed} == {wang.device_id, root.device_id}
    assert root.post(f"/api/v1/admin/devices/{wang.device_id}/revoke").status_code == 204
    assert error_code(wang.get("/api/v1/pull")) == "device_revoked"
    # A revoked laptop cannot enrol itself back.
    again = server.client.post("/api/v1/enroll", headers=SCHEMA, json={
        "username": "wang", "password": PASSWORD, "device_id": wang.device_id})
    assert again.status_code == 403


def test_oversized_and_malformed_payloads(server: Server) -> None:
    server.add_user("wang")
    wang = server.enroll("wang")
    huge = wang.post("/api/v1/push", content=b"{" + b" " * (17 * 1024 * 1024) + b"}",
                     headers={"Content-Type": "application/json"})
    assert huge.status_code == 413 and error_code(huge) == "too_large"
    chunk = wang.put("/api/v1/blobs/" + "0" * 64, content=b"x" * (8 * 1024 * 1024 + 1))
    assert chunk.status_code == 413
    for body in (b"{", b"[]", b"null", json.dumps({"device_id": wang.device_id}).encode(),
                 json.dumps({"device_id": wang.device_id, "ops": [{"op_id": "x"}]}).encode(),
                 json.dumps({"device_id": wang.device_id, "ops": [], "extra": 1}).encode()):
        response = wang.post("/api/v1/push", content=body,
                             headers={"Content-Type": "application/json"})
        assert response.status_code == 422, body
        assert error_code(response) == "invalid_request"
    too_many = {"device_id": wang.device_id,
                "ops": [op("unit", new_id(), {"name": "x", "kind": "department"})] * 501}
    assert wang.post("/api/v1/push", json=too_many).status_code == 422
    wrong_device = wang.post("/api/v1/push", json={"device_id": new_id(), "ops": []})
    assert wrong_device.status_code == 403
    assert wang.get("/api/v1/pull", params={"limit": 100000}).status_code == 422
    assert wang.get("/api/v1/pull", params={"cursor": -1}).status_code == 422


def test_wrong_values_store_nothing(server: Server) -> None:
    server.add_user("wang")
    wang = server.enroll("wang")
    _, visit_id = setup_visit(wang)
    results = wang.push(
        op("visit", visit_id, {"place": "x" * 301}, kind="update", base={"place": "一楼大厅"}),
        op("visit", visit_id, {"planned_for": "明天"}, kind="update", base={}),
        op("answer", new_id(), {"visit_id": new_id(), "item_key": "q1"}),
    )
    assert [r["code"] for r in results] == ["invalid_field", "invalid_field", "unknown_parent"]
    with server.database.read() as session:
        visit = session.get(Record, ("visit", visit_id))
        assert visit is not None and json.loads(visit.data)["place"] == "一楼大厅"
        assert session.query(Record).filter(Record.entity == "answer").count() == 0


def test_enrolment_is_rate_limited(server: Server) -> None:
    server.add_user("wang")
    attempt = {"username": "wang", "password": "guess", "device_id": new_id()}
    for _ in range(5):
        response = server.client.post("/api/v1/enroll", headers=SCHEMA, json=attempt)
        assert response.status_code == 401 and error_code(response) == "unauthorized"
    limited = server.client.post("/api/v1/enroll", headers=SCHEMA,
                                 json={**attempt, "password": PASSWORD})
    assert limited.status_code == 429 and error_code(limited) == "rate_limited"
    unknown = server.client.post("/api/v1/enroll", headers=SCHEMA,
                                 json={**attempt, "username": "nobody"})
    assert unknown.status_code == 401


def test_errors_have_the_stable_shape(server: Server) -> None:
    for response in (server.client.get("/api/v1/nowhere", headers=SCHEMA),
                     server.client.delete("/api/v1/push", headers=SCHEMA),
                     server.client.get("/api/v1/pull", headers=SCHEMA)):
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert server.client.get("/health").json() == {"status": "ok"}
