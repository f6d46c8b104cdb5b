"""Enrol, push and pull through the real app; merge, conflicts, rejections and scopes."""

from __future__ import annotations

from .conftest import SCHEMA, Server, new_id, op
from .support import by_id, setup_visit


def test_enrol_push_pull_round_trip(server: Server) -> None:
    server.add_user("wang")
    server.add_user("li")
    a, b = server.enroll("wang"), server.enroll("li")
    assert a.user["team"] == "一组" and a.user["role"] == "inspector"
    unit_id, visit_id = setup_visit(a)
    records, cursor = b.pull_all()
    seen = by_id(records)
    assert seen[visit_id]["data"]["place"] == "一楼大厅"
    assert seen[visit_id]["data"]["updated_at"].endswith("Z")
    assert seen[unit_id]["entity"] == "unit"
    # Every account's inspector record and the shipped templates reach every device.
    inspectors = [r for r in records if r["entity"] == "inspector"]
    assert {r["id"] for r in inspectors} >= {a.user["inspector_id"], b.user["inspector_id"]}
    assert any(r["entity"] == "template_version" for r in records)
    versions = [r["version"] for r in records]
    assert versions == sorted(versions) and cursor >= versions[-1]
    again, same = b.pull_all(cursor)
    assert again == [] and same == cursor


def test_replayed_push_changes_nothing(server: Server) -> None:
    server.add_user("wang")
    a = server.enroll("wang")
    unit_id, visit_id = setup_visit(a)
    edit = op("visit", visit_id, {"place": "二楼"}, kind="update", base={"place": "一楼大厅"})
    first = a.push(edit)
    _, cursor = a.pull_all()
    replay = a.push(edit)
    assert replay == first and first[0]["status"] == "applied"
    records, new_cursor = a.pull_all(cursor)
    assert records == [] and new_cursor == cursor


def test_field_merge_and_conflict_record(server: Server) -> None:
    server.add_user("wang")
    server.add_user("li")
    a, b = server.enroll("wang"), server.enroll("li")
    _, visit_id = setup_visit(a)
    # Different fields from the same base merge.
    ra = a.push(op("visit", visit_id, {"place": "二楼"}, kind="update", base={"place": "一楼大厅"}))
    rb = b.push(op("visit", visit_id, {"title": "窗口暗访"}, kind="update", base={"title": ""},
                   made_by="李明"))
    assert ra[0]["status"] == rb[0]["status"] == "applied"
    # The same field changed differently: the server keeps the first, both are recorded.
    clash = op("visit", visit_id, {"place": "三楼"}, kind="update", base={"place": "一楼大厅"},
               made_by="李明")
    result = b.push(clash)[0]
    assert result["status"] == "conflict" and result["version"]
    records, _ = a.pull_all()
    seen = by_id(records)
    assert seen[visit_id]["data"]["place"] == "二楼" and seen[visit_id]["data"]["title"] == "窗口暗访"
    conflicts = [r["data"] for r in records if r["entity"] == "conflict"]
    assert len(conflicts) == 1
    c = conflicts[0]
    assert (c["entity"], c["entity_id"], c["field"]) == ("visit", visit_id, "place")
    assert (c["kept_value"], c["other_value"]) == ("二楼", "三楼")
    assert c["kept_by"] == "王建国" and c["other_by"] == "李明" and c["status"] == "open"
    assert c["other_device"] == b.device_id and c["visit_id"] == visit_id
    # Equal values never conflict.
    assert b.push(op("visit", visit_id, {"place": "二楼"}, kind="update",
                     base={"place": "一楼大厅"}))[0]["status"] == "applied"


def test_resolving_a_conflict_and_tombstones(server: Server) -> None:
    server.add_user("wang")
    a = server.enroll("wang")
    _, visit_id = setup_visit(a)
    a.push(op("visit", visit_id, {"place": "二楼"}, kind="update", base={"place": "一楼大厅"}))
    a.push(op("visit", visit_id, {"place": "三楼"}, kind="update", base={"place": "一楼大厅"}))
    records, _ = a.pull_all()
    conflict_id = next(r["id"] for r in records if r["entity"] == "conflict")
    resolve = op("conflict", conflict_id, {"status": "resolved", "resolution": "二楼"},
                 kind="update", base={"status": "open", "resolution": None})
    assert a.push(resolve)[0]["status"] == "applied"
    forged = op("conflict", conflict_id, {"kept_value": "x"}, kind="update", base={})
    assert a.push(forged)[0]["code"] == "server_owned"
    # A tombstone stays unless an op explicitly revives it from a deleted base.
    a.push(op("visit", visit_id, {"deleted": True}, kind="update", base={"deleted": False}))
    stale = a.push(op("visit", visit_id, {"deleted": False}, kind="update", base={}))
    assert stale[0]["status"] == "conflict"
    records, _ = a.pull_all()
    assert by_id(records)[visit_id]["data"]["deleted"] is True
    revived = a.push(op("visit", visit_id, {"deleted": False}, kind="update",
                        base={"deleted": True}))
    assert revived[0]["status"] == "applied"


def test_rejections_are_records_and_never_block(server: Server) -> None:
    server.add_user("wang")
    a = server.enroll("wang")
    unit_id, visit_id = setup_visit(a)
    inspector = op("inspector", a.user["inspector_id"], {"name": "冒名"}, kind="update")
    bad_field = op("visit", visit_id, {"search_text": "x"}, kind="update")
    bad_type = op("visit", visit_id, {"confidential": "yes"}, kind="update")
    immutable = op("visit", visit_id, {"created_at": "2020-01-01T00:00:00.000000Z"},
                   kind="update", base={})
    good = op("visit", visit_id, {"place": "二楼"}, kind="update", base={"place": "一楼大厅"})
    results = a.push(inspector, bad_field, bad_type, immutable, good)
    assert [r["status"] for r in results] == ["rejected"] * 4 + ["applied"]
    assert [r["code"] for r in results[:4]] == [
        "server_owned", "invalid_field", "invalid_field", "immutable_field"]
    records, _ = a.pull_all()
    rejections = {r["data"]["op_id"]: r["data"] for r in records if r["entity"] == "rejection"}
    assert set(rejections) == {r["op_id"] for r in results[:4]}
    assert rejections[bad_field["op_id"]]["changed"] == {"search_text": "x"}
    assert rejections[bad_field["op_id"]]["device_id"] == a.device_id
    assert rejections[bad_type["op_id"]]["visit_id"] == visit_id
    assert by_id(records)[visit_id]["data"]["place"] == "二楼"


def test_issued_notice_is_frozen_and_numbers_are_unique(server: Server) -> None:
    server.add_user("wang")
    a = server.enroll("wang")
    unit_id, visit_id = setup_visit(a)
    first, second = new_id(), new_id()
    issued = {"type": "rectification", "visit_id": visit_id, "unit_id": unit_id,
              "status": "issued", "number": "清效改〔2026〕1号", "number_year": 2026,
              "number_seq": 1, "pdf_sha256": "a" * 64, "issued_at": "2026-11-27T08:00:00.000000Z"}
    assert a.push(op("notice", first, issued))[0]["status"] == "applied"
    # A second paper printed with the same 文号 (before enrolment, say) is in a unit's hands:
    # it is recorded as printed and the clash is said, for the team and the bureau to see.
    taken = a.push(op("notice", second, {**issued, "pdf_sha256": "b" * 64}))[0]
    assert (taken["status"], taken["code"]) == ("applied", "number_clash")
    assert "已被另一份文书使用" in taken["message"] and "更正" in taken["message"]
    server.add_user("li")  # a teammate's laptop sees what the bureau holds
    records, _ = server.enroll("li").pull_all()
    assert by_id(records)[second]["data"]["number"] == "清效改〔2026〕1号"
    assert by_id(records)[second]["data"]["status"] == "issued"
    [clash] = [r["data"] for r in records if r["entity"] == "rejection"]
    assert (clash["entity_id"], clash["code"], clash["visit_id"]) == (second, "number_clash", visit_id)
    # The number stays with the first notice: a third paper with it clashes with that one.
    third = a.push(op("notice", new_id(), {**issued, "pdf_sha256": "d" * 64}))[0]
    assert third["code"] == "number_clash"
    edit = op("notice", first, {"pdf_sha256": "c" * 64}, kind="update",
              base={"pdf_sha256": "a" * 64})
    assert a.push(edit)[0]["code"] == "notice_issued"
    void = op("notice", first, {"status": "voided", "void_reason": "文号有误"}, kind="update",
              base={"status": "issued", "void_reason": ""})
    assert a.push(void)[0]["status"] == "applied"


def test_schema_header_and_tokens(server: Server) -> None:
    server.add_user("wang")
    a = server.enroll("wang")
    old = a.get("/api/v1/pull", headers={"X-FieldCheck-Schema": "0"})
    assert old.status_code == 426 and old.json()["error"]["code"] == "upgrade_required"
    # An app of protocol 4 cannot read templates with constraints: it is asked to upgrade
    # (and keeps its outbox) rather than pulling templates it would refuse on site.
    before_constraints = a.get("/api/v1/pull", headers={"X-FieldCheck-Schema": "4"})
    assert before_constraints.status_code == 426
    assert "升级" in old.json()["error"]["message"]
    missing = server.client.get("/api/v1/pull")
    assert missing.status_code == 426
    wrong = server.client.get("/api/v1/pull", headers={**SCHEMA, "Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "unauthorized"
    # Enrolling the same device again replaces its token.
    again = server.enroll("wang", a.device_id)
    assert a.get("/api/v1/pull").status_code == 401
    assert again.get("/api/v1/pull").status_code == 200
    with server.database.write() as session:
        from fieldcheck.server.admin import revoke_device

        revoke_device(session, "test", a.device_id)
    revoked = again.get("/api/v1/pull")
    assert revoked.status_code == 403 and revoked.json()["error"]["code"] == "device_revoked"


def test_a_base_value_the_device_never_read_is_a_conflict_not_a_coincidence(server: Server) -> None:
    """Two laptops offline answer the same item (one register, a natural-key id): wang goes
    from 否 to 是, li from 是 to 否. li's base 是 equals the server's value only by chance:
    it was li's own first answer, not wang's, so li's older change must not silently win."""
    server.add_user("wang")
    server.add_user("li")
    wang, li = server.enroll("wang"), server.enroll("li")
    _, visit_id = setup_visit(wang)
    _, start = li.pull_all()
    answer_id = new_id()
    first = {"visit_id": visit_id, "item_key": "q1"}
    assert [r["status"] for r in wang.push(
        op("answer", answer_id, {**first, "value": "no"}, seen=start),
        op("answer", answer_id, {"value": "yes"}, kind="update", base={"value": "no"}, seen=start),
    )] == ["applied", "applied"]
    results = li.push(
        op("answer", answer_id, {**first, "value": "yes"}, seen=start, made_by="李明"),
        op("answer", answer_id, {"value": "no"}, kind="update", base={"value": "yes"}, seen=start,
           made_by="李明"),
    )
    assert [r["status"] for r in results] == ["applied", "conflict"]
    records, cursor = wang.pull_all()
    assert by_id(records)[answer_id]["data"]["value"] == "yes"  # wang's write kept
    [conflict] = [r["data"] for r in records if r["entity"] == "conflict"]
    assert (conflict["field"], conflict["kept_value"], conflict["other_value"]) == ("value", "yes", "no")
    assert conflict["kept_by"] == "王建国" and conflict["other_by"] == "李明"

    # Once li has pulled wang's answer, li's change from it is an ordinary edit.
    _, li_cursor = li.pull_all()
    [taken] = li.push(op("answer", answer_id, {"value": "no"}, kind="update", base={"value": "yes"},
                         seen=li_cursor, made_by="李明"))
    assert taken["status"] == "applied"
    assert by_id(wang.pull_all(cursor)[0])[answer_id]["data"]["value"] == "no"
    # And a device's own earlier write is always one it has read.
    [own] = li.push(op("answer", answer_id, {"value": "yes"}, kind="update", base={"value": "no"},
                       seen=0, made_by="李明"))
    assert own["status"] == "applied"
