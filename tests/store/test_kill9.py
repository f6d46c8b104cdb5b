"""kill -9 at any moment loses nothing already acknowledged and leaves nothing dangling."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, text

from fieldcheck.domain.changes import verify_chain
from fieldcheck.models import Observation, Photo
from fieldcheck.store import open_store

pytestmark = pytest.mark.slow

TYPIST = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from fieldcheck import templates as tpl
    from fieldcheck.domain import checklist, observations
    from fieldcheck.domain.checklist import publish_template
    from fieldcheck.domain.people import add_unit
    from fieldcheck.domain.visits import start_new_visit
    from fieldcheck.store import open_store

    store = open_store(Path(sys.argv[1]))
    store.set_identity("孙志强", "清监字第2026005号")
    with store.write() as s:
        version = publish_template(s, tpl.load_template(Path(sys.argv[2])))
        unit = add_unit(s, "清河市医疗保障局医保经办窗口", "service_window")
        visit = start_new_visit(s, unit_id=unit.id, kind="unannounced", template_version_id=version.id)
        vid = visit.id
    print("visit", vid, flush=True)
    n = 0
    while True:
        n += 1
        with store.write() as s:
            observations.add_observation(s, vid, f"观察记录第{n}条")
            checklist.answer_item(s, vid, "wait", n % 600)
        print("ack", n, flush=True)
    """
)

# A store with one visit of the test template (argv: data dir, template, folder of photos).
_IMPORT_SETUP = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from fieldcheck import templates as tpl
    from fieldcheck.domain.checklist import publish_template
    from fieldcheck.domain.evidence import import_photos
    from fieldcheck.domain.people import add_unit
    from fieldcheck.domain.visits import start_new_visit
    from fieldcheck.store import open_store

    store = open_store(Path(sys.argv[1]))
    store.set_identity("孙志强", "清监字第2026005号")
    with store.write() as s:
        version = publish_template(s, tpl.load_template(Path(sys.argv[2])))
        unit = add_unit(s, "清河市住房公积金管理中心", "department")
        vid = start_new_visit(s, unit_id=unit.id, kind="open", template_version_id=version.id).id
    print("visit", vid, flush=True)
    """
)

IMPORTER = _IMPORT_SETUP + textwrap.dedent(
    """
    for path in sorted(Path(sys.argv[3]).glob("*.jpg")):
        report = import_photos(store, vid, [path])
        for pid in report.added:
            print("ack", path.name, flush=True)
    print("done", flush=True)
    """
)

# The whole card in one call, as the GUI and `fieldcheck import-photos` do: photos are
# prepared on every core, and `progress` reports each one after its row is committed.
PARALLEL_IMPORTER = _IMPORT_SETUP + textwrap.dedent(
    """
    paths = sorted(Path(sys.argv[3]).glob("*.jpg"))
    import_photos(store, vid, paths,
                  progress=lambda done, total: print("ack", paths[done - 1].name, flush=True))
    print("done", flush=True)
    """
)

TEMPLATE = Path(__file__).parents[1] / "data" / "test_template.json"


def _run_and_kill(script: str, args: list[str], acks_wanted: int) -> list[str]:
    proc = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True)
    acked: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("ack"):
            acked.append(line.split(maxsplit=1)[1].strip())
            if len(acked) >= acks_wanted:
                break
        elif line.startswith("done"):
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return acked


def test_kill_during_typing_keeps_every_acknowledged_edit(tmp_path: Path) -> None:
    acked = _run_and_kill(TYPIST, [str(tmp_path), str(TEMPLATE)], acks_wanted=40)
    assert len(acked) == 40
    store = open_store(tmp_path)
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    with store.read() as s:
        texts = set(s.scalars(select(Observation.text)))
        assert {f"观察记录第{n}条" for n in map(int, acked)} <= texts
        assert verify_chain(s) == []


def _make_photos(folder: Path, count: int) -> None:
    folder.mkdir()
    for n in range(count):
        img = Image.new("RGB", (1600, 1200), (n * 9 % 256, 90, 160))
        img.save(folder / f"IMG_{n:04d}.jpg", quality=90)


def test_kill_during_photo_import_leaves_no_row_without_its_file(tmp_path: Path) -> None:
    photos = tmp_path / "card"
    _make_photos(photos, 40)
    data = tmp_path / "data"
    acked = _run_and_kill(IMPORTER, [str(data), str(TEMPLATE), str(photos)], acks_wanted=12)
    assert len(acked) >= 12
    store = open_store(data)
    with store.read() as s:
        rows = s.scalars(select(Photo)).all()
    names = {row.original_name for row in rows}
    assert set(acked) <= names
    for row in rows:
        original = store.blobs.original_path(row.sha256)
        assert original.exists(), f"row {row.original_name} points at a missing file"
        assert hashlib.sha256(original.read_bytes()).hexdigest() == row.sha256
        assert store.blobs.thumbnail_path(row.sha256).exists()
    # A file under its final name is always complete: the name is the hash of its bytes.
    for final in (data / "photos" / "originals").rglob("*"):
        if final.is_file() and not final.name.startswith("."):
            assert hashlib.sha256(final.read_bytes()).hexdigest() == final.name.split(".")[0]


def test_kill_during_a_parallel_import_keeps_every_acknowledged_photo_and_no_orphan(tmp_path: Path) -> None:
    photos = tmp_path / "card"
    _make_photos(photos, 40)
    data = tmp_path / "data"
    acked = _run_and_kill(PARALLEL_IMPORTER, [str(data), str(TEMPLATE), str(photos)], acks_wanted=12)
    assert len(acked) >= 12
    store = open_store(data)  # as the next start does (it also clears crash leftovers)
    with store.read() as s:
        rows = s.scalars(select(Photo)).all()
    assert set(acked) <= {row.original_name for row in rows}
    referenced = {row.sha256 for row in rows}
    for sha in referenced:
        original = store.blobs.original_path(sha)
        assert hashlib.sha256(original.read_bytes()).hexdigest() == sha
        assert store.blobs.thumbnail_path(sha).exists()
    files = [p for p in (data / "photos").rglob("*") if p.is_file()]
    finals = [p for p in files if not p.name.startswith(".tmp-")]
    for final in finals:  # under its final name a file is always whole: the name is its hash
        if "originals" in final.parts:
            assert hashlib.sha256(final.read_bytes()).hexdigest() == final.name
    # Photos prepared ahead on the other cores are only ever temporary files: nothing under
    # a final name lacks its row, except the one photo whose files were being put in place
    # when the process died (its row not yet committed, so never acknowledged; a new import
    # of it links that file).
    unreferenced = {p.name.split(".")[0] for p in finals} - referenced
    assert len(unreferenced) <= 1
    assert store.blobs.cleanup_temp(older_than=timedelta(0)) == len(files) - len(finals)
    assert not any(p.name.startswith(".tmp-") for p in (data / "photos").rglob("*"))
