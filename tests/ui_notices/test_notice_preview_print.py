"""Preview shows every page as it prints; printing through QPainter puts each page on A4 1:1."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from PIL import Image, ImageChops
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from ui_notices_helpers import Answers, wait_idle

from fieldcheck.domain import notices
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.store import Store
from fieldcheck.ui.notices import open_notices_dialog, printing
from fieldcheck.ui.notices.pdfpages import page_count

# Issuing needs the bureau's own issuer and 机关代字 in 文书设置 (not the demo's).
pytestmark = pytest.mark.usefixtures("own_issuer")


def test_preview_renders_every_page_on_white(
        qtbot: Any, store: Store, many_findings_visit: str, open_dialog: Any) -> None:
    dialog = open_dialog(many_findings_visit)
    dialog.create_notice("rectification")
    wait_idle(qtbot, dialog)
    pdf = dialog.rendered.pdf
    assert dialog.rendered.notice_id == dialog.detail.row.id
    expected = page_count(pdf)
    assert expected >= 2  # ten findings do not fit on one page
    assert dialog.pages.page_count == expected == len(dialog.pages.page_labels)
    assert f"共 {expected} 页" in dialog.preview_status.text()
    for image, label in zip(dialog.pages.images, dialog.pages.page_labels, strict=True):
        assert image.format() == QImage.Format.Format_RGB32  # flattened onto white paper
        assert abs(image.height() / image.width() - 297 / 210) < 0.01  # A4
        assert image.pixelColor(3, 3).name() == "#ffffff"
        assert not label.pixmap().isNull() and label.isVisible()
    first = dialog.pages.images[0]
    inked = sum(first.pixelColor(x, y).lightness() < 128
                for x in range(0, first.width(), 7) for y in range(0, first.height(), 7))
    assert inked > 50
    # No 仿宋 or 小标宋 on this machine: the preview says which stand-ins print instead.
    assert dialog.font_warning.isVisibleTo(dialog)
    assert "不是仿宋" in dialog.font_warning.text() and "不是小标宋" in dialog.font_warning.text()


def test_editing_the_wording_is_saved_and_previewed(
        qtbot: Any, store: Store, finding_visit: str, open_dialog: Any) -> None:
    dialog = open_dialog(finding_visit)
    dialog.create_notice("rectification")
    wait_idle(qtbot, dialog)
    editor = dialog.editor
    markers = [row for row in editor.paragraphs.rows if row.marker]
    assert len(markers) == 1 and markers[0].editor is None  # the findings table: not editable
    editor.title.setText("效能监察整改通知书（补充）")
    editor.title.textEdited.emit(editor.title.text())
    assert editor.cc.isVisibleTo(editor)  # 抄送 belongs to the red-header layout
    editor.cc.setText("市纪委监委，市政务服务管理办公室")
    editor.cc.textEdited.emit(editor.cc.text())
    first = editor.paragraphs.rows[0]
    first.editor.setPlainText("经检查，你单位存在下列问题：")
    editor.paragraphs.insert_after(editor.paragraphs.rows[-1], "")
    editor.paragraphs.rows[-1].editor.setPlainText("请于十五日内书面回复。")
    editor.paragraphs.move_row(markers[0], -1)  # the table may move, never be edited
    assert dialog._save_timer.isActive()
    dialog.flush_edits()
    wait_idle(qtbot, dialog)
    with store.read() as s:
        content = notices.get_notice(s, dialog.detail.row.id).content
    assert content["title"] == "效能监察整改通知书（补充）"
    assert content["cc"] == ["市纪委监委", "市政务服务管理办公室"]
    assert content["paragraphs"][0] == "〖问题清单〗"
    assert content["paragraphs"][1] == "经检查，你单位存在下列问题："
    assert content["paragraphs"][-1] == "请于十五日内书面回复。"
    assert dialog.pages.page_count >= 1


def _raster(path: Path, dpi: int, out: Path) -> Image.Image:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-gray", "-png",
                    "-singlefile", str(path), str(out)], check=True)
    return Image.open(f"{out}.png").convert("L")


def _ink_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    """Where the ink is (JPEG noise in the printed raster is near-white, not ink)."""
    return ImageChops.invert(image.point(lambda v: 255 if v > 200 else 0)).getbbox()


def test_printing_through_qpainter_puts_each_page_on_a4_at_true_size(
        qtbot: Any, store: Store, finding_visit: str, open_dialog: Any, tmp_path: Path) -> None:
    dialog = open_dialog(finding_visit)
    dialog.create_notice("rectification")
    wait_idle(qtbot, dialog)
    pdf = notices.render_draft(store, dialog.detail.row.id, load_settings(store.data_dir))
    source = tmp_path / "source.pdf"
    source.write_bytes(pdf)
    printed = tmp_path / "painted.pdf"
    printer = printing.make_printer(copies=1)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    printer.setResolution(300)

    assert printing.paint_pages(pdf, printer) == page_count(pdf)
    with pdfplumber.open(printed) as out:
        assert len(out.pages) == page_count(pdf)
        assert abs(out.pages[0].width - 595.3) < 1 and abs(out.pages[0].height - 841.9) < 1
    # The ink sits where the PDF puts it: same box at 100 dpi within 2 px (0.5 mm), no scaling.
    a, b = _raster(source, 100, tmp_path / "a"), _raster(printed, 100, tmp_path / "b")
    assert a.size == b.size
    box_a, box_b = _ink_box(a), _ink_box(b)
    assert box_a and box_b
    assert all(abs(p - q) <= 2 for p, q in zip(box_a, box_b, strict=True)), (box_a, box_b)


def test_copies_are_made_when_the_print_system_cannot(
        qtbot: Any, store: Store, finding_visit: str, open_dialog: Any, tmp_path: Path) -> None:
    dialog = open_dialog(finding_visit)
    dialog.create_notice("record")
    wait_idle(qtbot, dialog)
    pdf = dialog.rendered.pdf
    printer = printing.make_printer(copies=2)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "two.pdf"))
    printer.setResolution(72)
    assert not printer.supportsMultipleCopies()
    assert printing.paint_pages(pdf, printer) == 2 * page_count(pdf)  # 一式两份


def test_open_notices_dialog_shows_the_visits_notices(
        qtbot: Any, store: Store, finding_visit: str, answers: Answers) -> None:
    with store.write() as s:
        settings = load_settings(store.data_dir)
        notices.create_draft(s, finding_visit, "service", settings)
    dialog = open_notices_dialog(None, store, finding_visit)
    qtbot.waitUntil(lambda: dialog.detail is not None and dialog.tasks.pending == 0)
    assert dialog.isVisible() and dialog.notice_list.count() == 1
    assert dialog.detail.row.type == "service"
    assert "清河市政务服务中心不动产登记综合窗口" in dialog.visit_label.text()
    dialog.tasks.wait()
    dialog.close()
