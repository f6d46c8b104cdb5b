"""At start the store is checked: a tampered or damaged one opens read-only with a plain
explanation, and the person can export what can be read or restore the latest good backup.
After a session that did not close cleanly the full check runs."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from fieldcheck import templates as tpl
from fieldcheck.domain import evidence, findings
from fieldcheck.domain.checklist import publish_template
from fieldcheck.domain.people import add_unit
from fieldcheck.domain.startup_check import RUNNING_MARK
from fieldcheck.domain.visits import start_new_visit
from fieldcheck.store import open_store
from fieldcheck.store.database import DB_NAME
from fieldcheck.store.migrate import backup_file
from fieldcheck.ui.app import build

pytestmark = pytest.mark.gui

TEMPLATE = Path(__file__).parents[1] / "data" / "test_template.json"


def _worked_store(data_dir: Path, tmp_path: Path) -> dict[str, str]:
    store = open_store(data_dir)
    store.set_identity("王建国", "清监字第2026001号")
    with store.write() as s:
        version = publish_template(s, tpl.load_template(TEMPLATE)).id
        unit = add_unit(s, "清河市政务服务中心", "service_window").id
        visit = start_new_visit(s, unit_id=unit, kind="open", template_version_id=version, place="大厅")
        finding = findings.record_finding(s, visit.id, category="overtime", description="超时限办理",
                                          requirement="立即整改", deadline=date(2026, 12, 31))
    photo = tmp_path / "大厅.jpg"
    Image.new("RGB", (320, 240), (30, 90, 160)).save(photo, "JPEG")
    evidence.import_photos(store, visit.id, [photo])
    with store.read() as s:
        [row] = evidence.photos_of(s, visit.id)
    store.close()
    return {"finding": finding.id, "visit": visit.id, "sha": row.sha256}


def _gate(qtbot: QtBot, boot: object) -> object:
    qtbot.waitUntil(lambda: getattr(boot, "integrity_gate", None) is not None, timeout=20_000)
    gate = boot.integrity_gate  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: gate.box.isVisible(), timeout=5000)
    return gate


def test_a_clean_store_starts_without_a_word(qtbot: QtBot, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _worked_store(data_dir, tmp_path)
    window, boot, tasks = build(data_dir, demo=False)
    qtbot.addWidget(window)
    # The list may show before the store is open (read with sqlite3); the store is the app's
    # once the main window is attached to it.
    qtbot.waitUntil(lambda: window.ctx is not None, timeout=20_000)
    assert getattr(boot, "integrity_gate", None) is None
    assert window.ctx is not None and not window.ctx.store.read_only
    assert (data_dir / RUNNING_MARK).exists()  # until a clean exit removes it
    tasks.wait()
    window.ctx.store.close()


def test_a_tampered_store_opens_read_only_and_exports_what_it_holds(qtbot: QtBot, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    ids = _worked_store(data_dir, tmp_path)
    with sqlite3.connect(data_dir / DB_NAME) as conn:
        conn.execute("UPDATE findings SET description = '已整改' WHERE id = ?", (ids["finding"],))
    before = (data_dir / DB_NAME).read_bytes()

    window, boot, tasks = build(data_dir, demo=False)
    qtbot.addWidget(window)
    gate = _gate(qtbot, boot)
    assert "只读" in gate.box.text() and ids["finding"] in gate.box.informativeText()
    assert gate.checked.store.read_only and gate.restore_button is None  # no backup exists yet

    target = tmp_path / "导出.json"
    gate.box.hide()
    gate.ask_export(target)
    qtbot.waitUntil(target.exists, timeout=10_000)
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert [f["description"] for f in exported["finding"]] == ["已整改"]
    qtbot.waitUntil(lambda: getattr(gate, "notice", None) is not None, timeout=5000)
    assert str(target) in gate.notice.text()
    gate.notice.done(0)

    with qtbot.waitSignal(boot.ready, timeout=5000):
        gate.view_button.click()  # look at the records, read-only
    qtbot.waitUntil(lambda: window.visits is not None, timeout=10_000)
    tasks.wait()
    gate.checked.store.close()
    assert (data_dir / DB_NAME).read_bytes() == before  # nothing was written to it


def test_the_latest_good_backup_is_restored_and_the_damaged_file_kept(qtbot: QtBot, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    ids = _worked_store(data_dir, tmp_path)
    backup_file(data_dir / DB_NAME, "0004")
    with sqlite3.connect(data_dir / DB_NAME) as conn:
        conn.execute("DELETE FROM findings WHERE id = ?", (ids["finding"],))

    window, boot, tasks = build(data_dir, demo=False)
    qtbot.addWidget(window)
    gate = _gate(qtbot, boot)
    assert gate.restore_button is not None and gate.backup.name in gate.box.informativeText()
    gate.box.hide()
    with qtbot.waitSignal(boot.quit_requested, timeout=10_000) as quit_:
        gate.ask_restore(confirm=False)
        qtbot.waitUntil(lambda: getattr(gate, "notice", None) is not None, timeout=10_000)
        assert "重新启动" in gate.notice.text()
        gate.notice.done(0)
    assert quit_.args == [0]
    tasks.wait()
    assert any(p.name.startswith("damaged-") for p in (data_dir / "backups").iterdir())

    from fieldcheck.domain.integrity import verify_store

    store = open_store(data_dir)
    try:
        assert verify_store(store, full=True) == []
        with store.read() as s:
            assert findings.findings_of(s, ids["visit"])[0].id == ids["finding"]
    finally:
        store.close()


def test_after_an_unclean_end_the_full_check_finds_an_altered_photo(qtbot: QtBot, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    ids = _worked_store(data_dir, tmp_path)
    store = open_store(data_dir)
    original = store.blobs.original_path(ids["sha"])
    store.close()
    original.chmod(0o600)
    original.write_bytes(original.read_bytes()[:-4] + b"edit")
    (data_dir / RUNNING_MARK).write_text("4242", encoding="ascii")  # the app was killed

    window, boot, tasks = build(data_dir, demo=False)
    qtbot.addWidget(window)
    gate = _gate(qtbot, boot)
    assert "大厅.jpg" in gate.box.informativeText()
    gate.box.hide()
    with qtbot.waitSignal(boot.quit_requested, timeout=5000):
        gate.quit_button.click()
    tasks.wait()
    gate.checked.store.close()


def test_a_corrupt_database_file_opens_the_gate_not_a_crash(qtbot: QtBot, tmp_path: Path) -> None:
    import random

    data_dir = tmp_path / "data"
    _worked_store(data_dir, tmp_path)
    db = data_dir / DB_NAME
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle:middle + 8192] = random.Random(3).randbytes(8192)
    db.write_bytes(bytes(data))

    window, boot, tasks = build(data_dir, demo=False)
    qtbot.addWidget(window)
    gate = _gate(qtbot, boot)
    assert "损坏" in gate.box.informativeText() and gate.checked.store.read_only
    gate.box.hide()
    with qtbot.waitSignal(boot.quit_requested, timeout=5000):
        gate.quit_button.click()
    tasks.wait()
    gate.checked.store.close()
    assert db.read_bytes() == bytes(data)
