"""Who receives what: team scopes, confidential plans, re-scoping when a visit changes team."""

from __future__ import annotations

from .conftest import Server, new_id, op
from .support import by_id, setup_visit, unit_op, visit_op


def test_confidential_plan_reaches_only_its_team(server: Server) -> None:
    server.add_user("boss", role="supervisor", team="")
    server.add_user("other_boss", role="supervisor", team="")
    server.add_user("wang", team="一组")
    server.add_user("zhao", team="二组")
    boss, other_boss = server.enroll("boss"), server.enroll("other_boss")
    wang, zhao = server.enroll("wang"), server.enroll("zhao")
    unit_id, plan_id, open_id = new_id(), new_id(), new_id()
    results = boss.push(
        unit_op(unit_id),
        visit_op(plan_id, unit_id, team="二组", confidential=True, kind="unannounced"),
        visit_op(open_id, unit_id, team="二组"),
    )
    assert [r["status"] for r in results] == ["applied"] * 3
    child = op("observation", new_id(), {"visit_id": plan_id, "text": "窗口无人",
                                         "at": "2026-11-27T08:00:00.000000Z"})
    assert zhao.push(child)[0]["status"] == "applied"
    zhao_sees = by_id(server.enroll("zhao").pull_all()[0])  # zhao's other laptop
    assert plan_id in zhao_sees and child["entity_id"] in zhao_sees and open_id in zhao_sees
    for outsider in (wang, other_boss):
        seen = by_id(outsider.pull_all()[0])
        assert plan_id not in seen and child["entity_id"] not in seen
        assert unit_id in seen  # the directory reaches everyone
    assert open_id in by_id(other_boss.pull_all()[0])  # supervisors see ordinary visits
    assert open_id not in by_id(wang.pull_all()[0])
    assert plan_id in by_id(server.enroll("boss").pull_all()[0])  # whoever planned it


def test_changing_team_moves_the_visit_and_its_children(server: Server) -> None:
    server.add_user("boss", role="supervisor", team="")
    server.add_user("wang", team="一组")
    server.add_user("zhao", team="二组")
    boss, wang, zhao = server.enroll("boss"), server.enroll("wang"), server.enroll("zhao")
    _, visit_id = setup_visit(wang, team="一组")
    answer_id = new_id()
    wang.push(op("answer", answer_id, {"visit_id": visit_id, "item_key": "q1", "value": True}))
    _, zhao_cursor = zhao.pull_all()
    _, boss_cursor = boss.pull_all()  # the supervisor reassigns the visit it has in front of it
    move = op("visit", visit_id, {"team": "二组"}, kind="update", base={"team": "一组"},
              seen=boss_cursor)
    assert boss.push(move)[0]["status"] == "applied"
    moved = by_id(zhao.pull_all(zhao_cursor)[0])
    assert visit_id in moved and answer_id in moved
    assert moved[answer_id]["version"] > zhao_cursor


def test_inspectors_plan_only_for_their_own_team(server: Server) -> None:
    server.add_user("wang", team="一组")
    server.add_user("zhao", team="二组")
    wang, zhao = server.enroll("wang"), server.enroll("zhao")
    unit_id, visit_id = new_id(), new_id()
    results = wang.push(unit_op(unit_id), visit_op(visit_id, unit_id, team="二组"))
    assert results[1]["code"] == "forbidden"
    assert visit_id not in by_id(zhao.pull_all()[0])
    rejection = next(r for r in wang.pull_all()[0] if r["entity"] == "rejection")
    assert rejection["data"]["entity_id"] == visit_id
    # Nor may they write into another team's visit.
    _, theirs = setup_visit(zhao, team="二组")
    sneak = op("observation", new_id(), {"visit_id": theirs, "text": "x",
                                         "at": "2026-11-27T08:00:00.000000Z"})
    assert wang.push(sneak)[0]["code"] == "forbidden"
    edit = op("visit", theirs, {"place": "x"}, kind="update", base={"place": "一楼大厅"})
    assert wang.push(edit)[0]["code"] == "forbidden"
    assert by_id(server.enroll("zhao").pull_all()[0])[theirs]["data"]["place"] == "一楼大厅"


def test_cursor_never_passes_records_and_pages(server: Server) -> None:
    server.add_user("wang")
    wang = server.enroll("wang")
    unit_id = new_id()
    wang.push(unit_op(unit_id))
    visits = [new_id() for _ in range(7)]
    wang.push(*[visit_op(v, unit_id) for v in visits])
    reader = server.enroll("wang")  # another laptop: the pusher's own writes are settled
    seen: list[int] = []
    cursor = 0
    for _ in range(100):
        page = reader.get("/api/v1/pull", params={"cursor": cursor, "limit": 3}).json()
        assert page["cursor"] >= cursor
        seen.extend(r["version"] for r in page["records"])
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert seen == sorted(set(seen))
    assert set(visits) <= {r["id"] for r in reader.pull_all()[0]}
