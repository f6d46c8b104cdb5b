"""`fieldcheck verify` finds what was changed behind the app's back, and names it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from fieldcheck.domain import checklist, evidence, findings, notices, numbering
from fieldcheck.domain.integrity import verify_store
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.store import Store
from fieldcheck.store.database import DB_NAME

# Issuing needs the bureau's own issuer and 机关代字 in 文书设置 (not the demo's).
pytestmark = pytest.mark.usefixtures("own_issuer")


STROKE = [[(0.0, 0.0), (60.0, 20.0)]]  # a signature's strokes (its image is drawn from them)


@pytest.fixture
def worked(store: Store, visit_id: str, tmp_path: Path) -> dict[str, str]:
    """A visit with an answer, a finding, a photo and an issued 整改通知书."""
    photo = tmp_path / "大厅.jpg"
    Image.new("RGB", (640, 480), (30, 90, 160)).save(photo, "JPEG")
    with store.write() as s:
        checklist.answer_item(s, visit_id, "on_duty", "no")
        finding = findings.record_finding(s, visit_id, category="overtime", description="超时限办理",
                                          requirement="立即整改", deadline=date(2026, 12, 31))
    [photo_id] = evidence.import_photos(store, visit_id, [photo]).added
    settings = load_settings(store.data_dir)
    with store.write() as s:
        draft = notices.create_draft(s, visit_id, "rectification", settings)
        notices.sign(s, draft.id, "inspector", "王建国", STROKE)
    issued = notices.issue_notice(store, draft.id, settings, numbering.LocalAuthority())
    return {"finding": finding.id, "photo": photo_id, "notice": issued.id}


def _sql(store: Store, statement: str, *args: object) -> None:
    with sqlite3.connect(store.data_dir / DB_NAME) as conn:
        conn.execute(statement, args)


def test_a_store_as_the_app_left_it_checks_out(store: Store, worked: dict[str, str]) -> None:
    assert verify_store(store, full=True) == []


def test_a_finding_edited_with_the_sqlite_shell_is_named(store: Store, worked: dict[str, str]) -> None:
    _sql(store, "UPDATE findings SET description = '已整改' WHERE id = ?", worked["finding"])
    [problem] = verify_store(store)
    assert problem.what == "record" and worked["finding"] in problem.message


def test_an_edited_audit_event_breaks_the_chain(store: Store, worked: dict[str, str]) -> None:
    _sql(store, "UPDATE audit_events SET actor = '别人' WHERE seq = 3")
    problems = verify_store(store)
    assert any(p.what == "audit" for p in problems)


def test_an_issued_notice_set_back_to_draft_is_found(store: Store, worked: dict[str, str]) -> None:
    _sql(store, "UPDATE notices SET status = 'draft' WHERE id = ?", worked["notice"])
    assert [p.what for p in verify_store(store)] == ["record"]


def test_a_replaced_pdf_is_found_even_with_its_hash_rewritten(store: Store, worked: dict[str, str]) -> None:
    path = store.data_dir / "notices" / f"{worked['notice']}.pdf"
    path.write_bytes(b"%PDF-1.4 forged")
    [problem] = verify_store(store)
    assert problem.what == "notice" and "哈希不符" in problem.message
    import hashlib

    _sql(store, "UPDATE notices SET pdf_sha256 = ? WHERE id = ?",
         hashlib.sha256(b"%PDF-1.4 forged").hexdigest(), worked["notice"])
    assert [p.what for p in verify_store(store)] == ["record"]


def test_an_altered_or_missing_photo_original_is_named_by_its_photo(store: Store, worked: dict[str, str]) -> None:
    with store.read() as s:
        from fieldcheck.models import Photo

        sha = s.get(Photo, worked["photo"]).sha256  # type: ignore[union-attr]
    original = store.blobs.original_path(sha)
    original.chmod(0o600)
    original.write_bytes(original.read_bytes()[:-10] + b"0123456789")
    assert verify_store(store, full=False) == []  # the quick form only checks it is there
    [problem] = verify_store(store, full=True)
    assert problem.what == "photo" and "大厅.jpg" in problem.message and "改动" in problem.message
    original.unlink()
    [problem] = verify_store(store, full=False)
    assert "大厅.jpg" in problem.message and "不见了" in problem.message


def test_the_command_says_ok_or_lists_the_problems(store: Store, worked: dict[str, str]) -> None:
    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "fieldcheck.cli", "verify", "--data-dir",
                               str(store.data_dir)], capture_output=True, text=True, timeout=120)

    store.close()
    ok = run()
    assert ok.returncode == 0 and "检查通过" in ok.stdout and ok.stderr == ""
    _sql(store, "UPDATE findings SET severity = 'serious' WHERE id = ?", worked["finding"])
    bad = run()
    assert bad.returncode == 1 and worked["finding"] in bad.stderr and bad.stdout == ""
