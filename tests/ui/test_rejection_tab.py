"""同步 → the rejections tab: refusals, and clashes the server recorded, with what each needs."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from fieldcheck.domain.changes import untracked
from fieldcheck.models import Rejection
from fieldcheck.store import Store
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.sync.conflicts import ConflictsDialog


def _pulled_rejection(store: Store, code: str, changed: dict[str, object]) -> None:
    """What a sync brings: the bureau's record of a change it refused or recorded with advice."""
    with store.write() as s, untracked(s):
        s.add(Rejection(id=str(uuid.uuid4()), op_id=str(uuid.uuid4()), entity="notice",
                        entity_id=str(uuid.uuid4()), code=code, message="", changed=changed,
                        made_by="李红", made_at="2026-11-20T02:00:00.000000Z"))


def _open(qtbot: QtBot, ctx: AppContext, expected_title: str) -> ConflictsDialog:
    dialog = ConflictsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.tabs.tabText(1) == expected_title, timeout=30_000)
    return dialog


def test_refusals_and_recorded_clashes_each_say_what_they_are(qtbot: QtBot, ctx: AppContext) -> None:
    _pulled_rejection(ctx.store, "notice_issued", {"pdf_sha256": "c" * 64})
    dialog = _open(qtbot, ctx, "被拒的更改（1）")
    dialog.close()

    _pulled_rejection(ctx.store, "number_clash", {"number": "清监改〔2026〕1号"})
    dialog = _open(qtbot, ctx, "被拒或待处理的更改（2）")
    texts = [w.text() for w in dialog.findChildren(QLabel)]
    assert "已记入服务器的更改：文号＝清监改〔2026〕1号" in texts
    assert any(t.startswith("被拒的更改：") for t in texts)
    assert any("更正" in t and "新文号" in t for t in texts)
