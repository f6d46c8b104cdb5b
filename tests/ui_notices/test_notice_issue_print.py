"""The whole on-site flow in the dialog: a 整改通知书 from a visit, signed on the pad, issued
with a number, printed; and the watermarked draft when no number is left."""

from __future__ import annotations

import math
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel
from ui_notices_helpers import Answers, pdf_text, wait_idle

from fieldcheck.domain import notices
from fieldcheck.domain.changes import untracked
from fieldcheck.domain.numbering import LeasedBlock
from fieldcheck.models import Notice, Rejection
from fieldcheck.store import Store
from fieldcheck.ui.notices import printing
from fieldcheck.ui.notices.signature_pad import SignaturePad

# Issuing needs the bureau's own issuer and 机关代字 in 文书设置 (not the demo's).
pytestmark = pytest.mark.usefixtures("own_issuer")


def draw_signature(qtbot: Any, pad: SignaturePad) -> None:
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(40, 100))
    for x in range(44, 320, 8):
        qtbot.mouseMove(pad, QPoint(x, 100 + int(28 * math.sin(x / 18))))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(322, 96))


def print_to_file(monkeypatch: pytest.MonkeyPatch, out: Path) -> dict[str, int]:
    """A printer exists, and in Qt's print dialog the person picks "print to file"."""
    seen: dict[str, int] = {}

    def choose(_parent: Any, printer: QPrinter, pages: int) -> bool:
        seen.update(copies=printer.copyCount(), pages=pages)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    monkeypatch.setattr(printing, "has_printer", lambda: True)
    monkeypatch.setattr(printing, "choose_printer", choose)
    return seen


def pages_of(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def flat(text: str) -> str:
    return "".join(text.split())


def test_rectification_is_signed_issued_and_printed(
        qtbot: Any, store: Store, finding_visit: str, open_dialog: Any, answers: Answers,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    dialog = open_dialog(finding_visit)
    dialog.create_notice("rectification")
    wait_idle(qtbot, dialog)
    assert dialog.detail.row.type == "rectification" and dialog.detail.editable
    assert dialog.detail.findings_count == 1
    notice_id = dialog.detail.row.id

    dialog.sign()
    sign_dialog = dialog.sign_dialog
    assert sign_dialog is not None and sign_dialog.isVisible()
    sign_dialog.set_role("inspector")
    assert sign_dialog.name.currentText() == "王建国"  # who works on this laptop
    draw_signature(qtbot, sign_dialog.pad)
    assert not sign_dialog.pad.is_empty()
    sign_dialog.accept()
    wait_idle(qtbot, dialog)
    assert [(s.role, s.name) for s in dialog.detail.signatures] == [("inspector", "王建国")]

    dialog.issue()
    wait_idle(qtbot, dialog)
    number = f"衡监整改〔{date.today().year}〕1号"
    assert any(f"将使用文号 {number}" in text for _title, text in answers.confirms)
    assert dialog.detail.row.status == "issued" and dialog.detail.row.number == number
    assert number in dialog.message.text()
    with store.read() as s:
        notice = s.get(Notice, notice_id)
        assert notice.status == "issued" and notice.number == number
        (sig,) = notices.signatures_of(s, notice_id)
        assert sig.role == "inspector" and sig.png.startswith(b"\x89PNG")
        assert len(sig.strokes) == 1 and len(sig.strokes[0]) > 20

    out = tmp_path / "printed.pdf"
    seen = print_to_file(monkeypatch, out)
    dialog.print_notice()
    wait_idle(qtbot, dialog)
    assert seen["copies"] == 2  # 一式两份
    assert pages_of(out) == seen["pages"] == dialog.pages.page_count >= 1
    assert number in flat(pdf_text(out))
    assert out.read_bytes() == notices.issued_pdf(store, notice_id)  # the record, byte for byte
    assert "已将文书打印到文件" in dialog.message.text()


def test_no_number_left_offers_the_watermarked_draft(
        qtbot: Any, store: Store, finding_visit: str, open_dialog: Any, answers: Answers,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    dialog = open_dialog(finding_visit, authority=None)  # no block and nobody to make one
    dialog.create_notice("rectification")
    wait_idle(qtbot, dialog)
    notice_id = dialog.detail.row.id
    out = tmp_path / "draft.pdf"
    print_to_file(monkeypatch, out)

    dialog.issue()
    wait_idle(qtbot, dialog)
    title, text = answers.confirms[-1]
    assert title == "没有可用的文号"
    assert "没有可用的文号" in text and "草稿" in text
    assert "已将草稿" in dialog.message.text()
    with store.read() as s:
        notice = s.get(Notice, notice_id)
        assert notice.status == "draft" and notice.number is None
    printed = flat(pdf_text(out))  # the person said yes: the draft was printed
    assert "草" in printed and "稿" in printed and "〔" not in printed  # watermark, no 文号


def test_no_printer_says_so_and_offers_saving_the_pdf(
        qtbot: Any, store: Store, finding_visit: str, open_dialog: Any, answers: Answers,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def no_print_dialog(*_args: Any) -> None:
        raise AssertionError("the print dialog must not open without a printer")

    monkeypatch.setattr(printing.QPrinterInfo, "availablePrinters", staticmethod(lambda: []))
    monkeypatch.setattr(printing, "QPrintDialog", no_print_dialog)
    saved = tmp_path / "notice.pdf"
    monkeypatch.setattr(printing, "ask_save_path", lambda _parent, _name: saved)
    dialog = open_dialog(finding_visit)
    dialog.create_notice("rectification")
    wait_idle(qtbot, dialog)

    answers.confirm_answers = [True]  # 保存为 PDF…
    dialog.print_notice()
    wait_idle(qtbot, dialog)
    title, text = answers.confirms[-1]
    assert title == "未找到打印机"
    assert "未找到打印机" in text and "保存为 PDF" in text
    assert "未找到打印机" in dialog.message.text() or "已保存" in dialog.message.text()
    assert saved.read_bytes().startswith(b"%PDF")
    assert pages_of(saved) == dialog.pages.page_count


def test_a_correction_supersedes_and_voids_the_issued_notice(
        qtbot: Any, store: Store, finding_visit: str, open_dialog: Any, answers: Answers) -> None:
    dialog = open_dialog(finding_visit)
    dialog.create_notice("recommendation")
    wait_idle(qtbot, dialog)
    old_id = dialog.detail.row.id
    dialog.issue()
    wait_idle(qtbot, dialog)
    old_number = dialog.detail.row.number
    assert old_number

    answers.texts = ["文书中单位名称有误"]
    dialog.correct()
    wait_idle(qtbot, dialog)
    assert dialog.detail.row.id != old_id and dialog.detail.editable
    assert dialog.detail.superseded_number == old_number
    dialog.issue()
    wait_idle(qtbot, dialog)
    with store.read() as s:
        old = s.get(Notice, old_id)
        assert old.status == "voided" and old_number in dialog.notice_list.rows[0].number_text
        assert dialog.detail.row.number and dialog.detail.row.number != old_number
    assert notices.issued_pdf(store, old_id).startswith(b"%PDF")  # still retrievable


def test_a_number_the_bureau_found_taken_is_marked_and_the_correction_offers_the_reason(
        qtbot: Any, store: Store, finding_visit: str, open_dialog: Any, answers: Answers) -> None:
    dialog = open_dialog(finding_visit)
    dialog.create_notice("rectification")
    wait_idle(qtbot, dialog)
    dialog.issue()
    wait_idle(qtbot, dialog)
    clashing = dialog.detail.row
    # What a sync brings when the bureau found the 文号 printed on another notice too.
    with store.write() as s, untracked(s):
        s.add(Rejection(id=str(uuid.uuid4()), visit_id=finding_visit, op_id=str(uuid.uuid4()),
                        entity="notice", entity_id=clashing.id, code=notices.NUMBER_CLASH,
                        message="", changed={"number": clashing.number}))
    dialog.reload(select_id=clashing.id)
    wait_idle(qtbot, dialog)
    [row] = dialog.notice_list.rows
    assert row.number_clash and dialog.detail.row.number_clash
    shown = [w.text() for w in dialog.notice_list.findChildren(QLabel)]
    assert "文号重复" in shown and any("请“更正”" in text for text in shown)

    answers.texts = ["文号与另一份文书重复，以新文号重新出具"]
    dialog.correct()
    wait_idle(qtbot, dialog)
    assert answers.offered == ["文号与另一份文书重复，以新文号重新出具"]
    dialog.issue()
    wait_idle(qtbot, dialog)
    assert [r.number_clash for r in dialog.notice_list.rows] == [False, False]  # voided, new
    assert "文号重复" not in [w.text() for w in dialog.notice_list.findChildren(QLabel)]


class SmallBlocks:
    """Stands in for the server: leases blocks of three numbers (the sync issue's authority)."""

    refills_offline = False

    def lease_block(self, session: Any, notice_type: str, year: int, size: int) -> LeasedBlock:
        return LeasedBlock(101, 103, "server")


def test_the_inspector_is_warned_when_numbers_run_low(
        qtbot: Any, store: Store, finding_visit: str, open_dialog: Any, answers: Answers) -> None:
    dialog = open_dialog(finding_visit, authority=SmallBlocks())
    dialog.create_notice("rectification")
    wait_idle(qtbot, dialog)
    dialog.issue()
    wait_idle(qtbot, dialog)
    assert "领取新的文号段" in answers.confirms[-1][1]  # the number comes from a new block
    year = date.today().year
    assert dialog.detail.row.number == f"衡监整改〔{year}〕101号"
    assert "仅剩 2 个文号" in dialog.message.text()
    assert dialog.message.property("kind") == "warn"

    dialog.create_notice("rectification")
    wait_idle(qtbot, dialog)
    dialog.issue()
    wait_idle(qtbot, dialog)
    text = answers.confirms[-1][1]
    assert f"将使用文号 衡监整改〔{year}〕102号" in text and "仅剩 2 个文号" in text
    assert "仅剩 1 个文号" in dialog.message.text()
