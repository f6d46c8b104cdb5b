"""The signature pad and the sign dialog: strokes and a transparent PNG, and refusal to sign."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from ui_notices_helpers import Answers, pdf_text, wait_idle

from fieldcheck.domain import notices
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.store import Store
from fieldcheck.ui.notices.signature_pad import SignaturePad
from fieldcheck.ui.notices.signing import SignDialog

# Issuing needs the bureau's own issuer and 机关代字 in 文书设置 (not the demo's).
pytestmark = pytest.mark.usefixtures("own_issuer")


STROKE = [[(0.0, 0.0), (60.0, 20.0)]]  # a signature's strokes (its image is drawn from them)


def test_pad_exports_smooth_strokes_and_a_transparent_png(qtbot: Any) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(500, 180)
    pad.show()
    assert pad.is_empty() and pad.png() == b""
    with qtbot.waitSignal(pad.changed):
        qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(30, 120))
        for x in range(34, 200, 6):
            qtbot.mouseMove(pad, QPoint(x, 120 - x // 4))
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(200, 70))
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(240, 60))
    qtbot.mouseMove(pad, QPoint(260, 110))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(262, 112))

    strokes = pad.strokes()
    assert len(strokes) == 2 and len(strokes[0]) > 20
    assert strokes[0][0] == (30.0, 120.0)
    image = Image.open(io.BytesIO(pad.png()))
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0  # transparent around the ink
    alpha = image.getchannel("A")
    assert alpha.getbbox() is not None and alpha.getextrema()[1] == 255
    # cropped to the ink: about (262-30) x (120-60) pad pixels, drawn at 3x
    assert 650 < image.width < 800 and 170 < image.height < 260

    pad.clear()
    assert pad.is_empty() and pad.strokes() == []


def _pen_event(pen: QPointingDevice, kind: QEvent.Type, x: float, pressure: float) -> QTabletEvent:
    pressed = Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else Qt.MouseButton.LeftButton
    return QTabletEvent(kind, pen, QPointF(x, 120), QPointF(x, 120), pressure, 0.0, 0.0, 0.0, 0.0,
                        0.0, Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton, pressed)


def test_pad_draws_with_a_finger_and_with_a_pen(qtbot: Any) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(500, 180)
    pad.show()
    finger = QTest.createTouchDevice()
    QTest.touchEvent(pad, finger).press(0, QPoint(20, 50), pad).commit()
    for x in range(24, 200, 8):
        QTest.touchEvent(pad, finger).move(0, QPoint(x, 60), pad).commit()
    QTest.touchEvent(pad, finger).release(0, QPoint(200, 60), pad).commit()
    pen = QPointingDevice("pen", 7, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
                          QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 3)
    QApplication.sendEvent(pad, _pen_event(pen, QEvent.Type.TabletPress, 30, 0.2))
    for x in range(34, 300, 6):
        QApplication.sendEvent(pad, _pen_event(pen, QEvent.Type.TabletMove, x, x / 300))
    QApplication.sendEvent(pad, _pen_event(pen, QEvent.Type.TabletRelease, 300, 0.0))
    finger_stroke, pen_stroke = pad.strokes()
    assert finger_stroke[0] == (20.0, 50.0) and len(finger_stroke) > 20
    assert pen_stroke[0] == (30.0, 120.0) and pen_stroke[-1] == (300.0, 120.0)


def test_sign_dialog_refuses_an_empty_pad_or_missing_name(qtbot: Any) -> None:
    dialog = SignDialog(None, {"inspector": ["王建国"]}, role="recipient")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.refuse.isVisible()  # only the unit's representative can refuse
    dialog.name.setCurrentText("李红")
    dialog.accept()
    assert dialog.result_input is None and "签名为空" in dialog.error.text()
    dialog.set_role("inspector")
    assert not dialog.refuse.isVisible() and dialog.name.currentText() == "王建国"
    dialog.name.setCurrentText("")
    dialog.accept()
    assert dialog.result_input is None and "姓名" in dialog.error.text()


def test_refusal_is_recorded_with_reason_and_witness_and_printed(
        qtbot: Any, store: Store, finding_visit: str, open_dialog: Any, answers: Answers) -> None:
    dialog = open_dialog(finding_visit)
    dialog.create_notice("record")
    wait_idle(qtbot, dialog)
    notice_id = dialog.detail.row.id
    assert dialog.detail.layout == "form" and dialog.detail.form_fields

    dialog.sign()
    sign_dialog = dialog.sign_dialog
    sign_dialog.set_role("recipient")
    qtbot.mouseClick(sign_dialog.refuse, Qt.MouseButton.LeftButton)
    assert sign_dialog.stack.currentIndex() == 1 and sign_dialog.ok.text() == "记录拒绝签字"
    sign_dialog.refusal_name.setText("赵志刚")
    sign_dialog.refusal_reason.setPlainText("对检查结论有异议")
    sign_dialog.accept()
    assert sign_dialog.isVisible() and "见证人" in sign_dialog.error.text()  # a witness is required
    sign_dialog.witness.setText("孙丽")
    sign_dialog.accept()
    wait_idle(qtbot, dialog)

    (shown,) = dialog.detail.signatures
    assert shown.refused and shown.refusal_reason == "对检查结论有异议"
    assert "拒绝签字" in dialog.message.text()
    with store.read() as s:
        (sig,) = notices.signatures_of(s, notice_id)
        assert sig.refused and sig.role == "recipient" and sig.name == "赵志刚"
        assert sig.witness_name == "孙丽" and sig.png is None

    dialog.issue()  # a record with a recorded refusal may be issued
    wait_idle(qtbot, dialog)
    assert dialog.detail.row.status == "issued"
    path = store.data_dir / "record.pdf"
    path.write_bytes(notices.render_draft(store, notice_id, load_settings(store.data_dir)))
    text = "".join(pdf_text(path).split())
    assert "拒绝签字" in text and "对检查结论有异议" in text and "孙丽" in text


def test_a_signature_can_be_removed_before_issuing(
        qtbot: Any, store: Store, finding_visit: str, open_dialog: Any, answers: Answers) -> None:
    dialog = open_dialog(finding_visit)
    dialog.create_notice("rectification")
    wait_idle(qtbot, dialog)
    with store.write() as s:
        notices.sign(s, dialog.detail.row.id, "witness", "孙丽", STROKE)
    dialog.select_notice(dialog.detail.row.id)
    wait_idle(qtbot, dialog)
    (sig,) = dialog.detail.signatures
    dialog.remove_signature(sig.id)
    wait_idle(qtbot, dialog)
    assert answers.confirms[-1][0] == "删除签名"
    assert dialog.detail.signatures == ()


def test_a_record_is_not_issued_before_it_is_signed(
        qtbot: Any, store: Store, finding_visit: str, open_dialog: Any, answers: Answers) -> None:
    dialog = open_dialog(finding_visit)
    dialog.create_notice("record")
    wait_idle(qtbot, dialog)
    dialog.issue()
    wait_idle(qtbot, dialog)
    assert answers.confirms == []  # no number offered for a notice that cannot be issued
    assert "须有签字" in dialog.message.text()
    assert dialog.detail.row.status == "draft"
