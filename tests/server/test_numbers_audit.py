"""Document-number leases and the bureau's copy of each device's audit chain."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fieldcheck.hashing import GENESIS, event_hash
from fieldcheck.server.tables import ServerAuditEvent

from .conftest import Device, Server, new_id


def lease(device: Device, key: str, size: int = 10, notice_type: str = "rectification") -> Any:
    return device.post("/api/v1/numbers/lease", json={
        "lease_key": key, "notice_type": notice_type, "year": 2099, "size": size})


def test_leases_are_idempotent_and_never_overlap(server: Server) -> None:
    server.add_user("wang")
    server.add_user("li")
    a, b = server.enroll("wang"), server.enroll("li")
    key = new_id()
    first = lease(a, key).json()
    assert lease(a, key).json() == first
    assert first["expires_at"] <= "2099-12-31T16:00:00.000000Z"
    other = lease(b, key).json()  # the same key from another device is another lease
    assert other["block_id"] != first["block_id"]

    def take(device: Device) -> tuple[int, int]:
        body = lease(device, new_id(), size=5).json()
        return body["first_seq"], body["last_seq"]

    with ThreadPoolExecutor(4) as pool:
        blocks = list(pool.map(take, [a, b] * 10))
    blocks += [(first["first_seq"], first["last_seq"]), (other["first_seq"], other["last_seq"])]
    numbers = [n for lo, hi in blocks for n in range(lo, hi + 1)]
    assert len(numbers) == len(set(numbers)) == 5 * 20 + 20
    # Each type and year counts on its own.
    assert lease(a, new_id(), notice_type="record").json()["first_seq"] == 1
    bad = lease(a, new_id(), notice_type="../x")
    assert bad.status_code == 422


def test_past_year_is_closed(server: Server) -> None:
    server.add_user("wang")
    a = server.enroll("wang")
    response = a.post("/api/v1/numbers/lease", json={
        "lease_key": new_id(), "notice_type": "record", "year": 2001, "size": 1})
    assert response.status_code == 409 and response.json()["error"]["code"] == "year_closed"


def chain(device_id: str, count: int, start: int = 1, prev: str = GENESIS) -> list[dict[str, Any]]:
    events = []
    for seq in range(start, start + count):
        event = {
            "seq": seq, "id": str(uuid.uuid4()), "at": "2026-11-27T08:00:00.000000Z",
            "actor": "王建国", "device_id": device_id, "action": "visit.edit",
            "entity": "visit", "entity_id": str(uuid.uuid4()), "detail": {"n": seq},
            "record_hash": "", "prev_hash": prev,
        }
        event["hash"] = event_hash(prev, event)
        prev = event["hash"]
        events.append(event)
    return events


def test_audit_chain_accepted_replayed_and_continued(server: Server) -> None:
    server.add_user("wang")
    a = server.enroll("wang")
    events = chain(a.device_id, 5)
    body = {"device_id": a.device_id, "events": events[:3]}
    first = a.post("/api/v1/audit", json=body)
    assert first.json() == {"head_seq": 3, "head_hash": events[2]["hash"]}
    assert a.post("/api/v1/audit", json=body).json() == first.json()  # a replay
    rest = a.post("/api/v1/audit", json={"device_id": a.device_id, "events": events[1:]})
    assert rest.json() == {"head_seq": 5, "head_hash": events[4]["hash"]}
    assert a.get("/api/v1/audit/head").json()["head_seq"] == 5


def test_audit_chain_break_is_refused_and_nothing_stored(server: Server) -> None:
    server.add_user("wang")
    server.add_user("li")
    a, b = server.enroll("wang"), server.enroll("li")
    events = chain(a.device_id, 4)
    a.post("/api/v1/audit", json={"device_id": a.device_id, "events": events[:2]})
    # An edited event: its hash no longer matches.
    edited = [dict(events[2], actor="别人"), events[3]]
    # A removed event: the next one does not continue the head.
    skipped = [events[3]]
    # A rewritten history: a different chain from genesis.
    rewritten = chain(a.device_id, 3)
    for bad in (edited, skipped, rewritten):
        response = a.post("/api/v1/audit", json={"device_id": a.device_id, "events": bad})
        assert response.status_code == 409, bad
        assert response.json()["error"]["code"] == "audit_chain_broken"
    with server.database.read() as session:
        assert session.query(ServerAuditEvent).count() == 2
    # Another device's events are not this device's to send.
    theirs = a.post("/api/v1/audit", json={"device_id": b.device_id,
                                           "events": chain(b.device_id, 1)})
    assert theirs.status_code == 403
    mixed = a.post("/api/v1/audit", json={"device_id": a.device_id,
                                          "events": chain(b.device_id, 1)})
    assert mixed.status_code == 403


def test_a_number_leased_to_one_device_is_refused_from_another(server: Server) -> None:
    from .conftest import op
    from .support import setup_visit

    server.add_user("wang")
    server.add_user("li")
    a, b = server.enroll("wang"), server.enroll("li")
    unit_id, visit_id = setup_visit(a)
    block = lease(a, new_id(), size=5).json()
    seq = block["first_seq"] + 1

    def notice(number_seq: int, sha: str) -> dict[str, Any]:
        return op("notice", new_id(), {
            "type": "rectification", "visit_id": visit_id, "unit_id": unit_id,
            "status": "issued", "number": f"衡监整改〔2099〕{number_seq}号", "number_year": 2099,
            "number_seq": number_seq, "pdf_sha256": sha * 64,
            "issued_at": "2099-11-27T08:00:00.000000Z"})

    # Another laptop printing a number from a's block (a copied store, a clock or a bug): the
    # paper exists, so it is recorded, but as a clash, and the number is not its to take.
    [stolen] = b.push(notice(seq, "b"))
    assert (stolen["status"], stolen["code"]) == ("applied", "number_clash")
    assert "另一台设备领取的号段" in stolen["message"]
    # The laptop that leased it may; a number outside every block (printed before enrolment)
    # is accepted and never leased afterwards.
    [own] = a.push(notice(seq, "a"))
    assert (own["status"], own["code"]) == ("applied", "")
    outside = block["last_seq"] + 3
    assert b.push(notice(outside, "c"))[0]["status"] == "applied"
    assert lease(b, new_id(), size=5).json()["first_seq"] > outside


def test_a_restored_laptop_continues_only_its_own_accounts_device(server: Server) -> None:
    from .conftest import PASSWORD, SCHEMA

    server.add_user("wang")
    server.add_user("li")
    old, other = server.enroll("wang"), server.enroll("li")
    events = chain(old.device_id, 4)
    assert old.post("/api/v1/audit", json={"device_id": old.device_id, "events": events}).status_code == 200

    def continue_(username: str, device_id: str, restored_from: str) -> Any:
        return server.client.post("/api/v1/enroll", headers=SCHEMA, json={
            "username": username, "password": PASSWORD, "device_id": device_id,
            "restored_from": restored_from})

    assert continue_("li", new_id(), old.device_id).status_code == 403  # not li's laptop
    assert continue_("wang", new_id(), other.device_id).status_code == 403  # nor li's device
    assert continue_("wang", other.device_id, old.device_id).status_code in (403, 409)
    new_id_ = new_id()
    reply = continue_("wang", new_id_, old.device_id)
    assert reply.status_code == 200, reply.text
    assert old.get("/api/v1/audit/head").status_code == 403  # the old self stopped
    assert old.get("/api/v1/audit/head").json()["error"]["code"] == "device_revoked"
    new = Device(new_id_, reply.json()["token"], server.client, reply.json()["user"],
                 {**SCHEMA, "Authorization": f"Bearer {reply.json()['token']}"})
    # Its chain starts again from the first event, with the old self's events in it.
    mine = chain(new.device_id, 2, start=5, prev=events[-1]["hash"])
    pushed = new.post("/api/v1/audit", json={"device_id": new.device_id, "events": events + mine})
    assert pushed.status_code == 200 and pushed.json()["head_seq"] == 6
    # Another device's events are still refused.
    stranger = chain(other.device_id, 1, start=7, prev=mine[-1]["hash"])
    assert new.post("/api/v1/audit", json={"device_id": new.device_id, "events": stranger}).status_code == 403
