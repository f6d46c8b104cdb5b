"""The 记录结论 of a 现场检查记录 follows what the inspector enters: read aloud, disputed items."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from ui_notices_helpers import Answers, pdf_text, wait_idle

from fieldcheck.domain import notices
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.store import Store
from fieldcheck.ui.notices.paragraphs import ParagraphList

pytestmark = pytest.mark.usefixtures("own_issuer")


STROKE = [[(0.0, 0.0), (60.0, 20.0)]]  # a signature's strokes (its image is drawn from them)


def _type(edit: Any, text: str) -> None:
    """As a Chinese input method commits typed text into a field."""
    edit.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


def _erase(qtbot: Any, edit: Any) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)


def _closing(store: Store, notice_id: str) -> str:
    path = store.data_dir / "closing.pdf"
    path.write_bytes(notices.render_draft(store, notice_id, load_settings(store.data_dir)))
    return "".join(pdf_text(path).split())


def test_a_disputed_finding_and_its_reason_make_the_closing_sentence(
        qtbot: Any, store: Store, many_findings_visit: str, open_dialog: Any,
        answers: Answers) -> None:
    dialog = open_dialog(many_findings_visit)
    dialog.create_notice("record")
    wait_idle(qtbot, dialog)
    notice_id = dialog.detail.row.id
    with store.write() as s:
        notices.sign(s, notice_id, "recipient", "赵志刚", STROKE)
    dialog.select_notice(notice_id)
    wait_idle(qtbot, dialog)
    editor = dialog.editor
    assert editor.closing_card.isVisible() and not editor.read_aloud.isChecked()
    assert "阅看，其确认无误并签名" in _closing(store, notice_id)

    _type(editor.disputed_items, "3、12")
    assert editor.dispute_note.isVisible() and "没有第 12 项" in editor.dispute_note.text()
    _erase(qtbot, editor.disputed_items)
    _type(editor.disputed_items, "3，7")
    _type(editor.dispute_reason, "该两件系申请人补正材料耗时，不属超时")
    assert not editor.dispute_note.isVisible()
    editor.read_aloud.setChecked(True)
    dialog.flush_edits()
    wait_idle(qtbot, dialog)

    text = _closing(store, notice_id)
    assert ("其对以下内容有异议：问题清单第3、7项（理由：该两件系申请人补正材料耗时，不属超时）。"
            "对其余内容确认无误并签名。") in text
    assert "其确认无误并签名" not in text.replace("对其余内容确认无误并签名", "")
    with store.read() as s:
        fields = notices.get_notice(s, notice_id).content["fields"]
        assert fields["disputed_items"] == "3，7" and fields["read_aloud"] == "1"

    # Opened again, the editor shows what was entered; with the dispute withdrawn and the
    # record read aloud, the closing says so.
    dialog.select_notice(notice_id)
    wait_idle(qtbot, dialog)
    assert editor.read_aloud.isChecked() and editor.disputed_items.text() == "3，7"
    _erase(qtbot, editor.disputed_items)
    _erase(qtbot, editor.dispute_reason)
    dialog.flush_edits()
    wait_idle(qtbot, dialog)
    text = _closing(store, notice_id)
    assert "以上记录已向被检查单位负责人赵志刚宣读，其确认无误并签名。" in text
    assert "异议" not in text


def test_a_notice_without_a_closing_has_no_closing_block(
        qtbot: Any, finding_visit: str, open_dialog: Any, answers: Answers) -> None:
    dialog = open_dialog(finding_visit)
    dialog.create_notice("rectification")
    wait_idle(qtbot, dialog)
    assert dialog.detail.closing is None and not dialog.editor.closing_card.isVisible()


def test_the_closing_marker_is_a_fixed_block_that_moves_but_cannot_be_edited(qtbot: Any) -> None:
    body = ParagraphList()
    qtbot.addWidget(body)
    body.set_paragraphs(["检查人员出示证件。", "〖问题清单〗", "〖记录结论〗"], findings_count=2)
    closing = body.rows[2]
    assert closing.marker and closing.editor is None and not closing.remove.isVisible()
    body.remove(closing)  # refused: the sentence is printed from what happened
    body.move_row(closing, -1)
    body.insert_after(closing, "以下空白。")
    assert body.paragraphs() == ["检查人员出示证件。", "〖记录结论〗", "以下空白。", "〖问题清单〗"]
