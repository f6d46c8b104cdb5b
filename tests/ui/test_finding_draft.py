"""A finding being typed survives a crash; evidence can be unticked."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_workspace import open_workspace, planned_visit
from ui_helpers import make_jpeg, type_chinese

from fieldcheck.domain import evidence, findings
from fieldcheck.domain.visits import start_visit
from fieldcheck.models import Photo
from fieldcheck.ui.common.context import AppContext

pytestmark = pytest.mark.gui


def _started(ctx: AppContext) -> str:
    visit_id = planned_visit(ctx)
    with ctx.store.write() as s:
        start_visit(s, visit_id)
    return visit_id


def test_an_unsaved_finding_is_restored_after_a_crash(qtbot: QtBot, ctx: AppContext) -> None:
    visit_id = _started(ctx)
    ws = open_workspace(qtbot, ctx, visit_id)
    editor = ws.findings.new_finding(None)
    assert editor is not None
    editor.category.setCurrentIndex(editor.category.findData("slow"))
    editor.description.setFocus()
    type_chinese(editor.description, "窗口推诿，群众三次往返仍未办结")
    qtbot.waitUntil(lambda: _draft(ctx, visit_id) is not None, timeout=5000)
    qtbot.waitUntil(lambda: (_draft(ctx, visit_id) or {}).get("fields", {}).get("description")
                    == "窗口推诿，群众三次往返仍未办结", timeout=5000)
    # The app dies here (no save, no cancel). On the next start the editor comes back as it was.
    editor.blockSignals(True)
    ws.close()
    again = open_workspace(qtbot, ctx, visit_id)
    qtbot.waitUntil(lambda: again.findings.editor is not None and again.findings.editor.isVisible())
    restored = again.findings.editor
    assert restored is not None
    assert restored.values()["description"] == "窗口推诿，群众三次往返仍未办结"
    assert restored.values()["category"] == "slow"
    restored.save()
    qtbot.waitUntil(lambda: len(again.findings.rows) == 1)
    assert _draft(ctx, visit_id) is None  # saved: the draft went in the same transaction
    ctx.tasks.wait()


def test_a_draft_read_before_its_visit_still_comes_back(
        qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    # The draft and the visit are read side by side; the visit (which says whether it may be
    # edited) can arrive second. The crashed-out finding must reopen all the same.
    import time

    from fieldcheck.ui.findings import data as findings_data
    from fieldcheck.ui.visit import data as visit_data

    visit_id = _started(ctx)
    findings_data.keep_draft(ctx.store, visit_id, None, {"category": "slow", "description": "窗口推诿"}, [])
    read_visit = visit_data.load_visit

    def slow_visit(store: object, vid: str) -> object:
        time.sleep(0.5)  # the draft is read long before
        return read_visit(store, vid)  # type: ignore[arg-type]

    monkeypatch.setattr(visit_data, "load_visit", slow_visit)
    ws = open_workspace(qtbot, ctx, visit_id)
    qtbot.waitUntil(lambda: ws.findings.editor is not None and ws.findings.editor.isVisible())
    assert ws.findings.editor is not None
    assert ws.findings.editor.values()["description"] == "窗口推诿"
    ctx.tasks.wait()


def test_cancelling_drops_the_draft(qtbot: QtBot, ctx: AppContext) -> None:
    visit_id = _started(ctx)
    ws = open_workspace(qtbot, ctx, visit_id)
    editor = ws.findings.new_finding({"category": "other", "description": "草拟"})
    assert editor is not None
    editor.keep_draft()
    qtbot.waitUntil(lambda: _draft(ctx, visit_id) is not None)
    editor.reject()
    qtbot.waitUntil(lambda: _draft(ctx, visit_id) is None)
    ctx.tasks.wait()


def test_unticking_evidence_unlinks_it(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    visit_id = _started(ctx)
    report = evidence.import_photos(ctx.store, visit_id, [make_jpeg(tmp_path / "a.jpg", (9, 9, 9))])
    with ctx.store.write() as s:
        finding = findings.record_finding(s, visit_id, category="other", description="证据测试",
                                          deadline=None)
        findings.attach_evidence(s, finding.id, report.added)
        finding_id = finding.id
    ws = open_workspace(qtbot, ctx, visit_id)
    qtbot.waitUntil(lambda: len(ws.findings.rows) == 1 and len(ws.photos.model.rows) == 1)
    editor = ws.findings.edit(ws.findings.rows[0])
    assert editor is not None and editor.photo_ids() == report.added
    editor.photos.item(0).setCheckState(Qt.CheckState.Unchecked)
    editor.save()
    qtbot.waitUntil(lambda: ws.findings.rows[0].photo_ids == ())
    with ctx.store.read() as s:
        photo = s.get(Photo, report.added[0])
        assert photo is not None and photo.finding_id is None
        assert findings.findings_of(s, visit_id)[0].id == finding_id
    ctx.tasks.wait()


def _draft(ctx: AppContext, visit_id: str) -> dict | None:  # type: ignore[type-arg]
    with ctx.store.read() as s:
        return findings.finding_draft(s, visit_id)


def _button(box: object, text: str) -> object:
    return next(b for b in box.buttons() if b.text() == text)  # type: ignore[attr-defined]


def test_esc_and_the_close_button_ask_before_a_typed_finding_is_thrown_away(
        qtbot: QtBot, ctx: AppContext) -> None:
    visit_id = _started(ctx)
    ws = open_workspace(qtbot, ctx, visit_id)
    editor = ws.findings.new_finding(None)
    assert editor is not None
    qtbot.waitUntil(editor.isVisible)
    editor.category.setCurrentIndex(editor.category.findData("slow"))
    editor.description.setFocus()
    type_chinese(editor.description, "窗口推诿，群众三次往返仍未办结")

    qtbot.keyClick(editor, Qt.Key.Key_Escape)  # Esc: a question, not a lost finding
    question = editor.question
    assert question is not None and question.isVisible() and editor.isVisible()
    assert {b.text() for b in question.buttons()} == {"保存草稿", "放弃", "继续编辑"}
    _button(question, "继续编辑").click()  # type: ignore[attr-defined]
    assert editor.isVisible() and editor.values()["description"] == "窗口推诿，群众三次往返仍未办结"

    editor.close()  # the window's close button
    assert editor.question.isVisible() and editor.isVisible()  # type: ignore[union-attr]
    _button(editor.question, "保存草稿").click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not editor.isVisible())
    qtbot.waitUntil(lambda: (_draft(ctx, visit_id) or {}).get("fields", {}).get("description")
                    == "窗口推诿，群众三次往返仍未办结")
    ctx.tasks.wait()
    assert _draft(ctx, visit_id) is not None  # a deliberate close keeps the draft

    again = ws.findings.new_finding(None)  # reopening shows what was typed
    assert again is not None and again is not editor
    assert again.values()["description"] == "窗口推诿，群众三次往返仍未办结"
    assert again.values()["category"] == "slow"

    qtbot.keyClick(again, Qt.Key.Key_Escape)
    _button(again.question, "放弃").click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not again.isVisible())
    qtbot.waitUntil(lambda: _draft(ctx, visit_id) is None)
    fresh = ws.findings.new_finding(None)
    assert fresh is not None and fresh.values()["description"] == ""
    qtbot.keyClick(fresh, Qt.Key.Key_Escape)  # nothing typed: closes without a question
    assert not fresh.isVisible() and fresh.question is None
    ctx.tasks.wait()


def test_other_dialogs_with_typed_text_ask_too(qtbot: QtBot, ctx: AppContext) -> None:
    from fieldcheck.ui.common.dialogs import TextDialog
    from fieldcheck.ui.identity.dialog import IdentityDialog

    reason = TextDialog(None, "重新打开检查", "理由：")
    qtbot.addWidget(reason)
    reason.show()
    type_chinese(reason.edit, "补录照片")
    qtbot.keyClick(reason, Qt.Key.Key_Escape)
    assert reason.isVisible() and reason.question is not None
    assert {b.text() for b in reason.question.buttons()} == {"放弃", "继续编辑"}
    _button(reason.question, "放弃").click()  # type: ignore[attr-defined]
    assert not reason.isVisible()

    identity = IdentityDialog(ctx.store, ctx.tasks)
    qtbot.addWidget(identity)
    identity.show()
    type_chinese(identity.name, "李志强")
    identity.close()
    assert identity.isVisible() and identity.question is not None and identity.question.isVisible()
