"""Photo blobs: resumable, verified uploads; photo records wait for their bytes."""

from __future__ import annotations

import hashlib
import os

from .conftest import Server, new_id, op
from .support import by_id, setup_visit


def photo_op(photo_id: str, visit_id: str, sha: str, size: int) -> dict[str, object]:
    return op("photo", photo_id, {"visit_id": visit_id, "sha256": sha, "size": size,
                                  "mime": "image/jpeg", "caption": "窗口"})


def test_photo_deferred_until_blob_complete_then_resumed(server: Server) -> None:
    server.add_user("wang")
    wang = server.enroll("wang")
    _, visit_id = setup_visit(wang)
    data = os.urandom(300_000)
    sha = hashlib.sha256(data).hexdigest()
    photo_id = new_id()
    create = photo_op(photo_id, visit_id, sha, len(data))
    caption = op("photo", photo_id, {"caption": "窗口无人"}, kind="update", base={"caption": "窗口"})
    assert [r["status"] for r in wang.push(create, caption)] == ["deferred", "deferred"]
    assert photo_id not in by_id(wang.pull_all()[0])
    check = wang.post("/api/v1/blobs/check", json={"sha256": [sha]}).json()
    assert check["blobs"] == [{"sha256": sha, "have": False, "offset": 0}]
    half = len(data) // 2
    first = wang.put(f"/api/v1/blobs/{sha}", params={"offset": 0, "size": len(data)},
                     content=data[:half]).json()
    assert first == {"sha256": sha, "offset": half, "complete": False}
    # A lost response: the same chunk again is harmless; a gap is refused.
    assert wang.put(f"/api/v1/blobs/{sha}", params={"offset": 0, "size": len(data)},
                    content=data[:half]).json()["offset"] == half
    gap = wang.put(f"/api/v1/blobs/{sha}", params={"offset": half + 10}, content=b"x")
    assert gap.status_code == 409 and gap.json()["error"]["code"] == "offset_mismatch"
    resumed = wang.post("/api/v1/blobs/check", json={"sha256": [sha]}).json()["blobs"][0]
    assert resumed["offset"] == half and not resumed["have"]
    done = wang.put(f"/api/v1/blobs/{sha}", params={"offset": half, "size": len(data)},
                    content=data[half:]).json()
    assert done["complete"] is True
    assert wang.post("/api/v1/blobs/check", json={"sha256": [sha]}).json()["blobs"][0]["have"]
    assert [r["status"] for r in wang.push(create, caption)] == ["applied", "applied"]
    laptop2 = server.enroll("wang")  # the pusher holds it already; its other laptop receives it
    assert by_id(laptop2.pull_all()[0])[photo_id]["data"]["caption"] == "窗口无人"
    fetched = wang.get(f"/api/v1/blobs/{sha}")
    assert fetched.status_code == 200 and fetched.content == data
    stored = server.settings.blob_dir / sha[:2] / sha
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha


def test_upload_without_size_completes_when_hash_matches(server: Server) -> None:
    server.add_user("wang")
    wang = server.enroll("wang")
    data = b"photo bytes" * 1000
    sha = hashlib.sha256(data).hexdigest()
    part = wang.put(f"/api/v1/blobs/{sha}", params={"offset": 0}, content=data[:5000]).json()
    assert part["complete"] is False
    whole = wang.put(f"/api/v1/blobs/{sha}", params={"offset": 5000}, content=data[5000:]).json()
    assert whole["complete"] is True


def test_hash_mismatch_is_refused_and_dropped(server: Server) -> None:
    server.add_user("wang")
    wang = server.enroll("wang")
    data = os.urandom(10_000)
    sha = hashlib.sha256(b"something else").hexdigest()
    bad = wang.put(f"/api/v1/blobs/{sha}", params={"offset": 0, "size": len(data)}, content=data)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "hash_mismatch"
    state = wang.post("/api/v1/blobs/check", json={"sha256": [sha]}).json()["blobs"][0]
    assert state == {"sha256": sha, "have": False, "offset": 0}
    assert not (server.settings.blob_dir / sha[:2] / sha).exists()
    assert not list((server.settings.blob_dir / "partial").iterdir())
    assert wang.get(f"/api/v1/blobs/{sha}").status_code == 404


def test_path_tricks_in_blob_names(server: Server) -> None:
    server.add_user("wang")
    wang = server.enroll("wang")
    for name in ("..%2F..%2Fserver.db", "../../etc/passwd", "A" * 64, "0" * 63, "0" * 64 + "/x",
                 "%2e%2e%2f" + "0" * 55):
        response = wang.put(f"/api/v1/blobs/{name}", params={"offset": 0}, content=b"x")
        assert response.status_code in (404, 422), (name, response.status_code)
        assert wang.get(f"/api/v1/blobs/{name}").status_code in (404, 422)
    check = wang.post("/api/v1/blobs/check", json={"sha256": ["../x"]})
    assert check.status_code == 422
    assert not (server.settings.data_dir / "x").exists()


def test_blob_of_another_teams_photo_is_not_served(server: Server) -> None:
    server.add_user("wang", team="一组")
    server.add_user("zhao", team="二组")
    wang, zhao = server.enroll("wang"), server.enroll("zhao")
    _, visit_id = setup_visit(wang)
    data = os.urandom(1000)
    sha = hashlib.sha256(data).hexdigest()
    wang.put(f"/api/v1/blobs/{sha}", params={"offset": 0, "size": len(data)}, content=data)
    wang.push(photo_op(new_id(), visit_id, sha, len(data)))
    assert wang.get(f"/api/v1/blobs/{sha}").status_code == 200
    assert zhao.get(f"/api/v1/blobs/{sha}").status_code == 404


def test_empty_blob(server: Server) -> None:
    server.add_user("wang")
    wang = server.enroll("wang")
    empty = hashlib.sha256(b"").hexdigest()
    done = wang.put(f"/api/v1/blobs/{empty}", params={"offset": 0}, content=b"").json()
    assert done == {"sha256": empty, "offset": 0, "complete": True}
    other = wang.put(f"/api/v1/blobs/{'1' * 64}", params={"offset": 0}, content=b"").json()
    assert other["complete"] is False
