"""How a change the server turned down, and one it recorded with a clash, read on the card."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from fieldcheck.ui.sync import data
from fieldcheck.ui.sync.conflicts import _RejectionCard


def _texts(card: _RejectionCard) -> list[str]:
    return [label.text() for label in card.findChildren(QLabel)]


def _row(code: str, message: str = "") -> data.RejectionRow:
    return data.RejectionRow(
        id="r1", visit_id=None, where="市政务服务中心　2026-11-20", what="文书",
        reason=data.rejection_reason(code, message), change="文号＝清监改〔2026〕1号",
        made_by="李红", made_at="2026-11-20 10:00", kept=code in data.KEPT_CODES)


def test_a_clashing_number_reads_as_recorded_with_what_to_do(qtbot: QtBot) -> None:
    card = _RejectionCard(_row("number_clash"))
    qtbot.addWidget(card)
    texts = _texts(card)
    assert "已记入服务器的更改：文号＝清监改〔2026〕1号" in texts
    assert not any(text.startswith("被拒的更改") for text in texts)
    assert any("更正" in text and "新文号" in text for text in texts)


def test_a_refused_change_still_reads_as_refused(qtbot: QtBot) -> None:
    card = _RejectionCard(_row("forbidden"))
    qtbot.addWidget(card)
    texts = _texts(card)
    assert "被拒的更改：文号＝清监改〔2026〕1号" in texts
    assert any("无权修改" in text for text in texts)
