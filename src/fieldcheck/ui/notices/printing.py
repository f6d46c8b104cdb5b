"""Printing a notice on paper exactly as previewed: A4, page for page, 1:1, no shrink-to-fit.

QtPdf only rasterises, so each page is rendered at the printer's resolution (capped at
MAX_DPI) in horizontal strips — one A4 page at 600 dpi would be a 140 MB image — and drawn at
its true size from the paper's top-left corner. "Print to file" (a QPrinter with PdfFormat
and a file name) writes the notice's exact PDF bytes instead: the file is the record, with
its text, embedded fonts and recorded hash intact.

The printer is prepared here and chosen in Qt's print dialog; `print_pdf` needs no dialog, so
a test prints to a file through a QPrinter.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QStandardPaths
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from fieldcheck.errors import FieldCheckError, os_error_text
from fieldcheck.i18n import tr
from fieldcheck.photos.durable import write_durably
from fieldcheck.ui.common.prefs import prefs
from fieldcheck.ui.notices.pdfpages import POINTS_PER_INCH, open_pdf, page_pixels, render_strip

MAX_DPI = 600
STRIP_PX = 1024


def has_printer() -> bool:
    """Whether any printer is installed (no CUPS server or driver: none)."""
    return bool(QPrinterInfo.availablePrinters())


def make_printer(copies: int, doc_name: str = "") -> QPrinter:
    """A printer set up for notices: A4 portrait, the page drawn from the paper's corner."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    default = QPrinterInfo.defaultPrinter()
    if not default.isNull():
        printer.setPrinterName(default.printerName())
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                      QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    printer.setCopyCount(max(1, copies))
    printer.setCollateCopies(True)  # 一式两份: two complete sets, not each page twice
    if doc_name:
        printer.setDocName(doc_name)
    return printer


def choose_printer(parent: QWidget | None, printer: QPrinter, pages: int) -> bool:
    """Qt's print dialog on `printer`; True when the person pressed 打印."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(tr("打印文书"))
    dialog.setMinMax(1, max(1, pages))
    return dialog.exec() == QDialog.DialogCode.Accepted


def prints_to_file(printer: QPrinter) -> bool:
    return printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and bool(
        printer.outputFileName())


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Print `pdf` on `printer` (may run on a worker thread); returns the pages sent."""
    if prints_to_file(printer):
        write_durably(Path(printer.outputFileName()), pdf)
        document = open_pdf(pdf)
        try:
            return document.pageCount()
        finally:
            document.close()
    return paint_pages(pdf, printer)


def _pages_to_print(printer: QPrinter, count: int) -> list[int]:
    first, last = printer.fromPage(), printer.toPage()
    if first <= 0 or printer.printRange() != QPrinter.PrintRange.PageRange:
        return list(range(count))
    return list(range(first - 1, min(max(first, last), count)))


def paint_pages(pdf: bytes, printer: QPrinter) -> int:
    """Rasterise each page onto the printer at its true size; returns the pages painted.

    Copies are made here only when the print system cannot (supportsMultipleCopies).
    """
    document = open_pdf(pdf)
    pages = _pages_to_print(printer, document.pageCount())
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    painter = QPainter()
    if not painter.begin(printer):
        document.close()
        raise FieldCheckError(tr("无法开始打印：打印机“{name}”没有响应。请检查打印机是否开机、"
                                 "已连接，或先保存为 PDF。", name=printer.printerName()))
    painted = 0
    try:
        for _copy in range(copies):
            for page in pages:
                if painted:
                    printer.newPage()
                _paint_page(painter, printer, document, page)
                painted += 1
    finally:
        painter.end()
        document.close()
    return painted


def _paint_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, page: int) -> None:
    # Full-page mode: device (0, 0) is the paper's corner, so PDF points map 1:1 to paper.
    dpi_x, dpi_y = printer.logicalDpiX(), printer.logicalDpiY()
    dpi = min(max(dpi_x, dpi_y), MAX_DPI)
    full = page_pixels(document, page, dpi)
    points = document.pagePointSize(page)
    scale_x = points.width() * dpi_x / POINTS_PER_INCH / full.width()
    scale_y = points.height() * dpi_y / POINTS_PER_INCH / full.height()
    for top in range(0, full.height(), STRIP_PX):
        height = min(STRIP_PX, full.height() - top)
        strip = render_strip(document, page, full, top, height)
        target = QRectF(0, top * scale_y, full.width() * scale_x, height * scale_y)
        painter.drawImage(target, strip)


def suggested_file_name(title: str, number: str | None) -> str:
    name = f"{number}-{title}" if number else f"{title}-{tr('草稿')}"
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name) + ".pdf"


LAST_FOLDER_KEY = "notices/last_pdf_folder"


def start_folder() -> Path:
    """Where 保存 PDF opens: the folder used last, else the documents folder, else home."""
    remembered = prefs().value(LAST_FOLDER_KEY)
    if isinstance(remembered, str) and remembered and Path(remembered).is_dir():
        return Path(remembered)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def ask_save_path(parent: QWidget | None, suggested: str) -> Path | None:
    """Where to save a PDF, or None when the person cancels."""
    name, _ = QFileDialog.getSaveFileName(parent, tr("保存 PDF"), str(start_folder() / suggested),
                                          tr("PDF 文件") + " (*.pdf)")
    if not name:
        return None
    path = Path(name)
    prefs().setValue(LAST_FOLDER_KEY, str(path.parent))
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


def save_pdf(path: Path, pdf: bytes) -> Path:
    """Write the exact bytes (the PDF whose hash was recorded when issued)."""
    try:
        write_durably(path, pdf)
    except OSError as exc:
        raise FieldCheckError(tr("无法保存到 {path}：{reason}。请换一个文件夹或检查磁盘空间。",
                                 path=path, reason=os_error_text(exc))) from exc
    return path
