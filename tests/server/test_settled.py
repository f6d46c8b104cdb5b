"""A push settles what the server can tell the pushing laptop already holds: that laptop's
pulls skip those versions (the push result carried the server's time stamp), and anything the
server did not take from it comes back through the feed."""

from __future__ import annotations

from typing import Any

from .conftest import Device, Server, new_id, op
from .support import by_id, setup_visit, unit_op, visit_op


def push_at(device: Device, cursor: int, *ops: dict[str, Any]) -> list[dict[str, Any]]:
    response = device.post("/api/v1/push", json={"device_id": device.device_id,
                                                 "cursor": cursor, "ops": list(ops)})
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def test_own_writes_are_settled_and_not_sent_back(server: Server) -> None:
    server.add_user("wang")
    wang, other = server.enroll("wang"), server.enroll("wang")
    unit_id, visit_id = new_id(), new_id()
    created = wang.push(unit_op(unit_id), visit_op(visit_id, unit_id))
    assert all(r["settled"] and r["updated_at"] for r in created)
    finish = op("visit", visit_id, {"status": "finished"}, kind="update",
                base={"status": "planned"})
    [updated] = wang.push(finish)
    assert updated["settled"] and updated["status"] == "applied"  # a write on its own settled one
    own, cursor = wang.pull_all()
    assert not {unit_id, visit_id} & set(by_id(own)) and cursor >= updated["version"]
    theirs = by_id(other.pull_all()[0])
    assert theirs[visit_id]["data"]["status"] == "finished"
    # The stamp in the result is the one every other laptop receives.
    assert theirs[visit_id]["data"]["updated_at"] == updated["updated_at"]
    assert theirs[unit_id]["data"]["updated_at"] == created[0]["updated_at"]


def test_a_pulled_record_settles_only_when_the_push_names_a_cursor_past_it(server: Server) -> None:
    server.add_user("wang")
    server.add_user("li")
    wang, li = server.enroll("wang"), server.enroll("li")
    _, visit_id = setup_visit(wang)
    records, cursor = li.pull_all()
    assert visit_id in by_id(records)
    place = op("visit", visit_id, {"place": "二楼"}, kind="update", base={"place": "一楼大厅"},
               seen=cursor)
    [blind] = push_at(li, 0, place)  # without its cursor the server cannot tell what li holds
    assert blind["status"] == "applied" and not blind["settled"]
    assert by_id(li.pull_all(cursor)[0])[visit_id]["data"]["place"] == "二楼"
    _, cursor = li.pull_all(cursor)
    again = op("visit", visit_id, {"place": "三楼"}, kind="update", base={"place": "二楼"})
    [known] = push_at(li, cursor, again)
    assert known["settled"]
    assert li.pull_all(cursor)[0] == []
    assert by_id(wang.pull_all()[0])[visit_id]["data"]["place"] == "三楼"


def test_what_the_server_did_not_take_comes_back_to_the_pusher(server: Server) -> None:
    server.add_user("wang")
    server.add_user("li")
    wang, li = server.enroll("wang"), server.enroll("li")
    _, visit_id = setup_visit(wang)
    answer_id = new_id()
    [made] = wang.push(op("answer", answer_id, {"visit_id": visit_id, "item_key": "q1", "value": 1}))
    assert made["settled"]
    _, cursor = wang.pull_all()
    # A refused change to a record settled for wang: wang's copy now differs, so the server's
    # copy is sent again.
    move = op("answer", answer_id, {"visit_id": new_id()}, kind="update", base={"visit_id": visit_id})
    [refused] = wang.push(move)
    assert refused["status"] == "rejected" and not refused["settled"]
    back = by_id(wang.pull_all(cursor)[0])
    assert back[answer_id]["data"]["visit_id"] == visit_id
    assert any(r["entity"] == "rejection" for r in back.values())
    _, cursor = wang.pull_all(cursor)
    # A conflict: li changed the value first; wang's change from the old value is not taken.
    _, li_cursor = li.pull_all()
    [li_change] = push_at(li, li_cursor, op("answer", answer_id, {"value": 2}, kind="update",
                                            base={"value": 1}))
    assert li_change["settled"]
    [clash] = push_at(wang, cursor, op("answer", answer_id, {"value": 3}, kind="update",
                                       base={"value": 1}))
    assert clash["status"] == "conflict" and not clash["settled"]
    back = by_id(wang.pull_all(cursor)[0])
    assert back[answer_id]["data"]["value"] == 2
    assert any(r["entity"] == "conflict" for r in back.values())
    # The record went out again (wang's cursor had passed it), to li as well, unchanged; and
    # the conflict about li's write reaches li too.
    li_sees = li.pull_all(li_cursor)[0]
    assert by_id(li_sees)[answer_id]["data"]["value"] == 2
    assert any(r["entity"] == "conflict" for r in li_sees)


def test_a_visit_moved_to_another_team_reaches_it_whoever_wrote_its_children(server: Server) -> None:
    server.add_user("boss", role="supervisor", team="")
    server.add_user("wang", team="一组")
    server.add_user("zhao", team="二组")
    boss, wang, zhao = server.enroll("boss"), server.enroll("wang"), server.enroll("zhao")
    _, visit_id = setup_visit(boss, team="一组")
    answer_id = new_id()
    assert boss.push(op("answer", answer_id, {"visit_id": visit_id, "item_key": "q1",
                                              "value": 1}))[0]["settled"]
    _, boss_cursor = boss.pull_all()
    move = op("visit", visit_id, {"team": "二组"}, kind="update", base={"team": "一组"})
    assert boss.push(move)[0]["settled"]
    assert answer_id in by_id(zhao.pull_all()[0])
    # The moved children are new versions for everyone, the supervisor's laptop included.
    assert answer_id in by_id(boss.pull_all(boss_cursor)[0])
    assert visit_id not in by_id(wang.pull_all()[0])
